package dev.coilsight.trainer.explore;

import java.nio.file.Path;
import java.util.Optional;

import dev.coilsight.cli.CoilsightCommand;
import dev.coilsight.cli.ManifestVersion;
import dev.coilsight.trainer.data.DatasetOption;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./coilsight explore}: the charts a data scientist draws before training. */
@Command(name = "explore", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class, sortOptions = false,
        description = {"Scan a labelled dataset once and write a report (index.html + PNG charts + summary.json):",
                "images per class and defect-free, defect classes per image, class co-occurrence, mask area (pixels and fraction),",
                "connected components per mask, where defects lie, brightness and contrast per class, and a gallery of examples",
                "with their ground-truth masks. Reads both layouts: train.csv + train_images/ (Severstal) and images/ + masks/.",
                "Unreadable images and invalid labels are counted and listed, not fatal. Exit code 0 on success, 2 on bad input."})
public final class ExploreCommand extends CoilsightCommand {

    @CommandLine.Mixin
    DatasetOption dataset;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Folder for the report (created if missing).")
    Path out;

    @Option(names = "--split", paramLabel = "FILE", description = "Use only the images listed (one id per line, extension optional).")
    Path split;

    @Option(names = "--examples", defaultValue = "3", paramLabel = "N", description = "Gallery examples per class (default: ${DEFAULT-VALUE}).")
    int examples;

    @Override
    protected int run() throws Exception {
        if (examples < 0) {
            throw new IllegalArgumentException("--examples must be >= 0, got " + examples);
        }
        ExplorationSummary summary = new DatasetExplorer(examples, System.err).explore(dataset.folder(), Optional.ofNullable(split), out);
        stdout().print(summary.toText());
        stdout().println("report: " + out.resolve("index.html").toAbsolutePath());
        stdout().flush();
        return 0;
    }
}
