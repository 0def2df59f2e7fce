package dev.coilsight.trainer.train;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.coilsight.cli.CommandLines;
import dev.coilsight.cli.LoggingOptions;
import dev.coilsight.dataset.Datasets;
import dev.coilsight.dataset.LabeledDataset;
import dev.coilsight.model.LoadedModel;
import dev.coilsight.model.ModelCard;
import dev.coilsight.trainer.data.Augmentation;
import dev.coilsight.trainer.data.ClassMap;
import dev.coilsight.trainer.data.DatasetLoader;
import dev.coilsight.trainer.data.LabeledImage;
import dev.coilsight.trainer.data.Splits;
import dev.coilsight.trainer.evaluate.Evaluator;
import dev.coilsight.trainer.evaluate.ThresholdSweep;
import dev.coilsight.trainer.export.ModelExporter;
import dev.coilsight.trainer.net.Architecture;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./coilsight train segmenter|classifier}: train, validate each epoch, keep the best, export a model directory. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a ResUNet segmenter or a ResNet-style classifier with TensorFlow Java on a labelled dataset",
                "(Severstal train.csv + train_images/, or images/ + masks/), validate after every epoch, keep the best",
                "checkpoint, stop early, and export the best model (SavedModel + model.json) to --output.",
                "Checkpoints, training.csv and learning-curve.png go to --run-dir; --resume continues an interrupted run.",
                "Exit code 0 on success, 2 on bad input."})
