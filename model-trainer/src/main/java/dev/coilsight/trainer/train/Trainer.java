package dev.coilsight.trainer.train;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.coilsight.core.model.Preprocessor;
import dev.coilsight.cli.ProgressBar;
import dev.coilsight.trainer.data.BatchPrefetcher;
import dev.coilsight.trainer.data.ClassMap;
import dev.coilsight.trainer.data.CropSampler;
import dev.coilsight.trainer.data.LabeledImage;
import dev.coilsight.trainer.evaluate.Validation;
import dev.coilsight.trainer.net.Architecture;
import dev.coilsight.trainer.net.ImageNetBackbone;
import dev.coilsight.trainer.net.Networks;
import dev.coilsight.trainer.net.Parameters;
import dev.coilsight.trainer.net.SavedModelWeights;

/**
 * Runs training: epochs of augmented batches (prepared on a separate thread), validation after
 * every epoch with the serving-mode network, best and last checkpoints ({@link Checkpoints}), early stopping, and
 * resumption from the last checkpoint. Each epoch's sampler is seeded from the run seed and the
 * epoch number, so a resumed run draws the same batches as an uninterrupted one.
 */
public final class Trainer {

    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** What a finished run left behind. */
    public record Result(Path runDir, int epochsRun, int bestEpoch, double bestMetric, String monitor, Map<String, Double> bestFigures,
                         double secondsPerStep, double imagesPerSecond, boolean stoppedEarly,
                         Map<String, float[]> bestWeights) {
    }

    private final TrainingOptions options;
    private final ClassMap classes;
    private final Path runDir;
    private final PrintStream out;
    private final Supplier<GracefulStop> stops;

    public Trainer(TrainingOptions options, ClassMap classes, Path runDir, PrintStream out) {
        this(options, classes, runDir, out, GracefulStop::onShutdown);
    }

    /** {@code stops}: where a run gets what tells it to stop between steps (the process's shutdown, or a test). */
    Trainer(TrainingOptions options, ClassMap classes, Path runDir, PrintStream out, Supplier<GracefulStop> stops) {
        this.options = options;
        this.classes = classes;
        this.runDir = runDir;
        this.out = out;
        this.stops = stops;
    }

