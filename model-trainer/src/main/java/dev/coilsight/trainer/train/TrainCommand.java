package dev.coilsight.trainer.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.coilsight.cli.CoilsightCommand;
import dev.coilsight.core.dataset.Datasets;
import dev.coilsight.core.dataset.LabeledDataset;
import dev.coilsight.core.dataset.LabelProblems;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.trainer.data.Augmentation;
import dev.coilsight.trainer.data.ClassMap;
import dev.coilsight.trainer.data.DatasetLoader;
import dev.coilsight.trainer.data.DatasetOption;
import dev.coilsight.trainer.data.LabeledImage;
import dev.coilsight.trainer.data.Splits;
import dev.coilsight.trainer.export.ModelExporter;
import dev.coilsight.trainer.export.ModelNaming;
import dev.coilsight.trainer.net.Architecture;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./coilsight train segmenter|classifier}: train, validate each epoch, keep the best, export a model directory. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Train a ResUNet segmenter or a ResNet-style classifier with TensorFlow Java on a labelled dataset",
                "(Severstal train.csv + train_images/, or images/ + masks/), validate after every epoch, keep the best",
                "checkpoint, stop early, and export the best model (SavedModel + model.json) to --output.",
                "Checkpoints, training.csv and learning-curve.png go to --run-dir; --resume continues an interrupted run.",
                "Exit code 0 on success, 2 on bad input."})
public final class TrainCommand extends CoilsightCommand {

    @Parameters(index = "0", paramLabel = "MODEL", description = "segmenter or classifier")
    String model;

    @CommandLine.Mixin
    DatasetOption dataset;

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

    @Option(names = "--loss", defaultValue = "bce-dice", description = "bce, dice, focal-tversky, bce-dice, lovasz (the Lovász hinge, "
            + "a surrogate of 1 - IoU) or bce-lovasz (default ${DEFAULT-VALUE}).")
    String loss;

    @Option(names = "--lr", defaultValue = "0.001", description = "Adam learning rate (default ${DEFAULT-VALUE}).")
    float learningRate;

    @Option(names = "--lr-schedule", defaultValue = "constant", description = "constant, or cosine: the rate decays from --lr to a "
            + "hundredth of it over --epochs (set --patience to --epochs so the decay runs its course) (default ${DEFAULT-VALUE}).")
    String lrSchedule;

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

    @Mixin
    ModelNaming naming;

    @Option(names = "--note", paramLabel = "TEXT", description = "A plain-words note for the card (limitations, data caveats).")
    String note;

    @Option(names = "--threads", defaultValue = "0", description = "TensorFlow intra-op threads (0 = all cores).")
    int threads;

    /** Exit code of a run stopped by a signal between two steps (128 + SIGINT, as shells report it). */
    static final int STOPPED = 130;

    @Override
    protected int run() throws java.io.IOException {
        if (deterministic && !"0".equals(System.getenv("TF_ENABLE_ONEDNN_OPTS"))) {
            throw new IllegalArgumentException("--deterministic needs the environment variable TF_ENABLE_ONEDNN_OPTS=0 before the JVM starts "
                    + "(./coilsight sets it); oneDNN kernels are not bit-reproducible");
        }
        Architecture.Kind kind = switch (model) {
            case "segmenter" -> Architecture.Kind.SEGMENTER;
            case "classifier" -> Architecture.Kind.CLASSIFIER;
            default -> throw new IllegalArgumentException("MODEL must be 'segmenter' or 'classifier', got '" + model + "'");
        };
        if (!resume) {
            RunFiles.requireNoEarlierRun(runDir);
        }
        LabeledDataset data = Datasets.open(dataset.folder(), Optional.ofNullable(split));
        LabelProblems.warn("train", data, System.err);
        ClassMap classMap = classes != null ? ClassMap.parse(classes) : ClassMap.of(data.classNames());
        Architecture.Encoder chosenEncoder = Architecture.Encoder.parse(encoder);
        int stages = depth != null ? depth : chosenEncoder == Architecture.Encoder.RESNET ? 3 : 4;
        Architecture arch = new Architecture(kind, channels, kind == Architecture.Kind.SEGMENTER ? classMap.size() : 1, width, stages, chosenEncoder);
        String[] hw = crop.toLowerCase().split("x");
        if (hw.length != 2 || !hw[0].trim().matches("[0-9]{1,5}") || !hw[1].trim().matches("[0-9]{1,5}")) {
            throw new IllegalArgumentException("--crop must look like 256x256, got '" + crop + "'");
        }
        if (fold != 0 && (folds == null || crossValidate)) {
            throw new IllegalArgumentException(folds == null ? "--fold chooses one of --folds K; give --folds too"
                    : "--cross-validate trains every fold in turn: give it without --fold");
        }
        String chosenMonitor = monitor != null ? monitor : kind == Architecture.Kind.SEGMENTER ? "dice" : "f1";
        TrainingOptions options = new TrainingOptions(arch, Loss.parse(loss), learningRate, batchSize, Integer.parseInt(hw[0].trim()),
                Integer.parseInt(hw[1].trim()), epochs, patience, maxBatches, seed, new Augmentation(!noFlips, brightness, contrast),
                chosenMonitor, Optional.ofNullable(initFrom), initScope, freezeEncoder, threads, resize, LearningRateSchedule.parse(lrSchedule));

        Path modelDir = output != null ? output : runDir.resolve("model");
        String modelName = naming.nameFor(modelDir);
        SplitPolicy splits = new SplitPolicy(dataset.folder(), validationSplit, folds, validationFraction, seed);
        // Resumed, a cross-validation goes on from the fold it was in: the folds it had not reached start afresh.
        CrossValidation.FoldTrainer trainer = (ids, run, dir, description) -> trainOne(data, splits, classMap, arch, options, ids, run, dir,
                modelName, description, resume && (!crossValidate || Files.exists(run.resolve(RunState.FILE))));
        try {
            if (crossValidate) {
                new CrossValidation(dataset.folder(), splits, runDir, trainer).run(data, kind == Architecture.Kind.SEGMENTER, modelDir, stdout());
                return 0;
            }
            Trainer.Result result = trainer.train(splits.split(data, fold), runDir, modelDir, splits.describe(fold));
            report(result, modelDir);
            return 0;
        } catch (TrainingStopped e) {
            System.err.println("train: " + e.getMessage());
            return STOPPED;
        }
    }

