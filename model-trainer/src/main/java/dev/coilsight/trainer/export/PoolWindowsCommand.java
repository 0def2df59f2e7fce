package dev.coilsight.trainer.export;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.coilsight.cli.CoilsightCommand;
import dev.coilsight.core.image.ColorMode;
import dev.coilsight.core.image.DecodedImage;
import dev.coilsight.core.image.ImageDecoder;
import dev.coilsight.core.image.ImageFolder;
import dev.coilsight.core.model.ClassifierDecision;
import dev.coilsight.core.model.LoadedModel;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.cli.ProgressBar;
import dev.coilsight.trainer.net.Architecture;
import dev.coilsight.trainer.net.NetworkFlops;
import dev.coilsight.trainer.net.SavedModelWeights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./coilsight pool-windows}: re-exports a windowed classifier so that its encoder runs once over the whole image
 * and the windows are pooled from its feature map, then compares its decisions with the original's on a folder.
 */
@Command(name = "pool-windows", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Re-export a classifier that decides by windows (e.g. 256x256 at a stride of half a window) so that its",
                "encoder runs once over the whole image and each window's decision is taken from the pooled feature map:",
                "the same weights and windows at about half the arithmetic. With --compare-on, both models classify every",
                "image of a folder and the agreement of their decisions and probabilities is printed and written to the card.",
                "Exit code 0 on success, 2 on bad input."})
public final class PoolWindowsCommand extends CoilsightCommand {

    @Parameters(index = "0", paramLabel = "MODEL", description = "The windowed classifier's directory (SavedModel + model.json).")
    Path modelDir;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Where to write the pooled model (not MODEL itself).")
    Path output;

    @Option(names = "--model-version", paramLabel = "V", description = "The new model's version (default: the original's with '-pooled').")
    String version;

    @Option(names = "--compare-on", paramLabel = "DIR", description = "A folder of images (PNG or JPEG) both models classify.")
    Path compareOn;

    @Override
    protected int run() throws IOException {
        PrintWriter out = stdout();
        ModelCard card = ModelCard.read(modelDir);
        ModelCard.Decision decision = card.decision();
        if (card.segmentation() || decision == null || !decision.windowed() || decision.pooledInGraph()) {
            throw new IllegalArgumentException(modelDir + " is not a classifier deciding by windows taken one at a time");
        }
        if (ModelExporter.replaces(output, modelDir)) {
            throw new IllegalArgumentException("--output must be another folder than MODEL (directly or through a link), which the comparison reads");
        }
        Architecture arch = Architecture.recorded(card).orElseThrow(() -> new IllegalArgumentException(
                modelDir + "'s card records no architecture (only Coilsight's own models can be re-exported)"));
        ModelCard pooled = card.withDecision(new ModelCard.Decision(decision.threshold(), decision.windowHeight(), decision.windowWidth(), true));
        pooled = new ModelCard(pooled.name(), version != null ? version : card.version() + "-pooled", pooled.task(), pooled.signature(),
                pooled.input(), pooled.outputName(), pooled.classes(), pooled.decision(), pooled.architecture(), pooled.training(), pooled.metrics(),
                pooled.testTimeFlips());
        ModelExporter.export(arch, SavedModelWeights.read(modelDir), pooled, output);
        out.printf(Locale.ROOT, "wrote %s: %s with its %dx%d windows pooled from one pass of the encoder%n", output, card.name(),
                decision.windowWidth(), decision.windowHeight());
        if (compareOn != null) {
            Map<String, Object> agreement = compare(card, ModelCard.read(output), out);
            Map<String, Object> metrics = new LinkedHashMap<>(pooled.metrics() == null ? Map.of() : pooled.metrics());
            metrics.put("pooled windows against windows one at a time", agreement);
            pooled.withMetrics(metrics).write(output);
        }
        out.flush();
        return 0;
    }

