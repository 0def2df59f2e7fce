package dev.coilsight.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.coilsight.cli.CommandLines;
import dev.coilsight.core.model.InputSpec;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.testsupport.SharedData;
import dev.coilsight.trainer.TinyModels;
import dev.coilsight.trainer.net.Architecture;
import dev.coilsight.trainer.train.Loss;
import dev.coilsight.trainer.train.TrainingGraph;

class PoolWindowsCommandTest {

    @TempDir
    Path dir;

    @Test
    void aWindowedClassifierIsReexportedToPoolItsWindowsAndComparedOnRealImages() throws Exception {
        Path images = SharedData.require("severstal-sample").resolve("train_images");
        Path folder = Files.createDirectories(dir.resolve("three"));
        try (var files = Files.list(images)) {
            for (Path f : files.sorted().limit(3).toList()) {
                Files.copy(f, folder.resolve(f.getFileName()));
            }
        }
        Architecture arch = TinyModels.classifier();
        Map<String, float[]> weights;
        try (TrainingGraph graph = new TrainingGraph(arch, Loss.BCE, 0.01f, Set.of(), 1)) {
            weights = graph.parameters().initialValues(11);
        }
        ModelCard card = new ModelCard("tiny", "3", ModelCard.CLASSIFICATION, "serving_default", InputSpec.padded("input", 1, arch.sizeMultiple()),
                "probabilities", List.of(new ModelCard.ClassSpec(1, "defective", 0.5, 0)), new ModelCard.Decision(0.5, 256, 256),
                Map.of("type", "tiny test classifier", "width", arch.width(), "depth", arch.depth(), "channels", 1, "outputs", 1), Map.of(), Map.of());
        Path windowed = dir.resolve("windowed");
        ModelExporter.export(arch, weights, card, windowed);
        Path pooled = dir.resolve("pooled");

        int exit = CommandLines.create(new PoolWindowsCommand()).execute(windowed.toString(), "--output", pooled.toString(),
                "--compare-on", folder.toString(), "--log-file", dir.resolve("log.txt").toString());

        assertThat(exit).isZero();
        ModelCard written = ModelCard.read(pooled);
        assertThat(written.version()).isEqualTo("3-pooled");
        assertThat(written.decision().pooledInGraph()).isTrue();
        assertThat(written.decision().windowHeight()).isEqualTo(256);
        @SuppressWarnings("unchecked")
        Map<String, Object> agreement = (Map<String, Object>) written.metrics().get("pooled windows against windows one at a time");
        assertThat(agreement.get("images")).isEqualTo(3);
        // 12 windows of 256 x 256 cover a 1600 x 256 image 1.92 times: one pass costs about half.
        assertThat(((Number) agreement.get("pooledOverWindowsFlop")).doubleValue()).isBetween(0.5, 0.55);
        assertThat(((Number) agreement.get("decisionAgreement")).doubleValue()).isBetween(0.0, 1.0);

        assertThat(CommandLines.create(new PoolWindowsCommand()).execute(pooled.toString(), "--output", dir.resolve("again").toString(),
                "--log-file", dir.resolve("log.txt").toString())).as("a pooled model pools no further").isEqualTo(2);

        // Windows of an odd number of cells: pooled cells cannot step half a window, as the decision does.
        int odd = 3 * arch.sizeMultiple();
        Path oddWindows = dir.resolve("odd");
        ModelExporter.export(arch, weights, card.withDecision(new ModelCard.Decision(0.5, odd, odd)), oddWindows);
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine oddPool = CommandLines.create(new PoolWindowsCommand());
        oddPool.setErr(new java.io.PrintWriter(err));
        assertThat(oddPool.execute(oddWindows.toString(), "--output", dir.resolve("odd-pooled").toString(),
                "--log-file", dir.resolve("log.txt").toString())).as(err.toString()).isEqualTo(2);
        assertThat(dir.resolve("odd-pooled")).doesNotExist();
    }
}