public final class TrainCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "MODEL", description = "segmenter or classifier")
    String model;

    @Option(names = "--dataset", required = true, paramLabel = "PATH", description = "Dataset folder (layout recognised from its contents).")
    Path dataset;

    @Option(names = "--split", paramLabel = "FILE", description = "Train on the ids listed in FILE only (default: every image).")
    Path split;

    @Option(names = "--val-split", paramLabel = "FILE", description = "Validate on the ids listed in FILE (e.g. val.txt).")
    Path validationSplit;

    @Option(names = "--val-fraction", paramLabel = "F", description = "Hold out this fraction of the training images (seeded); default 0.2 when no other validation is given.")
    Double validationFraction;

    @Option(names = "--folds", paramLabel = "K", description = "k-fold cross-validation: number of folds.")
    Integer folds;

    @Option(names = "--cross-validate", description = "Train every fold of --folds in turn, score each on its held-out images, ship fold 0's model with all figures.")
    boolean crossValidate;

    @Option(names = "--fold", paramLabel = "I", defaultValue = "0", description = "Which fold (0-based) validates (default ${DEFAULT-VALUE}).")
    int fold;

    @Option(names = "--classes", paramLabel = "ID=NAME,...", description = "Classes to predict, e.g. 1=inclusions,2=patches,3=scratches (default: the dataset's own list).")
    String classes;

    @Option(names = "--channels", defaultValue = "1", description = "Input channels, 1 (gray) or 3 (RGB) (default ${DEFAULT-VALUE}).")
    int channels;

    @Option(names = "--width", defaultValue = "16", description = "Filters of the first block (default ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--depth", paramLabel = "N", description = "Encoder stages (default 3 for resnet; mobilenetv2-0.35 has 4); inputs must be multiples of 2^(depth+1).")
    Integer depth;

    @Option(names = "--encoder", defaultValue = "resnet", description = "resnet (the project's residual encoder) or mobilenetv2-0.35 "
            + "(ImageNet transfer: --init-from ../shared/pretrained/mobilenetv2-0.35-imagenet) (default ${DEFAULT-VALUE}).")
    String encoder;

    @Option(names = "--loss", defaultValue = "bce-dice", description = "bce, dice, focal-tversky or bce-dice (default ${DEFAULT-VALUE}).")
    String loss;

    @Option(names = "--lr", defaultValue = "0.001", description = "Adam learning rate (default ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--batch", defaultValue = "8", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--crop", defaultValue = "192x192", paramLabel = "HxW", description = "Training crop / classifier window (default ${DEFAULT-VALUE}).")
    String crop;

    @Option(names = "--resize", description = {"Resize every image and its mask to the --crop size instead of cropping (data sets whose",
            "images differ in size); the model then resizes its input as it was trained, and a classifier decides on the whole image."})
    boolean resize;

    @Option(names = "--epochs", defaultValue = "20", description = "Maximum epochs (default ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--patience", defaultValue = "5", description = "Stop after this many epochs without a better validation figure (default ${DEFAULT-VALUE}).")
    int patience;

    @Option(names = "--max-batches-per-epoch", paramLabel = "N", description = "Cap on batches per epoch.")
    Integer maxBatches;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of initial weights, splits, sampling and augmentation (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--deterministic", description = {"Bit-identical runs for a seed: needs TF_ENABLE_ONEDNN_OPTS=0 (the launcher sets it;",
            "about 2x slower on CPU). Without it a seed still fixes weights, splits, batches and augmentation."})
    boolean deterministic;

    @Option(names = "--no-flips", description = "Disable random flips.")
    boolean noFlips;

    @Option(names = "--brightness", defaultValue = "0.1", description = "Max brightness shift, fraction of full range (default ${DEFAULT-VALUE}).")
    double brightness;

    @Option(names = "--contrast", defaultValue = "0.2", description = "Max relative contrast change (default ${DEFAULT-VALUE}).")
    double contrast;

    @Option(names = "--monitor", description = "Validation figure that picks the best epoch: dice, miou (segmenter; default dice) or f1 (classifier; default).")
    String monitor;

    @Option(names = "--init-from", paramLabel = "MODEL_DIR", description = "Initialise from another Coilsight model (transfer learning).")
    Path initFrom;

    @Option(names = "--init-scope", defaultValue = "encoder", description = "encoder (copy enc/* only) or matching (every variable of the same name and shape) (default ${DEFAULT-VALUE}).")
    String initScope;

    @Option(names = "--freeze-encoder", description = "Train only the layers outside the encoder (transfer strategy a); without it everything is fine-tuned (strategy b: use a small --lr).")
    boolean freezeEncoder;

    @Option(names = "--run-dir", required = true, paramLabel = "DIR", description = "Checkpoints, run.json, state.json, training.csv, learning-curve.png.")
    Path runDir;

    @Option(names = "--resume", description = "Continue the run in --run-dir from its last checkpoint.")
    boolean resume;

    @Option(names = "--output", paramLabel = "MODEL_DIR", description = "Export the best model here (default: <run-dir>/model).")
    Path output;

    @Option(names = "--name", description = "Model name for model.json (default: the folder name of --output).")
    String name;

    @Option(names = "--model-version", defaultValue = "1", description = "Model version for model.json (default ${DEFAULT-VALUE}).")
    String modelVersion;

    @Option(names = "--note", paramLabel = "TEXT", description = "A plain-words note for the card (limitations, data caveats).")
    String note;

    @Option(names = "--threads", defaultValue = "0", description = "TensorFlow intra-op threads (0 = all cores).")
    int threads;

    @CommandLine.Mixin
    LoggingOptions logging;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static CommandLine commandLine() {
        return CommandLines.create(new TrainCommand(), "train");
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(commandLine().execute(args));
    }

    @Override
    public Integer call() throws java.io.IOException {
        logging.apply("train");
        if (deterministic && !"0".equals(System.getenv("TF_ENABLE_ONEDNN_OPTS"))) {
            throw new IllegalArgumentException("--deterministic needs the environment variable TF_ENABLE_ONEDNN_OPTS=0 before the JVM starts "
                    + "(./coilsight sets it); oneDNN kernels are not bit-reproducible");
        }
        Architecture.Kind kind = switch (model) {
            case "segmenter" -> Architecture.Kind.SEGMENTER;
            case "classifier" -> Architecture.Kind.CLASSIFIER;
            default -> throw new IllegalArgumentException("MODEL must be 'segmenter' or 'classifier', got '" + model + "'");
        };
        LabeledDataset data = Datasets.open(dataset, Optional.ofNullable(split));
        ClassMap classMap = classes != null ? ClassMap.parse(classes) : ClassMap.of(data.classNames());
        Architecture.Encoder chosenEncoder = Architecture.Encoder.parse(encoder);
        int stages = depth != null ? depth : chosenEncoder == Architecture.Encoder.RESNET ? 3 : 4;
        Architecture arch = new Architecture(kind, channels, kind == Architecture.Kind.SEGMENTER ? classMap.size() : 1, width, stages, chosenEncoder);
        String[] hw = crop.toLowerCase().split("x");
        if (hw.length != 2) {
            throw new IllegalArgumentException("--crop must look like 256x256, got '" + crop + "'");
        }
        String chosenMonitor = monitor != null ? monitor : kind == Architecture.Kind.SEGMENTER ? "dice" : "f1";
        TrainingOptions options = new TrainingOptions(arch, Loss.parse(loss), learningRate, batchSize, Integer.parseInt(hw[0].trim()),
                Integer.parseInt(hw[1].trim()), epochs, patience, maxBatches, seed, new Augmentation(!noFlips, brightness, contrast),
                chosenMonitor, Optional.ofNullable(initFrom), initScope, freezeEncoder, threads, resize);

        Path modelDir = output != null ? output : runDir.resolve("model");
        String modelName = name != null ? name : modelDir.toAbsolutePath().normalize().getFileName().toString();
        if (crossValidate) {
            if (folds == null) {
                throw new IllegalArgumentException("--cross-validate needs --folds K");
            }
            return crossValidate(data, classMap, arch, options, modelDir, modelName);
        }
        Splits.Split ids = split(data, fold);
        Trainer.Result result = trainOne(data, classMap, arch, options, ids, runDir, modelDir, modelName, validationDescription(fold));
        report(result, modelDir);
        return 0;
    }

    /**
     * Trains fold i on the other folds for every i, evaluates each fold's model on its held-out
     * images (DJL, serving post-processing), and ships fold 0's model with every fold's figures
     * and their mean in its card.
     */
    private int crossValidate(LabeledDataset data, ClassMap classMap, Architecture arch, TrainingOptions options, Path modelDir, String modelName)
            throws java.io.IOException {
        boolean segmenter = arch.kind() == Architecture.Kind.SEGMENTER;
        List<Map<String, Object>> perFold = new ArrayList<>();
        List<Path> foldModels = new ArrayList<>();
        List<Trainer.Result> results = new ArrayList<>();
        // Segmenters: each fold model's probabilities on its own held-out images, for cross-fitted tuning below.
        List<ThresholdSweep> heldOutPredictions = new ArrayList<>();
        for (int f = 0; f < folds; f++) {
            Path foldRun = runDir.resolve("fold-" + f);
            Path foldModel = f == 0 ? modelDir : foldRun.resolve("model");
            Splits.Split outer = split(data, f);
            // Early stopping uses an inner split of the training folds, so the held-out fold only ever scores.
            Splits.Split inner = Splits.byFraction(outer.train(), 0.2, seed + f);
            Trainer.Result result = trainOne(data, classMap, arch, options, inner, foldRun, foldModel, modelName,
                    "fold " + f + " of " + folds + ": early stopping on 20% of the training folds, scored on the held-out fold");
            writeIds(foldRun.resolve(HELD_OUT_IDS), outer.validation());
            foldModels.add(foldModel);
            results.add(result);
            if (segmenter) {
                try (LoadedModel loaded = LoadedModel.load(foldModel)) {
                    ThresholdSweep predictions = new ThresholdSweep(loaded.card().classes().size());
                    new Evaluator(loaded, System.err).evaluate(Datasets.open(dataset, Optional.of(foldRun.resolve(HELD_OUT_IDS))), null,
                            predictions, e -> { });
                    heldOutPredictions.add(predictions);
                }
            } else {
                perFold.add(scoreHeldOut(foldModel, foldRun, f, result));
            }
        }
        if (segmenter) {
            int classes = ModelCard.read(modelDir).classes().size();
            for (int f = 0; f < folds; f++) {
                // Cross-fitted: fold f's post-processing is chosen on the other folds' held-out predictions, never on its own.
                List<ThresholdSweep> others = new ArrayList<>(heldOutPredictions);
                others.remove(f);
                writeChoices(foldModels.get(f), ThresholdSweep.combined(classes, others).choose(ThresholdSweep.Objective.DICE));
                perFold.add(scoreHeldOut(foldModels.get(f), runDir.resolve("fold-" + f), f, results.get(f)));
            }
            // The shipped model's post-processing: chosen on every fold's held-out predictions (all images, none seen by its model).
            writeChoices(modelDir, ThresholdSweep.combined(classes, heldOutPredictions).choose(ThresholdSweep.Objective.DICE));
        }
        Map<String, Object> cv = new LinkedHashMap<>();
        cv.put("folds", folds);
        cv.put("seed", seed);
        cv.put("method", segmenter
                ? "k-fold; per fold: train on the other folds minus 20% (early stopping on that 20%); per-class threshold and minimum area"
                        + " chosen on the other folds' held-out predictions (cross-fitted, never on the images scored), then score the held-out"
                        + " fold; the shipped model's post-processing is chosen on every fold's held-out predictions"
                : "k-fold; per fold: train on the other folds minus 20% (early stopping on that 20%), then score the held-out fold");
        for (String key : List.of("meanDice", "mIoU", "accuracy", "precision", "recall", "f1")) {
            if (perFold.get(0).containsKey(key)) {
                cv.put(key, perFold.stream().mapToDouble(m -> ((Number) m.get(key)).doubleValue()).average().orElse(0));
            }
        }
        cv.put("baselines", averageBaselines(perFold));
        cv.put("perFold", perFold);
        ModelCard card = ModelCard.read(modelDir);
        Map<String, Object> metrics = new LinkedHashMap<>(card.metrics() == null ? Map.of() : card.metrics());
        metrics.put("crossValidation", cv);
        card.withMetrics(metrics).write(modelDir);
        var out = spec.commandLine().getOut();
        out.println("cross-validation over " + folds + " folds: " + summary(cv));
        out.println("model (fold 0): " + modelDir.toAbsolutePath());
        out.flush();
        return 0;
    }

    /** Scores a fold's model on its held-out images with the serving post-processing of its card. */
    private Map<String, Object> scoreHeldOut(Path foldModel, Path foldRun, int fold, Trainer.Result result) {
        try (LoadedModel loaded = LoadedModel.load(foldModel)) {
            LabeledDataset heldOut = Datasets.open(dataset, Optional.of(foldRun.resolve(HELD_OUT_IDS)));
            Map<String, Object> figures = new LinkedHashMap<>(new Evaluator(loaded, System.err).evaluate(heldOut, null, e -> { }).figures());
            figures.remove("imagesPerSecond");
            figures.remove("inferenceImagesPerSecond");
            figures.put("fold", fold);
            figures.put("bestEpoch", result.bestEpoch());
            System.err.println("train: fold " + fold + " held-out " + summary(figures));
            return figures;
        }
    }

    /** Writes per-class thresholds and minimum areas into a model's card. */
    private static void writeChoices(Path modelDir, List<ThresholdSweep.Choice> choices) {
        ModelCard card = ModelCard.read(modelDir);
        List<ModelCard.ClassSpec> tuned = new ArrayList<>();
        for (int k = 0; k < card.classes().size(); k++) {
            ModelCard.ClassSpec c = card.classes().get(k);
            tuned.add(new ModelCard.ClassSpec(c.id(), c.name(), choices.get(k).threshold(), choices.get(k).minArea()));
        }
        card.withClasses(tuned).write(modelDir);
    }

    /** Mean of each fold's trivial baselines (they differ per fold with the held-out images). */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> averageBaselines(List<Map<String, Object>> perFold) {
        Map<String, Object> mean = new LinkedHashMap<>();
        Map<String, Object> first = (Map<String, Object>) perFold.get(0).get("baselines");
        for (var e : first.entrySet()) {
            if (e.getValue() instanceof Number) {
                mean.put(e.getKey(), perFold.stream().mapToDouble(m -> ((Number) ((Map<String, Object>) m.get("baselines")).get(e.getKey())).doubleValue())
                        .average().orElse(0));
            } else if (e.getValue() instanceof Map<?, ?> nested) {
                Map<String, Object> inner = new LinkedHashMap<>();
                for (Object k : nested.keySet()) {
                    inner.put(String.valueOf(k), perFold.stream().mapToDouble(m -> ((Number) ((Map<String, Object>) ((Map<String, Object>) m.get("baselines"))
                            .get(e.getKey())).get(k)).doubleValue()).average().orElse(0));
                }
                mean.put(e.getKey(), inner);
            }
        }
        return mean;
    }

    private static String summary(Map<String, Object> figures) {
        StringBuilder sb = new StringBuilder();
        for (String key : List.of("meanDice", "mIoU", "accuracy", "f1")) {
            if (figures.get(key) instanceof Number n) {
                sb.append(sb.isEmpty() ? "" : ", ").append(key).append(' ').append(String.format(java.util.Locale.ROOT, "%.4f", n.doubleValue()));
            }
        }
        if (figures.get("baselines") != null) {
            sb.append("; baselines ").append(figures.get("baselines"));
        }
        return sb.toString();
    }

    static final String VALIDATION_IDS = "validation-ids.txt";
    static final String COMMANDS = "commands.txt";

    /**
     * This invocation appended to the run's history: a run resumed with other options (say a
     * lower --lr after a plateau) keeps every command that shaped it.
     */
    private String commandHistory(Path run) {
        String command = "./coilsight train " + String.join(" ", CheckoutPaths.current().portableArgs(spec.commandLine().getParseResult().originalArgs()));
        try {
            java.nio.file.Files.createDirectories(run);
            Path file = run.resolve(COMMANDS);
            if (!resume) {
                java.nio.file.Files.deleteIfExists(file);
            }
            java.nio.file.Files.writeString(file, command + System.lineSeparator(), java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            return String.join(" && ", java.nio.file.Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot record the command in " + run, e);
        }
    }
    /** The images as the model will see them: resized to the crop size with {@code --resize}, else as they are. */
    private static List<LabeledImage> sized(List<LabeledImage> images, TrainingOptions options) {
        return options.resize() ? images.stream().map(i -> i.resized(options.cropHeight(), options.cropWidth())).toList() : images;
    }

    static final String HELD_OUT_IDS = "held-out-ids.txt";

    private static void writeIds(Path file, List<String> ids) {
        try {
            java.nio.file.Files.createDirectories(file.getParent());
            java.nio.file.Files.write(file, ids);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + file, e);
        }
    }

    private Trainer.Result trainOne(LabeledDataset data, ClassMap classMap, Architecture arch, TrainingOptions options, Splits.Split ids,
                                    Path run, Path modelDir, String modelName, String validationDescription) {
        DatasetLoader loader = new DatasetLoader(classMap, channels);
        PrintStream err = System.err;
        List<LabeledImage> train = sized(loader.load(data, ids.train(), "loading train images"), options);
        LabeledDataset validationData = validationSplit != null ? Datasets.open(dataset, Optional.of(validationSplit)) : data;
        List<LabeledImage> validation = sized(loader.load(validationData, ids.validation(), "loading validation images"), options);
        writeIds(run.resolve(VALIDATION_IDS), ids.validation());

        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("dataset", CheckoutPaths.current().portable(dataset));
        provenance.put("layout", data.layout().name().toLowerCase());
        provenance.put("validation", validationDescription);
        provenance.put("command", commandHistory(run));
        if (note != null) {
            provenance.put("note", note);
        }
        Trainer.Result result = new Trainer(options, classMap, run, err).train(train, validation, resume, provenance);

        ModelCard card = ModelCards.fromTraining(modelName, modelVersion, arch, classMap, options, result, provenance, train.size(), validation.size());
        ModelExporter.export(arch, result.bestWeights(), card, modelDir);
        copyIfPresent(run.resolve("training.csv"), modelDir.resolve("training.csv"));
        copyIfPresent(run.resolve("learning-curve.png"), modelDir.resolve("learning-curve.png"));
        return result;
    }

    private void report(Trainer.Result result, Path modelDir) {
        var out = spec.commandLine().getOut();
        out.printf("best epoch %d of %d: %s %.4f%s%n", result.bestEpoch(), result.epochsRun(), result.monitor(), result.bestMetric(),
                result.stoppedEarly() ? " (stopped early)" : "");
        out.printf("training step %.3f s, %.1f images/s at %s, batch %d%n", result.secondsPerStep(), result.imagesPerSecond(), crop, batchSize);
        out.println("model: " + modelDir.toAbsolutePath());
        out.println("log: " + runDir.resolve("training.csv").toAbsolutePath() + ", curve: " + runDir.resolve("learning-curve.png").toAbsolutePath());
        out.flush();
    }

    private Splits.Split split(LabeledDataset data, int fold) {
        List<String> all = data.imageIds();
        if (validationSplit != null) {
            LabeledDataset v = Datasets.open(dataset, Optional.of(validationSplit));
            List<String> validationIds = v.imageIds();
            java.util.Set<String> held = new java.util.HashSet<>(validationIds);
            return new Splits.Split(new ArrayList<>(all.stream().filter(id -> !held.contains(id)).toList()), validationIds);
        }
        if (folds != null) {
            return Splits.kFold(all, folds, fold, seed);
        }
        return Splits.byFraction(all, validationFraction == null ? 0.2 : validationFraction, seed);
    }

    private String validationDescription(int fold) {
        if (validationSplit != null) {
            return "split list " + validationSplit;
        }
        if (folds != null) {
            return "fold " + fold + " of " + folds + " (seed " + seed + ")";
        }
        return "held-out fraction " + (validationFraction == null ? 0.2 : validationFraction) + " (seed " + seed + ")";
    }

    /** The model directory keeps its learning curve and log: the card points at how it was made. */
    private static void copyIfPresent(Path from, Path to) {
        try {
            if (java.nio.file.Files.exists(from)) {
                java.nio.file.Files.copy(from, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot copy " + from + " to " + to, e);
        }
    }

    /** Used by the run's model card. */
    static String timestamp() {
        return Instant.now().toString();
    }
}
