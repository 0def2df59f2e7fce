package dev.coilsight.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.coilsight.cli.CoilsightCommand;
import dev.coilsight.core.image.ColorMode;
import dev.coilsight.core.image.DecodedImage;
import dev.coilsight.core.image.ImageDecoder;
import dev.coilsight.core.model.ClassifierDecision;
import dev.coilsight.core.model.LoadedModel;
import dev.coilsight.core.model.Preprocessor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./coilsight bench sizes}: how the model cost grows with the image: real stream images cropped
 * to 256 x W (their left part), then, per width, pre-processing and bare batched predict of each model
 * on every image (the classifier's windows grow with W, the segmenter's input is the whole image).
 * Prints a Markdown table of milliseconds per image (median of {@code --passes} passes).
 */
@Command(name = "sizes", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Bare predict cost per image of each default model as the image widens (crops of real images); a Markdown table.")
public final class SizeSweepCommand extends CoilsightCommand {


    @Option(names = "--widths", split = ",", defaultValue = "256,512,1024,1600", description = "Crop widths (default: ${DEFAULT-VALUE}).")
    List<Integer> widths;

    @Option(names = "--count", defaultValue = "16", description = "Images per width (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--batch", defaultValue = "8", description = "Images per predict call (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--passes", defaultValue = "3",
            description = "Timed passes per width and model; the median is reported (a shared machine disturbs single passes) (default: ${DEFAULT-VALUE}).")
    int passes;

    @Option(names = "--images", paramLabel = "DIR", description = "Images (default: ../shared/data/severstal-stream).")
    Path images;

    @Override
    protected int run() throws Exception {
        List<Path> files = BenchInputs.images(images != null ? images : BenchInputs.defaultStreamImages(), count);
        ImageDecoder decoder = new ImageDecoder();
        List<DecodedImage> decoded = new ArrayList<>();
        for (Path file : files) {
            decoded.add(decoder.decode(Files.readAllBytes(file), ColorMode.GRAYSCALE));
        }
        List<String> rows = new ArrayList<>();
        rows.add("| image (H x W) | classifier windows | pre-processing (ms/image) | classifier predict (ms/image) | segmenter predict (ms/image) |");
        rows.add("|---|---|---|---|---|");
        try (LoadedModel classifier = LoadedModel.load(BenchInputs.defaultModel("severstal-classifier"));
             LoadedModel segmenter = LoadedModel.load(BenchInputs.defaultModel("severstal-resunet"));
             LoadedModel.Session classify = classifier.newSession();
             LoadedModel.Session segment = segmenter.newSession()) {
            ClassifierDecision decision = new ClassifierDecision(classifier.card());
            for (int width : widths) {
                List<DecodedImage> cropped = new ArrayList<>();
                for (DecodedImage image : decoded) {
                    if (image.channels() != 1 || image.width() < width) {
                        throw new IllegalArgumentException("--widths must not exceed the images' width " + image.width());
                    }
                    cropped.add(ClassifierDecision.crop(image, 0, 0, image.height(), width));
                }
                // One untimed pass first, as predict gets: the first width must not pay for the JIT's warm-up; then the
                // median of the passes, as for the models.
                List<List<Preprocessor.Prepared>> windows = new ArrayList<>();
                List<Preprocessor.Prepared> whole = new ArrayList<>();
                double[] prepareMillis = new double[passes];
                for (int pass = -1; pass < passes; pass++) {
                    windows.clear();
                    whole.clear();
                    long t = System.nanoTime();
                    for (DecodedImage image : cropped) {
                        windows.add(decision.inputs(image));
                        whole.add(segmenter.preprocessor().prepare(image));
                    }
                    if (pass >= 0) {
                        prepareMillis[pass] = (System.nanoTime() - t) / 1e6 / cropped.size();
                    }
                }
                double prepareMs = Percentiles.of(prepareMillis, 50);
                double classifierMs = perImage(classify, windows);
                double segmenterMs = perImage(segment, whole.stream().map(List::of).toList());
                String row = String.format(Locale.ROOT, "| %d x %d | %d | %.1f | %.0f | %.0f |", cropped.get(0).height(), width, windows.get(0).size(),
                        prepareMs, classifierMs, segmenterMs);
                System.err.println("sizes: " + row);
                rows.add(row);
            }
        }
        rows.forEach(System.out::println);
        return 0;
    }

    /**
     * Milliseconds per image of batched predict (all inputs of {@code batch} images per call), after one untimed warm-up
     * call: the median of {@code passes} passes over the images.
     */
    private double perImage(LoadedModel.Session session, List<List<Preprocessor.Prepared>> perImage) {
        session.predict(flatten(perImage.subList(0, Math.min(batch, perImage.size()))));
        double[] millis = new double[passes];
        for (int pass = 0; pass < passes; pass++) {
            long t = System.nanoTime();
            for (int i = 0; i < perImage.size(); i += batch) {
                session.predict(flatten(perImage.subList(i, Math.min(perImage.size(), i + batch))));
            }
            millis[pass] = (System.nanoTime() - t) / 1e6 / perImage.size();
        }
        return Percentiles.of(millis, 50);
    }

    private static List<Preprocessor.Prepared> flatten(List<List<Preprocessor.Prepared>> perImage) {
        List<Preprocessor.Prepared> all = new ArrayList<>();
        perImage.forEach(all::addAll);
        return all;
    }
}
