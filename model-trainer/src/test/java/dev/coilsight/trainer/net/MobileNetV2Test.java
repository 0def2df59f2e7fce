package dev.coilsight.trainer.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.tensorflow.ndarray.Shape;

import dev.coilsight.trainer.TinyModels;
import dev.coilsight.trainer.export.FoldAgreement;
import dev.coilsight.trainer.export.ServingGraph;
import dev.coilsight.trainer.train.Loss;
import dev.coilsight.trainer.train.TrainingGraph;

/** The MobileNetV2 encoder against Keras' network and the ImageNet weights of ../shared/pretrained. */
class MobileNetV2Test {

    @Test
    void everyEncoderVariableOfTheClassifierIsOneImageNetTensorOfTheSameSizeAndNothingIsLeftOver() {
        Map<String, float[]> imageNet = ImageNetBackbone.read(TinyModels.imageNetBackbone(), 3);
        Map<String, Integer> encoder = encoderSizes(TinyModels.mobileNetClassifier(3));
        assertThat(new TreeSet<>(encoder.keySet())).isEqualTo(new TreeSet<>(imageNet.keySet()));
        encoder.forEach((name, size) -> assertThat(imageNet.get(name)).as(name).hasSize(size));
        // Keras' MobileNetV2(alpha=0.35, include_top=False) has 410,208 parameters; the manifest's toy dense head is not among them.
        assertThat(encoder.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(410_208);
        // The segmenter stops at the last block (stride 32), before the 1x1 convolution to 1280 channels.
        assertThat(encoderSizes(TinyModels.mobileNetSegmenter(3)).keySet()).allMatch(imageNet::containsKey)
                .doesNotContain("enc/Conv_1/kernel");
    }

    @Test
    void aGrayNetworkOnAGrayImageComputesWhatTheColourNetworkComputesOnThreeEqualChannels() {
        Map<String, float[]> colour = withHead(TinyModels.mobileNetClassifier(3), ImageNetBackbone.read(TinyModels.imageNetBackbone(), 3));
        Map<String, float[]> gray = new HashMap<>(colour);
        gray.putAll(ImageNetBackbone.read(TinyModels.imageNetBackbone(), 1));
        assertThat(gray.get("enc/Conv1/kernel")).hasSize(colour.get("enc/Conv1/kernel").length / 3);

        float[] image = randomImage(64 * 96, 3);
        float[] threeChannels = new float[image.length * 3];
        for (int i = 0; i < image.length; i++) {
            threeChannels[3 * i] = threeChannels[3 * i + 1] = threeChannels[3 * i + 2] = image[i];
        }
        float[] fromGray = predict(TinyModels.mobileNetClassifier(1), gray, image, Shape.of(1, 64, 96, 1));
        float[] fromColour = predict(TinyModels.mobileNetClassifier(3), colour, threeChannels, Shape.of(1, 64, 96, 3));
        assertThat(fromGray[0]).isCloseTo(fromColour[0], within(1e-4f));
        assertThat(fromGray[0]).as("a real probability, not a saturated one").isBetween(0.01f, 0.99f);
    }

    @Test
    void aSegmenterAnswersEveryPixelOfAnyMultipleOf32AndFoldsItsBatchNormsExactly() {
        Map<String, float[]> weights = TinyModels.trainedLookingWeights(TinyModels.mobileNetSegmenter(1), 3);
        FoldAgreement agreement = foldedAgainstTrained(weights, weights);
        assertThat(agreement.values()).isEqualTo(2 * 64 * 96 * 3);
        assertThat(agreement.isRounding()).as("%s", agreement).isTrue();
    }

    @Test
    void aFoldWithOneChannelsMovingVarianceTwoPercentOffIsNotTakenForFloatRounding() {
        Map<String, float[]> weights = TinyModels.trainedLookingWeights(TinyModels.mobileNetSegmenter(1), 3);
        for (String variance : new String[] {"enc/block_16_project_BN/moving_variance", "dec/res4/bn1/moving_variance"}) {
            Map<String, float[]> wrong = new HashMap<>(weights);
            float[] values = weights.get(variance).clone();
            values[0] *= 1.02f;
            wrong.put(variance, values);
            FoldAgreement agreement = foldedAgainstTrained(weights, wrong);
            assertThat(agreement.isRounding()).as("%s off: %s", variance, agreement).isFalse();
        }
    }

    @Test
    void itCostsWhatTheMobileNetV2PaperCountsForWidth035() {
        // Sandler et al. 2018, table 6: 59 M multiply-adds at 224 x 224 with the 1000-class top (1.28 M of them).
        double flops = NetworkFlops.forward(TinyModels.mobileNetClassifier(3), 224, 224);
        assertThat(flops / 2).isBetween(55e6, 59e6);
    }

    @Test
    void keepsKerasChannelRounding() {
        assertThat(MobileNetV2.makeDivisible(32 * 0.35)).isEqualTo(16);
        assertThat(MobileNetV2.makeDivisible((int) (16 * 0.35))).isEqualTo(8);
        assertThat(MobileNetV2.makeDivisible((int) (32 * 0.35))).isEqualTo(16);
        assertThat(MobileNetV2.makeDivisible((int) (64 * 0.35))).isEqualTo(24);
        assertThat(MobileNetV2.makeDivisible((int) (320 * 0.35))).isEqualTo(112);
    }

    @Test
    void otherDepthsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> new Architecture(Architecture.Kind.SEGMENTER, 1, 3, 16, 3, Architecture.Encoder.MOBILENETV2_035))
                .hasMessageContaining("mobilenetv2-0.35").hasMessageContaining("multiple of 32");
    }

    private static Map<String, Integer> encoderSizes(Architecture arch) {
        Map<String, Integer> sizes = new HashMap<>();
        try (TrainingGraph graph = new TrainingGraph(arch, Loss.BCE, 0.01f, Set.of(), 1)) {
            for (Parameters.Parameter p : graph.parameters().all()) {
                if (p.name().startsWith(Networks.ENCODER_PREFIX)) {
                    sizes.put(p.name(), p.size());
                }
            }
        }
        return sizes;
    }

    /** The ImageNet encoder with a seeded random head. */
    private static Map<String, float[]> withHead(Architecture arch, Map<String, float[]> encoder) {
        Map<String, float[]> weights;
        try (TrainingGraph graph = new TrainingGraph(arch, Loss.BCE, 0.01f, Set.of(), 1)) {
            weights = new HashMap<>(graph.parameters().initialValues(1));
        }
        weights.putAll(encoder);
        return weights;
    }

    /** The folded serving graph of {@code served} against the training graph of {@code trained}, on two seeded 64x96 images. */
    private static FoldAgreement foldedAgainstTrained(Map<String, float[]> trained, Map<String, float[]> served) {
        Architecture arch = TinyModels.mobileNetSegmenter(1);
        Shape shape = Shape.of(2, 64, 96, 1);
        float[] images = randomImage(2 * 64 * 96, 5);
        float[] reference = predict(arch, trained, images, shape);
        try (ServingGraph serving = new ServingGraph(arch, served, 1)) {
            assertThat(serving.batchNormFolded()).isTrue();
            return FoldAgreement.of(reference, serving.predict(images, shape));
        }
    }

    private static float[] predict(Architecture arch, Map<String, float[]> weights, float[] images, Shape shape) {
        try (TrainingGraph graph = new TrainingGraph(arch, Loss.BCE, 0.01f, Set.of(), 1)) {
            graph.assign(weights);
            return graph.predict(images, shape);
        }
    }

    private static float[] randomImage(int size, long seed) {
        Random random = new Random(seed);
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = random.nextFloat();
        }
        return values;
    }
}
