package dev.coilsight.trainer.export;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

import dev.coilsight.cli.CoilsightCommand;
import dev.coilsight.core.image.ColorMode;
import dev.coilsight.core.image.DecodedImage;
import dev.coilsight.core.image.ImageDecoder;
import dev.coilsight.core.image.ImageFolder;
import dev.coilsight.core.image.ImageRejectedException;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.core.model.Preprocessor;
import dev.coilsight.trainer.net.Architecture;
import dev.coilsight.trainer.net.Networks;
import dev.coilsight.trainer.net.SavedModelWeights;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./coilsight fold-batch-norm}: re-exports a Coilsight model exported before serving graphs were folded, with its
 * batch norms folded ({@link dev.coilsight.trainer.net.Layers.BatchNorm#FOLDED}), and checks that both give the same
 * probabilities.
 */
@Command(name = "fold-batch-norm", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Re-export a Coilsight model with every batch norm folded into the convolution before it (the stem's into a scale",
                "and shift after its pooling): the same function with fewer ops, which bf16 inference needs to pay (docs/MODELS.md).",
                "Models trained now are exported folded already. Both models then predict the same random batch (or the images of",
                "--check-on) and the largest and mean differences of their probabilities are printed; above float rounding's",
                "(5e-4 largest, 1e-5 mean) the command fails.",
                "Exit code 0 on success, 1 when the outputs differ, 2 on bad input."})
public final class FoldBatchNormCommand extends CoilsightCommand {

    @Parameters(index = "0", paramLabel = "MODEL", description = "The model's directory (SavedModel + model.json, with an architecture in its card).")
    Path modelDir;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Where to write the folded model (not MODEL itself).")
    Path output;

    @Option(names = "--check-on", paramLabel = "DIR",
            description = "Check on the first 4 images of this folder, prepared as the workers prepare them, instead of a random batch.")
    Path checkOn;

    @Override
    protected int run() {
        PrintWriter out = stdout();
        if (ModelExporter.replaces(output, modelDir)) {
            throw badOption("--output must be another folder than MODEL (directly or through a link), which the check reads");
        }
        ModelCard card = ModelCard.read(modelDir);
        Architecture arch = Architecture.recorded(card).orElseThrow(() -> new IllegalArgumentException(
                modelDir + "'s card records no architecture (only Coilsight's own models can be re-exported)"));
        List<Input> inputs = checkOn != null ? imagesOf(card) : List.of(randomBatch(card, arch));
        Map<String, float[]> weights = SavedModelWeights.read(modelDir);
        if (!Networks.foldable(weights)) {
            throw new IllegalArgumentException(modelDir + " has a batch norm with a negative scale before a pooling: "
                    + "it cannot be folded exactly, and is served as it is");
        }
        ModelExporter.export(arch, weights, card, output);
        FoldAgreement agreement = compare(card, inputs);
        out.printf(Locale.ROOT, "wrote %s: %s with its batch norms folded; on %s its %s%n",
                output, card.name(), checkOn == null ? "a random batch" : checkOn, agreement);
        out.flush();
        if (!agreement.isRounding()) {
            stderr().printf(Locale.ROOT, "fold-batch-norm: the folded model differs by more than float rounding (%.0e largest, "
                    + "%.0e mean): do not use %s%n", FoldAgreement.LARGEST, FoldAgreement.MEAN, output);
            return 1;
        }
        return 0;
    }

    /** One input tensor. */
    private record Input(Shape shape, float[] values) {
    }

    private FoldAgreement compare(ModelCard card, List<Input> inputs) {
        FoldAgreement agreement = null;
        try (SavedModelBundle before = SavedModelBundle.load(modelDir.toString(), "serve");
             SavedModelBundle after = SavedModelBundle.load(output.toString(), "serve")) {
            for (Input input : inputs) {
                FoldAgreement one = FoldAgreement.of(predict(before, card, input), predict(after, card, input));
                agreement = agreement == null ? one : agreement.and(one);
            }
        }
        return agreement;
    }

    /** The first 4 images of --check-on, prepared as the workers prepare them; files that are not images are passed over. */
    private List<Input> imagesOf(ModelCard card) {
        List<Path> files = ImageFolder.files(checkOn);
        ImageDecoder decoder = new ImageDecoder();
        Preprocessor preprocessor = new Preprocessor(card.input());
        List<Input> inputs = new ArrayList<>();
        for (Path file : files) {
            if (inputs.size() == 4) {
                break;
            }
            DecodedImage image;
            try {
                image = decoder.decode(file, ColorMode.forChannels(card.input().channels()));
            } catch (ImageRejectedException e) {
                continue;
            }
            Preprocessor.Prepared p = preprocessor.prepare(image);
            inputs.add(new Input(Shape.of(1, p.height(), p.width(), p.channels()), p.values()));
        }
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("--check-on " + checkOn + " holds no image");
        }
        return inputs;
    }

    /**
     * A seeded batch of four images of the size the workers feed (a fixed size, two decision windows side by side, or
     * 4 x 8 size multiples): blocks of 16 x 16 pixels of random grey levels with noise, each image at its own
     * brightness, so that probabilities spread out instead of saturating at 0 or 1 (a model may still saturate on them:
     * the range is printed, and --check-on takes real images).
     */
    private static Input randomBatch(ModelCard card, Architecture arch) {
        ModelCard.Decision decision = card.decision();
        boolean windowed = decision != null && decision.windowed();
        int height = card.input().height() != null ? card.input().height() : windowed ? decision.windowHeight() : 4 * arch.sizeMultiple();
        int width = card.input().width() != null ? card.input().width() : windowed ? 2 * decision.windowWidth() : 8 * arch.sizeMultiple();
        int images = 4;
        Shape shape = Shape.of(images, height, width, arch.channels());
        float[] values = new float[(int) shape.size()];
        Random random = new Random(7);
        int perImage = values.length / images;
        for (int n = 0; n < images; n++) {
            float base = 0.1f + 0.2f * n;
            float[][] blocks = new float[height / 16 + 1][width / 16 + 1];
            for (float[] row : blocks) {
                for (int j = 0; j < row.length; j++) {
                    row[j] = random.nextFloat();
                }
            }
            for (int i = 0; i < perImage; i++) {
                int pixel = i / arch.channels();
                float grey = blocks[pixel / width / 16][pixel % width / 16] + 0.1f * (float) random.nextGaussian();
                values[n * perImage + i] = Math.min(1f, Math.max(0f, base + 0.1f * (grey - 0.5f)));
            }
        }
        return new Input(shape, values);
    }

    private static float[] predict(SavedModelBundle bundle, ModelCard card, Input input) {
        try (TFloat32 x = TFloat32.tensorOf(input.shape(), DataBuffers.of(input.values(), true, false));
             Result result = bundle.function(card.signature()).call(Map.of(card.input().name(), x))) {
            TFloat32 y = (TFloat32) result.get(0);
            float[] probabilities = new float[(int) y.shape().size()];
            y.copyTo(DataBuffers.of(probabilities, false, false));
            return probabilities;
        }
    }
}