    /** The images as the model will see them: resized to the crop size with {@code --resize}, else as they are. */
    private static List<LabeledImage> sized(List<LabeledImage> images, TrainingOptions options) {
        LabeledImage.ResizedLabels labels = options.architecture().kind() == Architecture.Kind.SEGMENTER
                ? LabeledImage.ResizedLabels.AS_MAPPED_BACK : LabeledImage.ResizedLabels.ANY_UNDER;
        return options.resize() ? images.stream().map(i -> i.resized(options.cropHeight(), options.cropWidth(), labels)).toList() : images;
    }

    private Trainer.Result trainOne(LabeledDataset data, SplitPolicy splits, ClassMap classMap, Architecture arch, TrainingOptions options,
                                    Splits.Split ids, Path run, Path modelDir, String modelName, String validationDescription,
                                    boolean resumeRun) {
        if (resumeRun) {
            RunFiles.requireSameIds(run.resolve(RunFiles.VALIDATION_IDS), ids.validation());
        }
        DatasetLoader loader = new DatasetLoader(classMap, channels);
        List<LabeledImage> train = sized(loader.load(data, ids.train(), "loading train images"), options);
        List<LabeledImage> validation = sized(loader.load(splits.validationData(data), ids.validation(), "loading validation images"), options);
        RunFiles.writeIds(run.resolve(RunFiles.VALIDATION_IDS), ids.validation());

        Map<String, Object> provenance = new LinkedHashMap<>();
        provenance.put("dataset", CheckoutPaths.current().portable(dataset.folder()));
        provenance.put("layout", data.layout().name().toLowerCase());
        provenance.put("validation", validationDescription);
        String command = "./coilsight train " + String.join(" ", CheckoutPaths.current().portableArgs(spec().commandLine().getParseResult().originalArgs()));
        provenance.put("command", RunFiles.commandHistory(run, command, resumeRun));
        if (note != null) {
            provenance.put("note", note);
        }
        Trainer.Result result = new Trainer(options, classMap, run, System.err).train(train, validation, resumeRun, provenance);

        ModelCard card = ModelCards.fromTraining(modelName, naming.version(), arch, classMap, options, result, provenance, train.size(), validation.size());
        ModelExporter.export(arch, result.bestWeights(), card, modelDir);
        RunFiles.copyIfPresent(run.resolve("training.csv"), modelDir.resolve("training.csv"));
        RunFiles.copyIfPresent(run.resolve("learning-curve.png"), modelDir.resolve("learning-curve.png"));
        return result;
    }

    private void report(Trainer.Result result, Path modelDir) {
        var out = stdout();
        out.printf("best epoch %d of %d: %s %.4f%s%n", result.bestEpoch(), result.epochsRun(), result.monitor(), result.bestMetric(),
                result.stoppedEarly() ? " (stopped early)" : "");
        out.printf("training step %.3f s, %.1f images/s at %s, batch %d%n", result.secondsPerStep(), result.imagesPerSecond(), crop, batchSize);
        out.println("model: " + modelDir.toAbsolutePath());
        out.println("log: " + runDir.resolve("training.csv").toAbsolutePath() + ", curve: " + runDir.resolve("learning-curve.png").toAbsolutePath());
        out.flush();
    }
}
