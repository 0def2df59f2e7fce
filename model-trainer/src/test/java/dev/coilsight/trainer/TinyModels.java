package dev.coilsight.trainer;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

import dev.coilsight.core.dataset.Datasets;
import dev.coilsight.core.dataset.LabeledDataset;
import dev.coilsight.trainer.data.Augmentation;
import dev.coilsight.trainer.data.ClassMap;
import dev.coilsight.trainer.data.DatasetLoader;
import dev.coilsight.trainer.data.LabeledImage;
import dev.coilsight.trainer.net.Architecture;
import dev.coilsight.trainer.train.Loss;
import dev.coilsight.trainer.train.TrainingGraph;
import dev.coilsight.trainer.train.TrainingOptions;
import dev.coilsight.testsupport.SharedData;

/** Small, fast networks and real images for the trainer's tests. */
public final class TinyModels {

    public static final ClassMap NEU_CLASSES = ClassMap.parse("1=inclusions,2=patches,3=scratches");

    private TinyModels() {
    }

    public static Path neu() {
        return SharedData.require("neu-seg");
    }

    /** The first {@code count} images of the NEU-Seg train split, decoded gray. */
    public static List<LabeledImage> neuImages(int from, int count) {
        LabeledDataset data = Datasets.open(neu(), Optional.of(neu().resolve("train.txt")));
        return new DatasetLoader(NEU_CLASSES, 1).load(data, data.imageIds().subList(from, from + count), "test images");
    }

    /** The ImageNet MobileNetV2 of ../shared/pretrained. */
    public static Path imageNetBackbone() {
        Path dir = SharedData.root().getParent().resolve("pretrained").resolve("mobilenetv2-0.35-imagenet");
        org.assertj.core.api.Assumptions.assumeThat(dir.resolve("weights.bin")).as("this test needs ../shared/pretrained").exists();
        return dir;
    }

    /** A U-Net on the MobileNetV2 encoder, with a narrow decoder. */
    public static Architecture mobileNetSegmenter(int channels) {
        return new Architecture(Architecture.Kind.SEGMENTER, channels, 3, 4, 4, Architecture.Encoder.MOBILENETV2_035);
    }

    public static Architecture mobileNetClassifier(int channels) {
        return new Architecture(Architecture.Kind.CLASSIFIER, channels, 1, 4, 4, Architecture.Encoder.MOBILENETV2_035);
    }

    public static Architecture segmenter() {
        return new Architecture(Architecture.Kind.SEGMENTER, 1, 3, 4, 2);
    }

    public static Architecture classifier() {
        return new Architecture(Architecture.Kind.CLASSIFIER, 1, 1, 4, 2);
    }

    /** Initial weights with batch norms that do something: gamma 0.5-1.5, beta and mean +-0.5, variance 0.2-2. */
    public static Map<String, float[]> trainedLookingWeights(Architecture arch, long seed) {
        Map<String, float[]> weights;
        try (TrainingGraph graph = new TrainingGraph(arch, Loss.BCE, 0.01f, Set.of(), 1)) {
            weights = new LinkedHashMap<>(graph.parameters().initialValues(seed));
        }
        Random random = new Random(seed);
        weights.replaceAll((name, values) -> {
            float[] v = values.clone();
            for (int i = 0; i < v.length; i++) {
                if (name.endsWith("/gamma")) {
                    v[i] = 0.5f + random.nextFloat();
                } else if (name.endsWith("/beta") || name.endsWith("/moving_mean")) {
                    v[i] = random.nextFloat() - 0.5f;
                } else if (name.endsWith("/moving_variance")) {
                    v[i] = 0.2f + 1.8f * random.nextFloat();
                }
            }
            return v;
        });
        return weights;
    }

    public static TrainingOptions options(Architecture arch, int epochs, int batches, Optional<Path> initFrom, boolean freeze) {
        return new TrainingOptions(arch, Loss.BCE_DICE, 0.01f, 4, 64, 64, epochs, 10, batches, 7L,
                new Augmentation(true, 0.1, 0.2), arch.kind() == Architecture.Kind.SEGMENTER ? "dice" : "f1",
                initFrom, "encoder", freeze, 1);
    }
}