    public Result train(List<LabeledImage> trainImages, List<LabeledImage> validationImages, boolean resume, Map<String, Object> provenance) {
        Architecture arch = options.architecture();
        Preprocessor preprocessor = new Preprocessor(options.inputSpec());
        CropSampler.Target target = arch.kind() == Architecture.Kind.SEGMENTER ? CropSampler.Target.MASK : CropSampler.Target.DEFECTIVE;
        Set<String> frozen = options.freezeEncoder() ? Set.of(Networks.ENCODER_PREFIX) : Set.of();
        RunState state = resume ? RunState.read(runDir) : RunState.fresh();
        if (resume) {
            continuesTheSameRun(trainImages.size(), validationImages.size());
        }
        createDirectories();
        writeRunJson(trainImages.size(), validationImages.size(), provenance);
        TrainingLog log = new TrainingLog(runDir);
        Validation validation = new Validation(arch, classes, preprocessor, options.cropHeight(), options.cropWidth());

        // Closed in reverse: TensorFlow first, then the stop, which lets a waiting shutdown go on.
        try (GracefulStop stop = stops.get();
             TrainingGraph graph = new TrainingGraph(arch, options.loss(), options.learningRate(), frozen, options.threads())) {
            if (state.epoch() > 0) {
                graph.restoreCheckpoint(Checkpoints.last(runDir, state));
                LOG.info("resumed {} after epoch {} (best {} {} at epoch {})", runDir, state.epoch(), options.monitor(), state.best(), state.bestEpoch());
            } else {
                graph.assign(graph.parameters().initialValues(options.seed()));
                options.initFrom().ifPresent(dir -> initialiseFrom(graph, dir));
            }
            LOG.info("training {} ({} trainable variables{}), {} train / {} validation images, batch {}, crop {}x{}, loss {}, lr {} ({})",
                    arch.describe(), graph.trainableVariableCount(), options.freezeEncoder() ? ", encoder frozen" : "",
                    trainImages.size(), validationImages.size(), options.batchSize(), options.cropHeight(), options.cropWidth(),
                    options.loss(), options.learningRate(), options.schedule().label());
            long stepNanos = 0;
            long steps = 0;
            // A resumed run that had already stopped early is done: another epoch could still move its best checkpoint.
            boolean stoppedEarly = state.badEpochs() >= options.patience();
            int epoch = state.epoch();
            while (epoch < options.epochs() && !stoppedEarly) {
                epoch++;
                long started = System.nanoTime();
                CropSampler sampler = new CropSampler(trainImages, target, options.cropHeight(), options.cropWidth(), arch.classes(),
                        options.augmentation(), preprocessor, options.seed() * 1_000_003L + epoch);
                if (epoch == 1 && target == CropSampler.Target.DEFECTIVE) {
                    LOG.info("classifier windows {}x{}: {} with defects, {} without (balanced 1:1 per batch)",
                            options.cropHeight(), options.cropWidth(), sampler.positiveWindows(), sampler.negativeWindows());
                }
                int batches = sampler.batchesPerEpoch(options.batchSize());
                if (options.maxBatchesPerEpoch() != null) {
                    batches = Math.min(batches, options.maxBatchesPerEpoch());
                }
                double lossSum = 0;
                try (BatchPrefetcher prefetcher = new BatchPrefetcher(sampler, options.batchSize(), 4);
                     ProgressBar bar = new ProgressBar(String.format("epoch %d/%d", epoch, options.epochs()), batches, out)) {
                    for (int b = 0; b < batches; b++) {
                        TrainingGraph.Batch batch = prefetcher.next();
                        long t = System.nanoTime();
                        float loss = graph.step(batch, options.schedule().rate(options.learningRate(),
                                LearningRateSchedule.progress(epoch, b, batches, options.epochs())));
                        stepNanos += System.nanoTime() - t;
                        steps++;
                        if (!Float.isFinite(loss)) {
                            // The run's settings, not a fault of the program: said in one line, exit 2.
                            throw new IllegalArgumentException("the training loss became " + loss + " at epoch " + epoch
                                    + "; lower the learning rate (--lr)");
                        }
                        lossSum += loss;
                        bar.status(String.format("loss %.4f", lossSum / (b + 1)));
                        bar.step();
                        if (stop.requested()) {
                            TrainingStopped stopped = new TrainingStopped(epoch, state.epoch());
                            LOG.warn("{}", stopped.getMessage());
                            throw stopped;
                        }
                    }
                }
                Map<String, Double> figures = validation.run(graph, validationImages);
                double metric = figures.get(options.monitor());
                boolean best = metric > state.best();
                graph.saveCheckpoint(Checkpoints.fresh(runDir, epoch));
                double speed = steps == 0 ? state.secondsPerStep() : stepNanos / 1e9 / steps;
                if (best) {
                    state = new RunState(epoch, metric, epoch, 0, figures, speed);
                } else {
                    state = new RunState(epoch, state.best(), state.bestEpoch(), state.badEpochs() + 1, state.bestFigures(), speed);
                }
                state.write(runDir);
                Checkpoints.prune(runDir, state);
                double seconds = (System.nanoTime() - started) / 1e9;
                log.append(new TrainingLog.Row(epoch, lossSum / batches, metric, options.monitor(), seconds, best));
                LOG.info("epoch {}: train loss {}, validation {}{}", epoch, String.format("%.4f", lossSum / batches),
                        format(figures), best ? " (best)" : "");
                if (state.badEpochs() >= options.patience()) {
                    LOG.info("early stop: no better {} for {} epochs (best {} at epoch {})", options.monitor(), options.patience(),
                            String.format("%.4f", state.best()), state.bestEpoch());
                    stoppedEarly = true;
                    break;
                }
            }
            double secondsPerStep = steps == 0 ? state.secondsPerStep() : stepNanos / 1e9 / steps;
            graph.restoreCheckpoint(Checkpoints.best(runDir, state));
            return new Result(runDir, epoch, state.bestEpoch(), state.best(), options.monitor(), state.bestFigures(), secondsPerStep,
                    secondsPerStep == 0 ? 0 : options.batchSize() / secondsPerStep, stoppedEarly, graph.weights());
        }
    }

    /**
     * A resumed run reads its options from the command line, not from the run. One resumed with another schedule would
     * jump to another learning rate; with another monitor its best figure would be compared with a figure of another
     * kind (and a worse epoch overwrite the best checkpoint, or none ever beat it); with another seed or other images it
     * would go on as another run under the first one's state: all refused. A cosine run resumed with another rate or
     * length continues on another curve, which is said.
     */
    private void continuesTheSameRun(int trainCount, int validationCount) {
        Map<?, ?> run;
        try {
            run = JSON.readValue(runDir.resolve("run.json").toFile(), Map.class);
        } catch (IOException e) {
            return; // a run without run.json has nothing to compare; RunState already said whether it can resume
        }
        Map<?, ?> started = (Map<?, ?>) run.get("options");
        if (started == null) {
            return;
        }
        sameAsStarted("--monitor", started.get("monitor"), options.monitor());
        sameAsStarted("--seed", started.get("seed"), options.seed());
        sameAsStarted("the number of training images (--split, --val-fraction, --val-split, --folds)", run.get("trainImages"), trainCount);
        sameAsStarted("the number of validation images (--split, --val-fraction, --val-split, --folds)", run.get("validationImages"),
                validationCount);
        Object schedule = started.get("learningRateSchedule");
        String was = schedule == null ? LearningRateSchedule.CONSTANT.label() : schedule.toString();
        if (!was.equals(options.schedule().label())) {
            throw new IllegalArgumentException("the run in " + runDir + " was started with --lr-schedule " + was
                    + "; resume it with the same schedule (or start a new --run-dir)");
        }
        Object rate = started.get("learningRate");
        Object epochs = started.get("epochs");
        boolean sameCurve = rate instanceof Number r && r.floatValue() == options.learningRate()
                && epochs instanceof Number e && e.intValue() == options.epochs();
        if (options.schedule() == LearningRateSchedule.COSINE && !sameCurve) {
            LOG.warn("resuming {} with --lr {} --epochs {} (started with {} and {}): the cosine curve changes from here on", runDir,
                    options.learningRate(), options.epochs(), rate, epochs);
        }
    }

