package dev.coilsight.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.coilsight.core.dataset.Datasets;
import dev.coilsight.core.dataset.LabeledDataset;
import dev.coilsight.trainer.TinyModels;

class DatasetLoaderTest {

    @Test
    void classesTheModelDoesNotPredictAreLeftOutAndCountedSoThatEvaluateCanSaySo() {
        LabeledDataset neu = Datasets.open(TinyModels.neu(), Optional.of(TinyModels.neu().resolve("train.txt")));
        // Every 50th image: the split lists the images class by class.
        List<String> ids = java.util.stream.IntStream.range(0, neu.imageIds().size()).filter(i -> i % 50 == 0)
                .mapToObj(neu.imageIds()::get).toList();
        DatasetLoader scratchesOnly = new DatasetLoader(ClassMap.parse("3=scratches"), 1);
        DatasetLoader all = new DatasetLoader(TinyModels.NEU_CLASSES, 1);

        scratchesOnly.load(neu, ids, "test images");
        all.load(neu, ids, "test images");

        assertThat(all.unpredictedClasses()).isEmpty();
        assertThat(scratchesOnly.unpredictedClasses()).isNotEmpty().containsOnlyKeys(1, 2)
                .allSatisfy((id, images) -> assertThat(images).isPositive());
    }
}
