package dev.coilsight.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.coilsight.cli.CommandLines;
import dev.coilsight.core.model.InputSpec;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.testsupport.CommandRun;
import dev.coilsight.testsupport.SharedData;
import dev.coilsight.trainer.TinyModels;
import dev.coilsight.trainer.net.Architecture;
import dev.coilsight.trainer.net.SavedModelWeights;

/** fold-batch-norm turns a model exported with separate batch norms into a folded one and proves on real images that nothing changed. */
class FoldBatchNormCommandTest {

    @TempDir
    Path dir;

    @Test
    void aModelWithSeparateBatchNormsIsReexportedFoldedWithTheSameVariablesAndCheckedOnRealImages() throws Exception {
        Architecture arch = TinyModels.segmenter();
        Map<String, float[]> weights = TinyModels.trainedLookingWeights(arch, 6);
        Path model = unfoldedModel(arch, weights);

        CommandRun run = run(model.toString(), "--output", dir.resolve("folded").toString(),
                "--check-on", SharedData.require("neu-seg").resolve("images").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("with its batch norms folded").contains("differ by at most");
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

        CommandRun run = run(model.toString(), "--output", dir.resolve("out").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("negative scale");
        assertThat(Files.exists(dir.resolve("out"))).isFalse();
    }

    @Test
    void theModelItselfAsOutputAndAFolderWithoutImagesAreRefusedBeforeAnythingIsWritten() throws Exception {
        Architecture arch = TinyModels.segmenter();
        Path model = unfoldedModel(arch, TinyModels.trainedLookingWeights(arch, 8));

        CommandRun intoItself = run(model.toString(), "--output", model.toString());
        assertThat(intoItself.exitCode()).isEqualTo(2);
        assertThat(intoItself.err()).contains("--output must be another folder than MODEL");
        // The rollout link workers watch, pointing at MODEL: an export there would replace MODEL itself.
        Path link = Files.createSymbolicLink(dir.resolve("segmenter"), model);
        String card = Files.readString(model.resolve(ModelCard.FILE));
        CommandRun throughALink = run(model.toString(), "--output", link.toString());
        assertThat(throughALink.exitCode()).isEqualTo(2);
        assertThat(throughALink.err()).contains("directly or through a link");
        assertThat(Files.readString(model.resolve(ModelCard.FILE))).as("MODEL untouched").isEqualTo(card);
        Path empty = Files.createDirectories(dir.resolve("empty"));
        CommandRun noImages = run(model.toString(), "--output", dir.resolve("out").toString(), "--check-on", empty.toString());
        assertThat(noImages.exitCode()).isEqualTo(2);
        assertThat(noImages.err()).contains("holds no image");
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

    private CommandRun run(String... args) {
        String[] withLog = java.util.Arrays.copyOf(args, args.length + 2);
        withLog[args.length] = "--log-file";
        withLog[args.length + 1] = dir.resolve("log.txt").toString();
        return CommandRun.of(CommandLines.create(new FoldBatchNormCommand()), withLog);
    }
}
