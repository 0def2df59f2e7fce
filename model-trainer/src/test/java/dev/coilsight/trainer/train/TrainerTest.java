package dev.coilsight.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ndarray.Shape;

import dev.coilsight.core.image.DecodedImage;
import dev.coilsight.core.model.LoadedModel;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.core.model.Preprocessor;
import dev.coilsight.trainer.TinyModels;
import dev.coilsight.trainer.data.LabeledImage;
import dev.coilsight.trainer.export.ModelExporter;
import dev.coilsight.trainer.export.ServingGraph;
import dev.coilsight.trainer.net.Architecture;
import dev.coilsight.trainer.net.ImageNetBackbone;
import dev.coilsight.trainer.net.Networks;

/** Whole runs of tiny models on real NEU-Seg images: resume, export, DJL parity, transfer learning. */
class TrainerTest {

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    private static List<LabeledImage> train;
    private static List<LabeledImage> validation;

    @TempDir
    static Path dir;
    private static Trainer.Result segmenter;
    private static Path segmenterModel;

    @BeforeAll
    static void trainOnce() {
        train = TinyModels.neuImages(0, 16);
        validation = TinyModels.neuImages(100, 6);
        TrainingOptions options = TinyModels.options(TinyModels.segmenter(), 2, 3, Optional.empty(), false);
        segmenter = new Trainer(options, TinyModels.NEU_CLASSES, dir.resolve("seg-run"), QUIET).train(train, validation, false, Map.of());
        segmenterModel = dir.resolve("seg-model");
        ModelExporter.export(TinyModels.segmenter(), segmenter.bestWeights(),
                ModelCards.fromTraining("tiny-seg", "7", TinyModels.segmenter(), TinyModels.NEU_CLASSES, options, segmenter, Map.of(), 16, 6),
                segmenterModel);
    }

    @Test
    void aRunLeavesLogCurveCheckpointsAndState() {
        Path run = dir.resolve("seg-run");
        assertThat(run.resolve("training.csv")).exists();
        assertThat(new TrainingLog(run).rows()).hasSize(2);
        assertThat(run.resolve("learning-curve.png")).isNotEmptyFile();
        assertThat(run.resolve("run.json")).content().contains("\"kind\" : \"segmenter\"").contains("inclusions");
        assertThat(Checkpoints.best(run, RunState.read(run)).resolveSibling("ckpt.index")).exists();
        assertThat(segmenter.bestFigures()).containsKeys("dice", "miou", "iou:patches");
    }

    @Test
    void resumingAfterEpochOneRepeatsTheUninterruptedRun() {
        Path resumed = dir.resolve("resumed");
        TrainingOptions oneEpoch = TinyModels.options(TinyModels.segmenter(), 1, 3, Optional.empty(), false);
        new Trainer(oneEpoch, TinyModels.NEU_CLASSES, resumed, QUIET).train(train, validation, false, Map.of());
        TrainingOptions twoEpochs = TinyModels.options(TinyModels.segmenter(), 2, 3, Optional.empty(), false);
        new Trainer(twoEpochs, TinyModels.NEU_CLASSES, resumed, QUIET).train(train, validation, true, Map.of());

        List<TrainingLog.Row> straight = new TrainingLog(dir.resolve("seg-run")).rows();
        List<TrainingLog.Row> split = new TrainingLog(resumed).rows();
        assertThat(split).hasSize(2);
        for (int i = 0; i < 2; i++) {
            assertThat(split.get(i).trainLoss()).as("epoch %d train loss", i + 1).isEqualTo(straight.get(i).trainLoss());
            assertThat(split.get(i).validation()).as("epoch %d validation", i + 1).isEqualTo(straight.get(i).validation());
        }
    }

