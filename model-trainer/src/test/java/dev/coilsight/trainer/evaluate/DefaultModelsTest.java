package dev.coilsight.trainer.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.coilsight.core.dataset.Datasets;
import dev.coilsight.core.dataset.LabeledDataset;
import dev.coilsight.core.model.LoadedModel;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.testsupport.SharedData;

/**
 * Every committed default model claims, in {@code metrics.check} of its card, what it scores on
 * a few named images; this recomputes those figures through DJL with the card's post-processing.
 */
class DefaultModelsTest {

    static final List<String> COMMITTED = List.of("neu-resunet", "severstal-resunet", "severstal-classifier", "magnetic-tile-classifier", "magnetic-tile-resunet");

    static Path projectRoot() {
        return Path.of(System.getProperty("user.dir")).getParent();
    }

    static Stream<String> committedModels() {
        return COMMITTED.stream();
    }

    @ParameterizedTest
    @MethodSource("committedModels")
    @SuppressWarnings("unchecked")
    void recomputedFiguresMatchTheCard(String name) throws IOException {
        Path dir = projectRoot().resolve("models").resolve(name);
        assertThat(dir.resolve("saved_model.pb")).as("committed model " + name).exists();
        ModelCard card = ModelCard.read(dir);
        assertThat(Files.size(dir.resolve("variables").resolve("variables.data-00000-of-00001"))).isLessThan(20L << 20);
        Map<String, Object> claimed = (Map<String, Object>) card.metrics().get("check");
        assertThat(claimed).as(name + " card has metrics.check").isNotNull();
        Path dataset = SharedData.require(Path.of((String) claimed.get("dataset")).getFileName().toString());
        Path split = projectRoot().resolve((String) claimed.get("split"));
        LabeledDataset data = Datasets.open(dataset, Optional.of(split));
        Map<String, Object> figures;
        try (LoadedModel model = LoadedModel.load(dir)) {
            figures = new Evaluator(model, new PrintStream(OutputStream.nullOutputStream())).evaluate(data, null, e -> { }).figures();
        }
        assertThat(((Number) figures.get("images")).longValue()).isEqualTo(((Number) claimed.get("images")).longValue()).isPositive();
        List<String> keys = card.segmentation() ? List.of("meanDice", "mIoU") : List.of("accuracy", "precision", "recall", "f1");
        for (String key : keys) {
            assertThat(((Number) figures.get(key)).doubleValue()).as(name + " " + key)
                    .isCloseTo(((Number) claimed.get(key)).doubleValue(), within(1e-9));
        }
    }
}
