package dev.coilsight.trainer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.coilsight.cli.CommandLines;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.testsupport.CommandRun;
import dev.coilsight.testsupport.SharedData;
import dev.coilsight.trainer.evaluate.EvaluateCommand;
import dev.coilsight.trainer.train.TrainCommand;

/** {@code train} and {@code evaluate} as {@code ./coilsight} runs them, on the real Severstal sample. */
class CommandsTest {

    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void trainTinySegmenter() {
        model = dir.resolve("model");
        CommandRun run = trainTiny("--max-batches-per-epoch", "2", "--val-fraction", "0.25", "--run-dir", dir.resolve("run").toString(),
                "--output", model.toString(), "--name", "cli-tiny", "--model-version", "3");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("best epoch 1 of 1").contains("model: ");
    }

    @Test
    void trainingExportsACardThatSaysHowTheModelWasMade() {
        ModelCard card = ModelCard.read(model);
        assertThat(card.name()).isEqualTo("cli-tiny");
        assertThat(card.version()).isEqualTo("3");
        assertThat(card.classes()).hasSize(4);
        assertThat(card.training().get("command").toString()).startsWith("./coilsight train segmenter --dataset");
        assertThat(card.training()).containsKeys("dataset", "validation", "loss", "seed", "secondsPerStep", "imagesPerSecond");
        assertThat(model.resolve("learning-curve.png")).isNotEmptyFile();
        assertThat(model.resolve("training.csv")).isNotEmptyFile();
    }

    @Test
    @SuppressWarnings("unchecked")
    void evaluateJsonTuneAndReport() throws Exception {
        Path report = dir.resolve("report");
        CommandRun run = CommandRun.of(CommandLines.create(new EvaluateCommand()), "--model", model.toString(), "--dataset",
                SharedData.require("severstal-sample").toString(), "--json", "--tune", "--report", report.toString(), "--record-as", "sample");
        assertThat(run.exitCode()).as(run.err()).isZero();
        Map<String, Object> json = new ObjectMapper().readValue(run.out().trim(), Map.class);
        assertThat(json).containsKeys("meanDice", "mIoU", "perClass", "baselines", "imagesPerSecond", "sweep");
        assertThat(((Number) json.get("images")).intValue()).isEqualTo(16);
        // 4 of the 16 sample images are defect-free: predicting nothing scores the empty pairs.
        Map<String, Object> baselines = (Map<String, Object>) json.get("baselines");
        assertThat(((Number) baselines.get("predictNothingMeanDice")).doubleValue()).isBetween(0.5, 1.0);
        ModelCard card = ModelCard.read(model);
        Map<String, Object> sweep = (Map<String, Object>) json.get("sweep");
        Map<String, Object> first = (Map<String, Object>) sweep.get(card.classes().get(0).name());
        assertThat(card.classes().get(0).threshold()).isEqualTo(((Number) first.get("threshold")).doubleValue());
        assertThat(card.classes().get(0).minArea()).isEqualTo(((Number) first.get("minArea")).intValue());
        assertThat(((Map<String, Object>) card.metrics().get("sample")).get("meanDice")).isEqualTo(json.get("meanDice"));
        assertThat(report.resolve("index.html")).content().contains("Precision-recall").contains("overlay-");
        assertThat(report.resolve("precision-recall.png")).isNotEmptyFile();
        assertThat(report.resolve("learning-curve.png")).isNotEmptyFile();
    }

