package dev.coilsight.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelCardTest {

    @TempDir
    Path dir;

    @Test
    void aCardThatCannotBeWrittenLeavesTheOneBeforeWholeAndNothingBesideIt() throws Exception {
        ModelCard card = new ModelCard("m", "3", "segmentation", null, InputSpec.padded("input", 1, 16), "probabilities",
                List.of(new ModelCard.ClassSpec(1, "a", 0.4, 100)), null, Map.of("type", "ResUNet"), Map.of("seed", 1), Map.of());
        card.write(dir);
        String before = java.nio.file.Files.readString(dir.resolve(ModelCard.FILE));
        ModelCard unwritable = card.withMetrics(Map.of("val", new Object())); // no serializer: fails after part of the JSON

        assertThatThrownBy(() -> unwritable.write(dir)).isInstanceOf(RuntimeException.class);

        assertThat(java.nio.file.Files.readString(dir.resolve(ModelCard.FILE))).isEqualTo(before);
        try (var files = java.nio.file.Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly(ModelCard.FILE);
        }
    }

    @Test
    void writesAndReadsBack() {
        ModelCard card = new ModelCard("m", "3", "segmentation", null, InputSpec.padded("input", 1, 16), "probabilities",
                List.of(new ModelCard.ClassSpec(1, "a", 0.4, 100)), null, Map.of("type", "ResUNet"), Map.of("seed", 1), Map.of());
        card.write(dir);
        ModelCard read = ModelCard.read(dir);
        assertThat(read.signature()).isEqualTo("serving_default");
        assertThat(read.classes().get(0).minArea()).isEqualTo(100);
        assertThat(read.classes().get(0).threshold()).isEqualTo(0.4);
        assertThat(read.input().multiple()).isEqualTo(16);
        assertThat(read.segmentation()).isTrue();
    }

    @Test
    void aHandWrittenCardForAKerasModelServes() throws Exception {
        Files.writeString(dir.resolve("model.json"), """
                {"name": "keras-unet", "version": "2024-01", "task": "classification",
                 "input": {"name": "input_1", "channels": 3, "sizePolicy": "resize", "height": 256, "width": 256},
                 "outputName": "dense_1", "classes": [{"id": 1, "name": "defective"}], "extra": true}
                """);
        ModelCard card = ModelCard.read(dir);
        assertThat(card.decision().threshold()).isEqualTo(0.5);
        assertThat(card.decision().windowed()).isFalse();
        assertThat(card.input().scale()).isEqualTo(1.0 / 255);
        assertThat(card.input().mean()).containsExactly(0.0, 0.0, 0.0);
    }

    @Test
    void thresholdsOutsideTheirRangeOrADecisionWithoutOneAreRefusedAndOneSwitchesAClassOff() throws Exception {
        String head = """
                {"name": "hand", "version": "1", "task": "%s", "input": {"name": "in", "channels": 1, "sizePolicy": "pad", "multiple": 32},
                 "outputName": "out", """;
        Files.writeString(dir.resolve("model.json"), head.formatted("classification") + """
                "classes": [{"id": 1, "name": "defective"}], "decision": {"windowHeight": 256, "windowWidth": 256}}""");
        assertThatThrownBy(() -> ModelCard.read(dir)).as("read as 0, it would call every image defective")
                .hasMessageContaining("threshold");

        Files.writeString(dir.resolve("model.json"), head.formatted("segmentation") + """
                "classes": [{"id": 1, "name": "a", "threshold": 1.0}, {"id": 2, "name": "b"}, {"id": 3, "name": "c", "threshold": 1.5}]}""");
        assertThatThrownBy(() -> ModelCard.read(dir)).hasMessageContaining("class 3 has threshold 1.5");

        Files.writeString(dir.resolve("model.json"), head.formatted("segmentation") + """
                "classes": [{"id": 1, "name": "a", "threshold": 1.0}, {"id": 2, "name": "b"}]}""");
        assertThat(ModelCard.read(dir).classes()).extracting(ModelCard.ClassSpec::threshold).containsExactly(1.0, 0.5);
    }

    @Test
    void missingFieldsAreNamed() throws Exception {
        Files.writeString(dir.resolve("model.json"), "{\"name\": \"x\", \"version\": \"1\", \"task\": \"detection\"}");
        assertThatThrownBy(() -> ModelCard.read(dir)).hasMessageContaining("task must be 'segmentation' or 'classification'");
        assertThatThrownBy(() -> ModelCard.read(dir.resolve("nowhere"))).hasMessageContaining("has no model.json");
    }
}