    private void sameAsStarted(String what, Object started, Object now) {
        boolean same = started instanceof Number n && now instanceof Number m ? n.doubleValue() == m.doubleValue()
                : started == null || started.toString().equals(now.toString());
        if (!same) {
            throw new IllegalArgumentException("the run in " + runDir + " was started with " + what + " " + started + ", not " + now
                    + ": resume it with the command that started it (see commands.txt), or start a new --run-dir");
        }
    }

    private static String format(Map<String, Double> figures) {
        StringBuilder sb = new StringBuilder();
        figures.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ", ").append(k).append(' ').append(String.format("%.4f", v)));
        return sb.toString();
    }

    private void initialiseFrom(TrainingGraph graph, Path modelDir) {
        Map<String, float[]> source = ImageNetBackbone.isTensorFlowJs(modelDir)
                ? ImageNetBackbone.read(modelDir, options.architecture().channels()) : SavedModelWeights.read(modelDir);
        Map<String, float[]> chosen = new LinkedHashMap<>();
        Set<String> skipped = new HashSet<>();
        for (Parameters.Parameter p : graph.parameters().all()) {
            boolean inScope = options.initScope().equals("matching") || p.name().startsWith(Networks.ENCODER_PREFIX);
            float[] values = source.get(p.name());
            if (!inScope) {
                continue;
            }
            if (values != null && values.length == p.size()) {
                chosen.put(p.name(), values);
            } else {
                skipped.add(p.name());
            }
        }
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("no variable of " + modelDir + " fits this network (it does not fit this network's names and shapes): "
                    + "use a Coilsight model trained with the same --encoder, --width, --depth and --channels (or, for --encoder mobilenetv2-0.35, "
                    + "the ImageNet backbone of ../shared/pretrained)");
        }
        if (options.initScope().equals("encoder") && !skipped.isEmpty()) {
            throw new IllegalArgumentException("the encoder of " + modelDir + " does not fit this network (" + skipped.size()
                    + " variables missing or of another shape, e.g. " + skipped.iterator().next() + "): use the same --encoder, --width, --depth and --channels");
        }
        graph.assign(chosen);
        LOG.info("initialised {} variables from {} ({} scope); {} kept their random initial values", chosen.size(), modelDir,
                options.initScope(), graph.parameters().all().size() - chosen.size());
    }

    private void createDirectories() {
        try {
            Files.createDirectories(runDir.resolve("checkpoints"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the run directory " + runDir, e);
        }
    }

    private void writeRunJson(int trainCount, int validationCount, Map<String, Object> provenance) {
        Map<String, Object> run = new LinkedHashMap<>();
        Architecture arch = options.architecture();
        run.put("architecture", Map.of("kind", arch.kind().name().toLowerCase(), "encoder", arch.encoder().label(), "channels", arch.channels(),
                "classes", arch.classes(), "width", arch.width(), "depth", arch.depth()));
        run.put("classes", classes.asMap());
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("loss", options.loss().name().toLowerCase());
        o.put("learningRate", options.learningRate());
        o.put("learningRateSchedule", options.schedule().label());
        o.put("batchSize", options.batchSize());
        o.put("crop", List.of(options.cropHeight(), options.cropWidth()));
        o.put("epochs", options.epochs());
        o.put("patience", options.patience());
        o.put("maxBatchesPerEpoch", options.maxBatchesPerEpoch());
        o.put("seed", options.seed());
        o.put("augmentation", Map.of("flips", options.augmentation().flips(), "brightness", options.augmentation().brightness(),
                "contrast", options.augmentation().contrast()));
        o.put("monitor", options.monitor());
        o.put("initFrom", options.initFrom().map(Path::toString).orElse(null));
        o.put("initScope", options.initScope());
        o.put("freezeEncoder", options.freezeEncoder());
        run.put("options", o);
        run.put("trainImages", trainCount);
        run.put("validationImages", validationCount);
        run.putAll(provenance);
        try {
            JSON.writeValue(runDir.resolve("run.json").toFile(), run);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write run.json in " + runDir, e);
        }
    }
}
