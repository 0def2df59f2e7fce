package dev.coilsight.trainer;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import dev.coilsight.dataset.Datasets;
import dev.coilsight.dataset.LabeledDataset;
import dev.coilsight.trainer.data.Augmentation;
import dev.coilsight.trainer.data.ClassMap;
import dev.coilsight.trainer.data.DatasetLoader;
import dev.coilsight.trainer.data.LabeledImage;
import dev.coilsight.trainer.net.Architecture;
import dev.coilsight.trainer.train.Loss;
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

    public static Architecture segmenter() {
        return new Architecture(Architecture.Kind.SEGMENTER, 1, 3, 4, 2);
    }

    public static Architecture classifier() {
        return new Architecture(Architecture.Kind.CLASSIFIER, 1, 1, 4, 2);
    }

    public static TrainingOptions options(Architecture arch, int epochs, int batches, Optional<Path> initFrom, boolean freeze) {
        return new TrainingOptions(arch, Loss.BCE_DICE, 0.01f, 4, 64, 64, epochs, 10, batches, 7L,
                new Augmentation(true, 0.1, 0.2), arch.kind() == Architecture.Kind.SEGMENTER ? "dice" : "f1",
                initFrom, "encoder", freeze, 1);
    }
}
