package dev.coilsight.workerruntime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.coilsight.core.model.ModelCard;
import dev.coilsight.core.model.Precision;

class ModelManagerTest {

    @TempDir
    Path dir;

    @Test
    void aRefusedModelIsNotLoadedAgainUntilOneOfItsFilesChanges() throws Exception {
        Path serving = TinyModels.classifier(dir.resolve("v1"), "tiny-cls", "1", 1, 0.5);
        Path broken = TinyModels.classifier(dir.resolve("v2"), "tiny-cls", "2", 2, 0.5);
        Files.write(broken.resolve("saved_model.pb"), new byte[] {1, 2, 3}); // a copy cut short
        try (ModelManager models = new ModelManager(serving, ModelCard.CLASSIFICATION, Precision.FP32, Duration.ZERO,
                new WorkerMetrics("classifier"))) {
            models.start();
            assertThat(models.pointTo(broken)).isFalse();
            int attempts = models.loadAttempts();

            for (int poll = 0; poll < 3; poll++) {
                assertThat(models.check()).isFalse();
            }
            assertThat(models.loadAttempts()).as("no new load while nothing changed").isEqualTo(attempts);
            assertThat(models.card().version()).isEqualTo("1");

            TinyModels.classifier(dir.resolve("v2-fixed"), "tiny-cls", "2", 2, 0.5);
            // The rest of the copy arrives after model.json (a sync in name order): the graph file changes, the card does not.
            Files.copy(dir.resolve("v2-fixed").resolve("saved_model.pb"), broken.resolve("saved_model.pb"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.setLastModifiedTime(broken.resolve("saved_model.pb"), FileTime.from(Instant.now().plusSeconds(10)));
            assertThat(models.check()).as("tried again once the weights have arrived").isTrue();
            assertThat(models.card().version()).isEqualTo("2");
        }
    }

    @Test
    void aCardReTunedInPlaceUnderTheSameVersionIsTakenUpAndAnUnchangedOneIsNotLoadedAgain() throws Exception {
        Path serving = TinyModels.classifier(dir.resolve("cls"), "tiny-cls", "1", 1, 0.5);
        try (ModelManager models = new ModelManager(serving, ModelCard.CLASSIFICATION, Precision.FP32, Duration.ZERO,
                new WorkerMetrics("classifier"))) {
            models.start();
            int attempts = models.loadAttempts();
            assertThat(models.check()).as("nothing changed").isFalse();
            assertThat(models.loadAttempts()).isEqualTo(attempts);

            ModelCard card = ModelCard.read(serving);
            card.withDecision(card.decision().withThreshold(0.8)).write(serving); // evaluate --tune, version unchanged

            assertThat(models.check()).as("the re-tuned card is taken up").isTrue();
            assertThat(models.card().version()).isEqualTo("1");
            assertThat(models.card().decision().threshold()).isEqualTo(0.8);
        }
    }

    @Test
    void aModelForAnotherTaskIsRefusedWithoutLoadingIt() throws Exception {
        Path serving = TinyModels.classifier(dir.resolve("cls"), "tiny-cls", "1", 1, 0.5);
        Path segmenter = TinyModels.segmenter(dir.resolve("seg"), "tiny-seg", "9", 3, 8);
        try (ModelManager models = new ModelManager(serving, ModelCard.CLASSIFICATION, Precision.FP32, Duration.ZERO,
                new WorkerMetrics("classifier"))) {
            models.start();
            int attempts = models.loadAttempts();

            assertThat(models.pointTo(segmenter)).isFalse();

            assertThat(models.loadAttempts()).isEqualTo(attempts);
        }
    }
}
