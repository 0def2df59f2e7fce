package dev.coilsight.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.coilsight.core.model.InputSpec;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.testsupport.SharedData;
import dev.coilsight.trainer.TinyModels;
import dev.coilsight.trainer.net.Architecture;
import dev.coilsight.trainer.net.SavedModelWeights;
import picocli.CommandLine;

/** fold-batch-norm turns a model exported with separate batch norms into a folded one and proves on real images that nothing changed. */
class FoldBatchNormCommandTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void aModelWithSeparateBatchNormsIsReexportedFoldedWithTheSameVariablesAndCheckedOnRealImages() throws Exception {
        Architecture arch = TinyModels.segmenter();
        Map<String, float[]> weights = TinyModels.trainedLookingWeights(arch, 6);
        Path model = unfoldedModel(arch, weights);

        int exit = run(model.toString(), "--output", dir.resolve("folded").toString(),
                "--check-on", SharedData.require("neu-seg").resolve("images").toString());

        assertThat(exit).as(err.toString()).isZero();
        assertThat(out.toString()).contains("with its batch norms folded").contains("differ by at most");
        assertThat(ModelCard.read(dir.resolve("folded")).architecture()).containsEntry("batchNormFolded", true);
        Map<String, float[]> read = SavedModelWeights.read(dir.resolve("folded"));
        assertThat(read.keySet()).isEqualTo(weights.keySet());
        read.forEach((name, values) -> assertThat(values).as(name).containsExactly(weights.get(name)));
    }

    @Test
    void aStemThatScalesByANegativeFactorIsExportedUnfoldedAndRefusedByTheCommandWithTheReason() {
        Architecture arch = TinyModels.segmenter();
        Map<String, float[]> weights = TinyModels.trainedLookingWeights(arch, 7);
        weights.get("enc/stem/bn/gamma")[0] = -0.9f;
        Path model = dir.resolve("negative");
        ModelExporter.export(arch, weights, card(arch), model);
        assertThat(ModelCard.read(model).architecture()).containsEntry("batchNormFolded", false);

        int exit = run(model.toString(), "--output", dir.resolve("out").toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("negative scale");
        assertThat(Files.exists(dir.resolve("out"))).isFalse();
    }

    @Test
    void theModelItselfAsOutputAndAFolderWithoutImagesAreRefusedBeforeAnythingIsWritten() throws Exception {
        Architecture arch = TinyModels.segmenter();
        Path model = unfoldedModel(arch, TinyModels.trainedLookingWeights(arch, 8));

        assertThat(run(model.toString(), "--output", model.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--output must be another folder than MODEL");
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThat(run(model.toString(), "--output", dir.resolve("out").toString(), "--check-on", empty.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("holds no image");
        assertThat(Files.exists(dir.resolve("out"))).isFalse();
    }

    /** A model as exports wrote it before serving graphs were folded. */
    private Path unfoldedModel(Architecture arch, Map<String, float[]> weights) throws Exception {
        Path model = dir.resolve("model");
        try (ServingGraph unfolded = new ServingGraph(arch, weights, 1, null, false)) {
            assertThat(unfolded.batchNormFolded()).isFalse();
            unfolded.export(model);
        }
        card(arch).write(model);
        return model;
    }

    private static ModelCard card(Architecture arch) {
        return new ModelCard("tiny-seg", "1", ModelCard.SEGMENTATION, "serving_default", InputSpec.padded("input", 1, arch.sizeMultiple()),
                "probabilities", List.of(new ModelCard.ClassSpec(1, "a", 0.5, 0), new ModelCard.ClassSpec(2, "b", 0.5, 0),
                        new ModelCard.ClassSpec(3, "c", 0.5, 0)), null,
                Map.of("type", "tiny test segmenter", "width", arch.width(), "depth", arch.depth(), "channels", 1, "outputs", arch.classes()),
                Map.of(), Map.of());
    }

    private int run(String... args) {
        CommandLine command = FoldBatchNormCommand.commandLine();
        command.setOut(new PrintWriter(out, true));
        command.setErr(new PrintWriter(err, true));
        String[] withLog = java.util.Arrays.copyOf(args, args.length + 2);
        withLog[args.length] = "--log-file";
        withLog[args.length + 1] = dir.resolve("log.txt").toString();
        return command.execute(withLog);
    }
}