    @Test
    void aRunKilledAfterAnEpochsCheckpointButBeforeItsStateResumesFromTheEpochItsStateNames() throws Exception {
        Path run = dir.resolve("killed");
        Path afterOne = dir.resolve("killed-after-epoch-1");
        TrainingOptions oneEpoch = TinyModels.options(TinyModels.segmenter(), 1, 3, Optional.empty(), false);
        TrainingOptions twoEpochs = TinyModels.options(TinyModels.segmenter(), 2, 3, Optional.empty(), false);
        new Trainer(oneEpoch, TinyModels.NEU_CLASSES, run, QUIET).train(train, validation, false, Map.of());
        copyTree(run, afterOne);
        new Trainer(twoEpochs, TinyModels.NEU_CLASSES, run, QUIET).train(train, validation, true, Map.of());

        // On disk at a kill between epoch 2's checkpoint and its state: the run as after epoch 1, plus epoch 2's weights.
        Path epochTwo = dir.resolve("epoch-2-weights");
        copyTree(run.resolve("checkpoints").resolve("epoch-2"), epochTwo);
        deleteTree(run);
        copyTree(afterOne, run);
        copyTree(epochTwo, run.resolve("checkpoints").resolve("epoch-2"));
        new Trainer(twoEpochs, TinyModels.NEU_CLASSES, run, QUIET).train(train, validation, true, Map.of());

        List<TrainingLog.Row> straight = new TrainingLog(dir.resolve("seg-run")).rows();
        List<TrainingLog.Row> resumed = new TrainingLog(run).rows();
        assertThat(resumed).hasSize(2);
        assertThat(resumed.get(1).trainLoss()).as("epoch 2 trained again from epoch 1's weights").isEqualTo(straight.get(1).trainLoss());
        assertThat(resumed.get(1).validation()).isEqualTo(straight.get(1).validation());
        try (var folders = java.nio.file.Files.list(run.resolve("checkpoints"))) {
            assertThat(folders.map(f -> f.getFileName().toString()).toList()).as("only the epochs the state names")
                    .allMatch(name -> name.equals("epoch-" + RunState.read(run).epoch()) || name.equals("epoch-" + RunState.read(run).bestEpoch()));
        }
    }