    @Test
    @SuppressWarnings("unchecked")
    void crossValidationScoresEveryFoldOnImagesItNeverSawAndShipsFoldZerosModelWithTheFigures() throws Exception {
        Path run = dir.resolve("cv-run");
        Path cvModel = dir.resolve("cv-model");
        CommandRun cv = trainTiny("--max-batches-per-epoch", "1", "--folds", "2", "--cross-validate", "--run-dir", run.toString(),
                "--output", cvModel.toString());
        assertThat(cv.exitCode()).as(cv.err()).isZero();
        assertThat(cv.out()).contains("cross-validation over 2 folds: meanDice").contains("model (fold 0): ");

        java.util.Set<String> heldOut0 = new java.util.HashSet<>(java.nio.file.Files.readAllLines(run.resolve("fold-0/held-out-ids.txt")));
        java.util.Set<String> heldOut1 = new java.util.HashSet<>(java.nio.file.Files.readAllLines(run.resolve("fold-1/held-out-ids.txt")));
        assertThat(heldOut0).hasSize(8).doesNotContainAnyElementsOf(heldOut1);
        assertThat(heldOut1).hasSize(8);
        // Early stopping watched part of the training folds, never the held-out fold.
        assertThat(java.nio.file.Files.readAllLines(run.resolve("fold-0/validation-ids.txt"))).isNotEmpty().doesNotContainAnyElementsOf(heldOut0);

        Map<String, Object> figures = (Map<String, Object>) ModelCard.read(cvModel).metrics().get("crossValidation");
        List<Map<String, Object>> perFold = (List<Map<String, Object>>) figures.get("perFold");
        assertThat(perFold).extracting(f -> f.get("fold")).containsExactly(0, 1);
        double mean = perFold.stream().mapToDouble(f -> ((Number) f.get("meanDice")).doubleValue()).average().orElseThrow();
        assertThat(((Number) figures.get("meanDice")).doubleValue()).isEqualTo(mean);
        assertThat((Map<String, Object>) figures.get("baselines")).containsKey("predictNothingMeanDice");
        assertThat(run.resolve("fold-1/model/model.json")).exists();
        // Fold 0 trained in its own folder like the others; --output got its model only at the end, with every figure.
        assertThat(run.resolve("fold-0/model/variables/variables.index")).hasSameBinaryContentAs(cvModel.resolve("variables/variables.index"));
        assertThat(ModelCard.read(run.resolve("fold-0/model")).metrics()).containsKey("crossValidation");
        assertThat(cvModel.resolve("training.csv")).exists();

        // Interrupted before fold 1 had begun: resumed, fold 0 goes on from its state (its one epoch done) and fold 1 starts.
        try (java.util.stream.Stream<Path> fold1 = java.nio.file.Files.walk(run.resolve("fold-1"))) {
            fold1.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        CommandRun resumed = trainTiny("--max-batches-per-epoch", "1", "--folds", "2", "--cross-validate", "--run-dir", run.toString(),
                "--output", cvModel.toString(), "--resume");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(new dev.coilsight.trainer.train.TrainingLog(run.resolve("fold-0")).rows()).as("fold 0 not trained again").hasSize(1);
        assertThat(run.resolve("fold-1/model/model.json")).exists();
    }

    @Test
    void aResumeThatWouldHoldAsideOtherImagesOrAFreshRunOverAnEarlierOneIsRefused() throws Exception {
        Path run = dir.resolve("run");
        List<String> heldAside = java.nio.file.Files.readAllLines(run.resolve("validation-ids.txt"));

        CommandRun otherFraction = trainTiny("--max-batches-per-epoch", "2", "--run-dir", run.toString(), "--output",
                dir.resolve("unused").toString(), "--resume"); // started with --val-fraction 0.25, this is 0.2
        assertThat(otherFraction.exitCode()).as(otherFraction.err()).isEqualTo(2);
        assertThat(otherFraction.err()).contains("holding aside other images").contains("--val-fraction");
        CommandRun fresh = trainTiny("--max-batches-per-epoch", "2", "--val-fraction", "0.25", "--run-dir", run.toString(), "--output",
                dir.resolve("unused").toString());
        assertThat(fresh.exitCode()).as(fresh.err()).isEqualTo(2);
        assertThat(fresh.err()).contains("holds a run already").contains("--resume");

        assertThat(java.nio.file.Files.readAllLines(run.resolve("validation-ids.txt"))).as("the run's held-aside images").isEqualTo(heldAside);
        assertThat(new dev.coilsight.trainer.train.TrainingLog(run).rows()).as("the run's log").hasSize(1);
        assertThat(dir.resolve("unused")).doesNotExist();
    }

    @Test
    void badInputIsOneLineAndExitCodeTwo() {
        CommandRun missing = CommandRun.of(CommandLines.create(new EvaluateCommand()), "--model", dir.resolve("nope").toString(), "--dataset",
                SharedData.require("severstal-sample").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("evaluate: ").contains("nope");
        CommandRun badModel = CommandRun.of(CommandLines.create(new TrainCommand()), "detector", "--dataset", SharedData.require("severstal-sample").toString(),
                "--run-dir", dir.resolve("x").toString());
        assertThat(badModel.exitCode()).isEqualTo(2);
        assertThat(badModel.err()).contains("MODEL must be 'segmenter' or 'classifier', got 'detector'");
        CommandRun badCrop = CommandRun.of(CommandLines.create(new TrainCommand()), "segmenter", "--dataset", SharedData.require("severstal-sample").toString(),
                "--crop", "100x100", "--run-dir", dir.resolve("y").toString());
        assertThat(badCrop.exitCode()).isEqualTo(2);
        assertThat(badCrop.err()).contains("multiple of 16");
        // Folds that all held out the same list would tune and score on the same images.
        CommandRun twoWays = trainTiny("--folds", "3", "--cross-validate", "--val-split", dir.resolve("val.txt").toString(),
                "--run-dir", dir.resolve("z").toString());
        assertThat(twoWays.exitCode()).isEqualTo(2);
        assertThat(twoWays.err()).contains("--folds chooses the validation images itself: give it without --val-split");
        CommandRun foldAlone = trainTiny("--fold", "2", "--run-dir", dir.resolve("f").toString());
        assertThat(foldAlone.exitCode()).isEqualTo(2);
        assertThat(foldAlone.err()).contains("--fold chooses one of --folds K");
        CommandRun notANumber = CommandRun.of(CommandLines.create(new TrainCommand()), "segmenter", "--dataset",
                SharedData.require("severstal-sample").toString(), "--crop", "256xabc", "--run-dir", dir.resolve("c").toString());
        assertThat(notANumber.exitCode()).isEqualTo(2);
        assertThat(notANumber.err()).contains("--crop must look like 256x256, got '256xabc'");
    }

    @Test
    void bf16WhereItCannotRunIsSaidNotOnlyLogged() {
        Path models = Path.of(System.getProperty("user.dir")).getParent().resolve("models");
        CommandRun run = CommandRun.of(CommandLines.create(new EvaluateCommand()), "--model", models.resolve("neu-resunet").toString(),
                "--dataset", SharedData.require("neu-seg").toString(), "--split", models.resolve("neu-resunet/check-ids.txt").toString(),
                "--precision", "bf16");

        assertThat(run.exitCode()).as(run.err()).isZero();
        boolean runsBf16 = dev.coilsight.core.model.CpuFeatures.ofThisMachine().bf16() && !dev.coilsight.core.model.LoadedModel.gpuAvailable();
        assertThat(run.err().contains("note: bf16 cannot run here")).as(run.err()).isEqualTo(!runsBf16);
    }

    @Test
    void aFileInTheDataSetThatIsNoImageIsNamedInOneLine() throws Exception {
        Path sample = SharedData.require("severstal-sample");
        Path copy = dir.resolve("with-junk");
        dev.coilsight.testsupport.TestFiles.copyTree(sample, copy);
        java.nio.file.Files.writeString(copy.resolve("train_images/0000-notes.jpg"), "not an image");

        CommandRun run = CommandRun.of(CommandLines.create(new EvaluateCommand()), "--model",
                java.nio.file.Path.of(System.getProperty("user.dir")).getParent().resolve("models/severstal-resunet").toString(),
                "--dataset", copy.toString());

        // Skipped and named, as predict and score skip it, rather than refused: the 16 images are evaluated.
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("evaluate: skipped 0000-notes.jpg: not a PNG or JPEG").doesNotContain("\tat ");
        assertThat(run.err().lines().filter(line -> line.contains("0000-notes.jpg"))).hasSize(1);
    }

    /** A segmenter small enough for a test trained for one epoch on the Severstal sample, with {@code more} options. */
    private static CommandRun trainTiny(String... more) {
        List<String> args = new ArrayList<>(List.of("segmenter", "--dataset", SharedData.require("severstal-sample").toString(),
                "--width", "4", "--depth", "2", "--crop", "256x256", "--batch", "2", "--epochs", "1", "--threads", "1"));
        args.addAll(List.of(more));
        return CommandRun.of(CommandLines.create(new TrainCommand()), args.toArray(String[]::new));
    }
}
