package dev.coilsight.trainer.predict;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.coilsight.cli.CoilsightCommand;
import dev.coilsight.core.scoring.ImageSet;
import dev.coilsight.core.model.LoadedModel;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.cli.ProgressBar;
import dev.coilsight.core.rle.KaggleCsv;
import dev.coilsight.core.rle.RleRow;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./coilsight predict}: the masks of a folder of images as a Kaggle submission CSV. */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write the defect masks of every image in a folder as a Kaggle submission CSV, with the same decoding,",
                "pre-processing and post-processing (per-class threshold, minimum area, RLE) as the segmenter worker;",
                "with --classifier, images the classifier passes as clean get no masks, as in the streaming line.",
                "./coilsight score reads the output. Files that are not PNG or JPEG by content are skipped and named.",
                "An image that cannot be read or predicted is named and gets no rows (score reads it as clean).",
                "Exit code 0 when every image was predicted, 1 when some could not be, 2 on bad input (checked before any work;",
                "the CSV is written whole or not at all)."})
public final class PredictCommand extends CoilsightCommand {

    /** The two CSV layouts Kaggle used for Severstal. */
    enum Format { NEW, OLD }

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Segmenter model directory (SavedModel + model.json).")
    Path modelDir;

    @Option(names = "--images", required = true, paramLabel = "DIR", description = "Folder of images (PNG or JPEG, by content).")
    Path imagesDir;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The CSV to write.")
    Path out;

    @Option(names = "--format", defaultValue = "new", converter = FormatConverter.class,
            description = {"new: ImageId,ClassId,EncodedPixels, a row per defect found (as train.csv);",
                    "old: ImageId_ClassId,EncodedPixels, a row per image predicted and class, empty where none (default: ${DEFAULT-VALUE})."})
    Format format;

    @Option(names = "--classifier", paramLabel = "DIR", description = "A classifier model directory that gates the segmenter, as in the line.")
    Path classifierDir;

    @Option(names = "--batch", defaultValue = "4", description = "Images of one size per forward pass (default: ${DEFAULT-VALUE}).")
    int batch;

    @CommandLine.Mixin
    PrecisionOption precision;

    /** Case-insensitive {@code new} / {@code old}. */
    static final class FormatConverter implements CommandLine.ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            try {
                return Format.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("--format must be new or old, got '" + value + "'");
            }
        }
    }

    @Override
    protected int run() throws IOException {
        if (batch < 1) {
            throw badOption("--batch must be >= 1, got " + batch);
        }
        if (!Files.isDirectory(imagesDir)) {
            throw badOption("--images " + imagesDir + " is not a folder");
        }
        // Whatever would stop the CSV being written is refused here, before the models load and the images run.
        ImageSet images = ImageSet.fromDirectory(imagesDir);
        requireIdsThatReadBack(images.sizes().keySet());
        Optional<String> outProblem = OutputFile.problem("--out", out);
        if (outProblem.isPresent()) {
            throw badOption(outProblem.get());
        }
        var err = stderr();
        images.skippedFiles().stream().filter(skipped -> !images.unreadableFiles().contains(skipped))
                .forEach(skipped -> err.println("predict: skipped " + skipped));
        images.unreadableFiles().forEach(unreadable -> err.println("predict: could not read " + unreadable));
        List<Path> files = images.sizes().keySet().stream().map(imagesDir::resolve).toList();

        Results results = new Results();
        ModelCard card;
        try (LoadedModel segmenter = precision.load(modelDir, stderr());
             LoadedModel classifier = classifierDir == null ? null : precision.load(classifierDir, stderr())) {
            card = segmenter.card();
            try (FolderPredictor predictor = newPredictor(segmenter, classifier);
                 ProgressBar bar = new ProgressBar("predicting", files.size(), System.err)) {
                predictor.predict(files, outcome -> {
                    results.add(outcome);
                    bar.step();
                });
            }
        }
        results.failures.forEach(f -> err.println("predict: could not predict " + f));
        // A failed image gets no rows in either layout: the old one's empty rows would read as "no defect".
        List<String> predicted = images.sizes().keySet().stream().filter(id -> !results.failedIds.contains(id)).toList();
        OutputFile.write(out, writer -> writeCsv(writer, results.rows, predicted, card));
        stdout().printf("predict: %d images, %d defect masks%s, written to %s (%s layout)%n", predicted.size(),
                results.rows.size(), classifierDir == null ? "" : ", " + results.gatedClean + " passed as clean by the classifier", out,
                format == Format.NEW ? "ImageId,ClassId,EncodedPixels" : "ImageId_ClassId,EncodedPixels");
        return results.failures.isEmpty() && images.unreadableFiles().isEmpty() ? 0 : 1;
    }

    /** Refuses, naming them, image ids that would come back from the CSV changed (the reader trims, unquotes, splits). */
    private void requireIdsThatReadBack(Collection<String> imageIds) {
        List<String> refused = imageIds.stream()
                .flatMap(id -> KaggleCsv.imageIdProblem(id).map(problem -> "'" + oneLine(id) + "' (" + problem + ")").stream())
                .toList();
        if (!refused.isEmpty()) {
            throw badOption("--images " + imagesDir + ": rename the image" + (refused.size() == 1 ? "" : "s") + " whose name"
                    + " would not read back from the CSV as written: " + String.join(", ", refused));
        }
    }

    private static String oneLine(String text) {
        return text.replace("\n", "\\n").replace("\r", "\\r");
    }

    private FolderPredictor newPredictor(LoadedModel segmenter, LoadedModel classifier) {
        try {
            return new FolderPredictor(segmenter, classifier, batch);
        } catch (IllegalArgumentException e) {
            throw badOption(e.getMessage());
        }
    }

    private void writeCsv(Writer writer, List<RleRow> rows, List<String> imageIds, ModelCard card) throws IOException {
        if (format == Format.NEW) {
            KaggleCsv.writeImageClass(writer, rows);
        } else {
            int classes = card.classes().stream().mapToInt(ModelCard.ClassSpec::id).max().orElse(1);
            KaggleCsv.writeImageUnderscoreClass(writer, imageIds, rows, classes);
        }
    }

    /** What the predictor said of the images: their rows, which failed and why, and how many the gate passed as clean. */
    private static final class Results {
        final List<RleRow> rows = new ArrayList<>();
        final Set<String> failedIds = new HashSet<>();
        final List<String> failures = new ArrayList<>();
        int gatedClean;

        void add(FolderPredictor.Outcome outcome) {
            if (outcome.error() != null) {
                failedIds.add(outcome.imageId());
                failures.add(outcome.imageId() + ": " + outcome.error());
            }
            if (outcome.gatedClean()) {
                gatedClean++;
            }
            rows.addAll(outcome.rows());
        }
    }
}