    private static void copyTree(Path from, Path to) throws java.io.IOException {
        try (var files = java.nio.file.Files.walk(from)) {
            for (Path f : files.toList()) {
                java.nio.file.Files.copy(f, to.resolve(from.relativize(f).toString()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private static void deleteTree(Path path) throws java.io.IOException {
        try (var files = java.nio.file.Files.walk(path)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.delete(f);
            }
        }
    }

    @Test
    void aRunThatHadStoppedEarlyIsNotTrainedFurtherWhenResumed() {
        Path run = dir.resolve("stopped-early");
        new Trainer(TinyModels.options(TinyModels.segmenter(), 1, 2, Optional.empty(), false), TinyModels.NEU_CLASSES, run, QUIET)
                .train(train, validation, false, Map.of());
        RunState after = RunState.read(run);
        // As a run leaves it when no epoch has beaten its best for --patience epochs (10 in these options).
        new RunState(after.epoch(), after.best(), after.bestEpoch(), 10, after.bestFigures(), after.secondsPerStep()).write(run);

        Trainer.Result resumed = new Trainer(TinyModels.options(TinyModels.segmenter(), 3, 2, Optional.empty(), false),
                TinyModels.NEU_CLASSES, run, QUIET).train(train, validation, true, Map.of());

        assertThat(resumed.epochsRun()).isEqualTo(1);
        assertThat(resumed.stoppedEarly()).isTrue();
        assertThat(new TrainingLog(run).rows()).as("no epoch trained after the early stop").hasSize(1);
        assertThat(resumed.secondsPerStep()).as("the speed measured before, for the card").isEqualTo(after.secondsPerStep()).isPositive();
    }

    @Test
    void aStopAskedForDuringAnEpochEndsTheRunAfterItsStepKeepingTheLastFinishedEpochToResumeFrom() {
        Path run = dir.resolve("stopped");
        java.util.concurrent.atomic.AtomicInteger checks = new java.util.concurrent.atomic.AtomicInteger();
        GracefulStop stop = new GracefulStop() {
            @Override
            boolean requested() {
                return checks.incrementAndGet() > 3; // epoch 1's three steps run, epoch 2 stops after its first
            }
        };
        TrainingOptions twoEpochs = TinyModels.options(TinyModels.segmenter(), 2, 3, Optional.empty(), false);

        assertThatThrownBy(() -> new Trainer(twoEpochs, TinyModels.NEU_CLASSES, run, QUIET, () -> stop).train(train, validation, false, Map.of()))
                .isInstanceOf(TrainingStopped.class).hasMessageContaining("during epoch 2")
                .hasMessageContaining("the checkpoint of epoch 1 stays");
        assertThat(checks.get()).as("no step after the one that saw the stop").isEqualTo(4);
        assertThat(RunState.read(run).epoch()).isEqualTo(1);
        assertThat(new TrainingLog(run).rows()).hasSize(1);
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), stop::requestAndWait,
                "the stopped run let a waiting shutdown go on");
        assertThat(new Trainer(twoEpochs, TinyModels.NEU_CLASSES, run, QUIET).train(train, validation, true, Map.of()).epochsRun())
                .isEqualTo(2);
    }

    @Test
    void theShutdownWaitsForTheRunToLetGoOfTensorFlow() throws Exception {
        GracefulStop stop = new GracefulStop();
        Thread shutdown = new Thread(stop::requestAndWait);
        shutdown.start();
        shutdown.join(300);
        assertThat(shutdown.isAlive()).as("still waiting for the run").isTrue();
        assertThat(stop.requested()).isTrue();
        stop.close();
        shutdown.join(10_000);
        assertThat(shutdown.isAlive()).isFalse();
    }

    @Test
    void aCosineRunCannotBeResumedWithAnotherScheduleWhichWouldJumpToAnotherRate() {
        Path run = dir.resolve("cosine");
        new Trainer(cosine(TinyModels.options(TinyModels.segmenter(), 1, 2, Optional.empty(), false)), TinyModels.NEU_CLASSES, run, QUIET)
                .train(train, validation, false, Map.of());
        TrainingOptions constant = TinyModels.options(TinyModels.segmenter(), 2, 2, Optional.empty(), false);
        assertThatThrownBy(() -> new Trainer(constant, TinyModels.NEU_CLASSES, run, QUIET).train(train, validation, true, Map.of()))
                .hasMessageContaining("was started with --lr-schedule cosine; resume it with the same schedule");
        TrainingOptions longer = cosine(TinyModels.options(TinyModels.segmenter(), 2, 2, Optional.empty(), false));
        assertThat(new Trainer(longer, TinyModels.NEU_CLASSES, run, QUIET).train(train, validation, true, Map.of()).epochsRun()).isEqualTo(2);
    }

    @Test
    void aRunCannotBeResumedWatchingAnotherFigureOrWithAnotherSeed() {
        Path run = dir.resolve("monitor");
        TrainingOptions dice = TinyModels.options(TinyModels.segmenter(), 1, 2, Optional.empty(), false);
        new Trainer(dice, TinyModels.NEU_CLASSES, run, QUIET).train(train, validation, false, Map.of());
        TrainingOptions longer = TinyModels.options(TinyModels.segmenter(), 2, 2, Optional.empty(), false);

        assertThatThrownBy(() -> new Trainer(withMonitorAndSeed(longer, "miou", longer.seed()), TinyModels.NEU_CLASSES, run, QUIET)
                .train(train, validation, true, Map.of())).hasMessageContaining("was started with --monitor dice, not miou");
        assertThatThrownBy(() -> new Trainer(withMonitorAndSeed(longer, "dice", 8L), TinyModels.NEU_CLASSES, run, QUIET)
                .train(train, validation, true, Map.of())).hasMessageContaining("was started with --seed 7, not 8");
        assertThatThrownBy(() -> new Trainer(longer, TinyModels.NEU_CLASSES, run, QUIET).train(train, validation.subList(1, validation.size()),
                true, Map.of())).hasMessageContaining("the number of validation images");
        assertThat(RunState.read(run).epoch()).as("nothing trained by the refused resumes").isEqualTo(1);
    }

    private static TrainingOptions withMonitorAndSeed(TrainingOptions o, String monitor, long seed) {
        return new TrainingOptions(o.architecture(), o.loss(), o.learningRate(), o.batchSize(), o.cropHeight(), o.cropWidth(), o.epochs(),
                o.patience(), o.maxBatchesPerEpoch(), seed, o.augmentation(), monitor, o.initFrom(), o.initScope(), o.freezeEncoder(),
                o.threads(), o.resize(), o.schedule());
    }

    private static TrainingOptions cosine(TrainingOptions o) {
        return new TrainingOptions(o.architecture(), o.loss(), o.learningRate(), o.batchSize(), o.cropHeight(), o.cropWidth(), o.epochs(),
                o.patience(), o.maxBatchesPerEpoch(), o.seed(), o.augmentation(), o.monitor(), o.initFrom(), o.initScope(), o.freezeEncoder(),
                o.threads(), o.resize(), LearningRateSchedule.COSINE);
    }

    @Test
    void resumeWithoutARunSaysSo() {
        TrainingOptions options = TinyModels.options(TinyModels.segmenter(), 1, 1, Optional.empty(), false);
        assertThatThrownBy(() -> new Trainer(options, TinyModels.NEU_CLASSES, dir.resolve("nothing"), QUIET).train(train, validation, true, Map.of()))
                .hasMessageContaining("nothing to resume");
    }

    @Test
    void exportedModelGivesTheSameOutputsInDjlAsInTensorFlowJava() {
        ModelCard card = ModelCard.read(segmenterModel);
        assertThat(card.name()).isEqualTo("tiny-seg");
        assertThat(card.version()).isEqualTo("7");
        assertThat(card.classes()).extracting(ModelCard.ClassSpec::name).containsExactly("inclusions", "patches", "scratches");
        assertThat(card.input().multiple()).isEqualTo(8);
        assertThat(segmenterModel.resolve("variables")).isDirectory();

        Preprocessor pre = new Preprocessor(card.input());
        List<Preprocessor.Prepared> prepared = new ArrayList<>();
        for (LabeledImage image : validation.subList(0, 3)) {
            prepared.add(pre.prepare(new DecodedImage(image.width(), image.height(), 1, image.pixels())));
        }
        Preprocessor.Prepared first = prepared.get(0);
        assertThat(first.height()).isEqualTo(200 + 0).isEqualTo(200); // 200 is already a multiple of 8
        float[] batch = new float[3 * first.values().length];
        for (int i = 0; i < 3; i++) {
            System.arraycopy(prepared.get(i).values(), 0, batch, i * first.values().length, first.values().length);
        }
        float[] tfJava;
        try (ServingGraph serving = new ServingGraph(TinyModels.segmenter(), segmenter.bestWeights(), 1)) {
            tfJava = serving.predict(batch, Shape.of(3, first.height(), first.width(), 1));
        }
        try (LoadedModel model = LoadedModel.load(segmenterModel); LoadedModel.Session session = model.newSession()) {
            List<float[]> djl = session.predict(prepared);
            assertThat(djl).hasSize(3);
            int n = first.height() * first.width() * 3;
            for (int i = 0; i < 3; i++) {
                assertThat(djl.get(i)).hasSize(n);
                assertThat(djl.get(i)).containsExactly(java.util.Arrays.copyOfRange(tfJava, i * n, (i + 1) * n));
            }
        }
    }

    @Test
    void frozenTransferKeepsTheSourceEncoderAndTrainsTheRest() {
        TrainingOptions options = TinyModels.options(TinyModels.segmenter(), 1, 2, Optional.of(segmenterModel), true);
        Trainer.Result result = new Trainer(options, TinyModels.NEU_CLASSES, dir.resolve("frozen"), QUIET).train(train, validation, false, Map.of());
        Map<String, float[]> source = segmenter.bestWeights();
        for (var e : source.entrySet()) {
            if (e.getKey().startsWith(Networks.ENCODER_PREFIX) && !e.getKey().contains("moving_")) {
                assertThat(result.bestWeights().get(e.getKey())).as(e.getKey()).containsExactly(e.getValue());
            }
        }
        assertThat(result.bestWeights().get("head/conv1x1/w")).isNotEqualTo(source.get("head/conv1x1/w"));
    }

    @Test
    void anImageNetEncoderTransfersFrozenWithItsStatisticsAndTheCardSaysWhichEncoderItHas() {
        Architecture arch = TinyModels.mobileNetSegmenter(1);
        TrainingOptions options = TinyModels.options(arch, 1, 2, Optional.of(TinyModels.imageNetBackbone()), true);
        Trainer.Result result = new Trainer(options, TinyModels.NEU_CLASSES, dir.resolve("imagenet"), QUIET).train(train, validation, false, Map.of());
        Map<String, float[]> imageNet = ImageNetBackbone.read(TinyModels.imageNetBackbone(), 1);
        long encoderVariables = result.bestWeights().keySet().stream().filter(name -> name.startsWith(Networks.ENCODER_PREFIX)).count();
        assertThat(encoderVariables).isGreaterThan(200);
        result.bestWeights().forEach((name, values) -> {
            if (name.startsWith(Networks.ENCODER_PREFIX)) {
                // Frozen means the running statistics too: a frozen batch norm runs as it will be served.
                assertThat(values).as(name).containsExactly(imageNet.get(name));
            }
        });
        assertThat(result.bestWeights().get("head/conv1x1/w")).isNotEqualTo(new float[result.bestWeights().get("head/conv1x1/w").length]);

        Path model = dir.resolve("imagenet-model");
        ModelExporter.export(arch, result.bestWeights(),
                ModelCards.fromTraining("tiny-imagenet", "1", arch, TinyModels.NEU_CLASSES, options, result, Map.of(), 16, 6), model);
        ModelCard card = ModelCard.read(model);
        assertThat(card.architecture()).containsEntry("encoder", "mobilenetv2-0.35");
        assertThat(Architecture.recorded(card)).contains(arch);
        assertThat(card.input().multiple()).isEqualTo(32);
        LabeledImage image = validation.get(0);
        Preprocessor.Prepared prepared = new Preprocessor(card.input()).prepare(new DecodedImage(image.width(), image.height(), 1, image.pixels()));
        try (LoadedModel served = LoadedModel.load(model); LoadedModel.Session session = served.newSession()) {
            assertThat(session.predict(List.of(prepared)).get(0)).hasSize(prepared.height() * prepared.width() * 3);
        }
    }

    @Test
    void classifierStartsFromTheSegmenterEncoderAndFineTunesEverything() {
        Architecture classifier = TinyModels.classifier();
        TrainingOptions options = TinyModels.options(classifier, 1, 2, Optional.of(segmenterModel), false);
        Trainer.Result result = new Trainer(options, TinyModels.NEU_CLASSES, dir.resolve("cls"), QUIET).train(train, validation, false, Map.of());
        assertThat(result.bestFigures()).containsKeys("f1", "accuracy", "imageAccuracy");
        // Fine-tuned: the encoder started from the segmenter and moved.
        assertThat(result.bestWeights().get("enc/stem/conv/w")).isNotEqualTo(segmenter.bestWeights().get("enc/stem/conv/w"));
        assertThat(result.bestWeights().get("head/dense/w")).hasSize(classifier.bottleneckFilters());
    }

    @Test
    void anEncoderOfAnotherWidthIsRefusedWithTheReason() {
        Architecture wider = new Architecture(Architecture.Kind.SEGMENTER, 1, 3, 8, 2);
        TrainingOptions options = TinyModels.options(wider, 1, 1, Optional.of(segmenterModel), false);
        assertThatThrownBy(() -> new Trainer(options, TinyModels.NEU_CLASSES, dir.resolve("wider"), QUIET).train(train, validation, false, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not fit this network").hasMessageContaining("--width");
    }

    @Test
    void aMissingModelDirectoryIsNamed() {
        assertThatThrownBy(() -> LoadedModel.load(dir.resolve("no-such-model")))
                .isInstanceOf(LoadedModel.ModelLoadException.class).hasMessageContaining("no-such-model");
        assertThat(Files.exists(dir.resolve("no-such-model"))).isFalse();
    }
}
