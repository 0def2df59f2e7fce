package dev.coilsight.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.coilsight.model.InputSpec;
import dev.coilsight.model.ModelCard;
import dev.coilsight.testsupport.SharedData;
import dev.coilsight.trainer.TinyModels;
import dev.coilsight.trainer.net.Architecture;
import dev.coilsight.trainer.train.Loss;
import dev.coilsight.trainer.train.TrainingGraph;
import dev.coilsight.trainer.net.SavedModelWeights;
import picocli.CommandLine;

/** fold-batch-norm re-exports a model through the folded serving graph and proves on real images that nothing changed. */
class FoldBatchNormCommandTest {

    @TempDir
    Path dir;

    @Test
    void aModelIsReexportedFoldedWithTheSameVariablesAndCheckedOnRealImages() throws Exception {
        Architecture arch = TinyModels.segmenter();
        Map<String, float[]> weights = weights(arch, 1f);
        Path model = dir.resolve("model");
        ModelExporter.export(arch, weights, card(arch), model);
        StringWriter out = new StringWriter();

        int exit = command(out).execute(model.toString(), "--output", dir.resolve("folded").toString(),
                "--check-on", SharedData.require("neu-seg").resolve("images").toString(), "--log-file", dir.resolve("log.txt").toString());

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("with its batch norms folded").contains("differ by at most");
        assertThat(ModelCard.read(dir.resolve("folded")).architecture()).containsEntry("batchNormFolded", true);
        Map<String, float[]> read = SavedModelWeights.read(dir.resolve("folded"));
        assertThat(read.keySet()).isEqualTo(weights.keySet());
        read.forEach((name, values) -> assertThat(values).as(name).containsExactly(weights.get(name)));
    }

    @Test
    void aStemThatScalesByANegativeFactorIsExportedApartAndRefusedByTheCommandWithTheReason() {
        Architecture arch = TinyModels.segmenter();
        Path model = dir.resolve("negative");
        ModelExporter.export(arch, weights(arch, -1f), card(arch), model);
        assertThat(ModelCard.read(model).architecture()).containsEntry("batchNormFolded", false);
        StringWriter err = new StringWriter();
        CommandLine command = command(new StringWriter());
        command.setErr(new PrintWriter(err));

        int exit = command.execute(model.toString(), "--output", dir.resolve("out").toString(), "--log-file", dir.resolve("log.txt").toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("negative scale");
        assertThat(command(new StringWriter()).execute(model.toString(), "--output", model.toString())).as("MODEL as its own output").isEqualTo(2);
    }

    /** Initial weights; {@code stemSign} -1 turns the stem's first batch-norm scale negative. */
    private static Map<String, float[]> weights(Architecture arch, float stemSign) {
        Map<String, float[]> weights;
        try (TrainingGraph graph = new TrainingGraph(arch, Loss.BCE, 0.01f, Set.of(), 1)) {
            weights = new LinkedHashMap<>(graph.parameters().initialValues(13));
        }
        weights.get("enc/stem/bn/gamma")[0] = 0.9f * stemSign;
        return weights;
    }

    private static ModelCard card(Architecture arch) {
        return new ModelCard("tiny-seg", "1", ModelCard.SEGMENTATION, "serving_default", InputSpec.padded("input", 1, arch.sizeMultiple()),
                "probabilities", List.of(new ModelCard.ClassSpec(1, "a", 0.5, 0), new ModelCard.ClassSpec(2, "b", 0.5, 0),
                        new ModelCard.ClassSpec(3, "c", 0.5, 0)), null,
                Map.of("type", "tiny test segmenter", "width", arch.width(), "depth", arch.depth(), "channels", 1, "outputs", arch.classes()),
                Map.of(), Map.of());
    }

    private static CommandLine command(StringWriter out) {
        CommandLine command = new CommandLine(new FoldBatchNormCommand());
        command.setOut(new PrintWriter(out));
        return command;
    }
}
