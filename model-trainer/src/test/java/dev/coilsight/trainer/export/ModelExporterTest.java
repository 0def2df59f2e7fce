package dev.coilsight.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.coilsight.core.model.InputSpec;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.trainer.TinyModels;
import dev.coilsight.trainer.net.Architecture;
import dev.coilsight.trainer.net.SavedModelWeights;

class ModelExporterTest {

    @TempDir
    Path dir;

    @Test
    void anExportThatFailsLeavesTheModelThatWasThereAndOneThatSucceedsReplacesItKeepingTheOtherFiles() throws Exception {
        Architecture arch = TinyModels.segmenter();
        Path model = dir.resolve("model");
        Map<String, float[]> first = TinyModels.trainedLookingWeights(arch, 1);
        ModelExporter.export(arch, first, card("1"), model);
        Files.writeString(model.resolve("check-ids.txt"), "a\n");

        Map<String, float[]> broken = new HashMap<>(TinyModels.trainedLookingWeights(arch, 2));
        String name = broken.keySet().iterator().next();
        broken.put(name, new float[broken.get(name).length + 1]);
        assertThatThrownBy(() -> ModelExporter.export(arch, broken, card("2"), model)).isInstanceOf(RuntimeException.class);

        assertThat(ModelCard.read(model).version()).as("the earlier model's card").isEqualTo("1");
        SavedModelWeights.read(model).forEach((variable, values) -> assertThat(values).as(variable).containsExactly(first.get(variable)));

        Map<String, float[]> second = TinyModels.trainedLookingWeights(arch, 3);
        ModelExporter.export(arch, second, card("3"), model);
        assertThat(ModelCard.read(model).version()).isEqualTo("3");
        SavedModelWeights.read(model).forEach((variable, values) -> assertThat(values).as(variable).containsExactly(second.get(variable)));
        assertThat(model.resolve("check-ids.txt")).hasContent("a");
        try (var siblings = Files.list(dir)) {
            assertThat(siblings.map(p -> p.getFileName().toString()).toList()).as("nothing left beside it").containsExactly("model");
        }
    }

    private static ModelCard card(String version) {
        Architecture arch = TinyModels.segmenter();
        return new ModelCard("tiny-seg", version, ModelCard.SEGMENTATION, "serving_default", InputSpec.padded("input", 1, arch.sizeMultiple()),
                "probabilities", List.of(new ModelCard.ClassSpec(1, "a", 0.5, 0), new ModelCard.ClassSpec(2, "b", 0.5, 0),
                        new ModelCard.ClassSpec(3, "c", 0.5, 0)), null,
                Map.of("type", "tiny test segmenter", "width", arch.width(), "depth", arch.depth(), "channels", 1, "outputs", arch.classes()),
                Map.of(), Map.of());
    }
}