    private Map<String, Object> compare(ModelCard windowed, ModelCard pooled, PrintWriter out) throws IOException {
        List<Path> images = ImageFolder.files(compareOn);
        ImageDecoder decoder = new ImageDecoder();
        ColorMode mode = ColorMode.forChannels(windowed.input().channels());
        ClassifierDecision perWindow = new ClassifierDecision(windowed);
        ClassifierDecision inGraph = new ClassifierDecision(pooled);
        int compared = 0;
        int agree = 0;
        int flaggedByWindows = 0;
        int flaggedPooled = 0;
        double sumDifference = 0;
        double maxDifference = 0;
        long windowsNanos = 0;
        long pooledNanos = 0;
        double flop = 0;
        double pooledFlop = 0;
        Architecture arch = Architecture.recorded(windowed).orElseThrow();
        try (LoadedModel a = LoadedModel.load(modelDir); LoadedModel b = LoadedModel.load(output);
             LoadedModel.Session sa = a.newSession(); LoadedModel.Session sb = b.newSession();
             ProgressBar bar = new ProgressBar("comparing", images.size(), System.out)) {
            for (Path file : images) {
                DecodedImage image;
                try {
                    image = decoder.decode(file, mode);
                } catch (RuntimeException e) {
                    bar.step();
                    continue; // not an image: the folder may hold other files
                }
                long t0 = System.nanoTime();
                double p = perWindow.classify(sa, image, 12);
                long t1 = System.nanoTime();
                double q = inGraph.classify(sb, image, 1);
                long t2 = System.nanoTime();
                if (compared > 0) { // the first image of each warms the session up
                    windowsNanos += t1 - t0;
                    pooledNanos += t2 - t1;
                }
                compared++;
                agree += perWindow.defective(p) == inGraph.defective(q) ? 1 : 0;
                flaggedByWindows += perWindow.defective(p) ? 1 : 0;
                flaggedPooled += inGraph.defective(q) ? 1 : 0;
                sumDifference += Math.abs(p - q);
                maxDifference = Math.max(maxDifference, Math.abs(p - q));
                int windows = ClassifierDecision.origins(image.height(), image.width(), windowed.decision().windowHeight(),
                        windowed.decision().windowWidth()).size();
                flop += windows * NetworkFlops.forward(arch, windowed.decision().windowHeight(), windowed.decision().windowWidth());
                pooledFlop += NetworkFlops.forward(arch, a.preprocessor().inputHeight(image.height()), a.preprocessor().inputWidth(image.width()));
                bar.step();
            }
        }
        if (compared == 0) {
            throw badOption("--compare-on " + compareOn + " holds no image");
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("images", compared);
        figures.put("imagesFrom", compareOn.toString());
        figures.put("decisionAgreement", (double) agree / compared);
        figures.put("defectiveByWindows", flaggedByWindows);
        figures.put("defectivePooled", flaggedPooled);
        figures.put("meanAbsoluteProbabilityDifference", sumDifference / compared);
        figures.put("maxAbsoluteProbabilityDifference", maxDifference);
        figures.put("gflopPerImageWindows", flop / compared / 1e9);
        figures.put("gflopPerImagePooled", pooledFlop / compared / 1e9);
        figures.put("pooledOverWindowsFlop", pooledFlop / flop);
        if (compared > 1) {
            figures.put("secondsPerImageWindows", windowsNanos / 1e9 / (compared - 1));
            figures.put("secondsPerImagePooled", pooledNanos / 1e9 / (compared - 1));
        }
        out.printf(Locale.ROOT, "%d images of %s: decisions agree on %d (%.1f %%); defective %d by windows, %d pooled;"
                        + " |p - p'| mean %.4f, max %.4f; %.2f GFLOP per image pooled vs %.2f by windows (%.2f)%n",
                compared, compareOn, agree, 100.0 * agree / compared, flaggedByWindows, flaggedPooled, sumDifference / compared, maxDifference,
                pooledFlop / compared / 1e9, flop / compared / 1e9, pooledFlop / flop);
        if (compared > 1) {
            out.printf(Locale.ROOT, "one image at a time on this machine: %.3f s pooled, %.3f s by windows (batch of 12)%n",
                    pooledNanos / 1e9 / (compared - 1), windowsNanos / 1e9 / (compared - 1));
        }
        return figures;
    }
}
