package dev.coilsight.trainer.evaluate;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.coilsight.cli.CoilsightCommand;
import dev.coilsight.cli.JsonOrText;
import dev.coilsight.trainer.predict.PrecisionOption;
import dev.coilsight.core.dataset.Datasets;
import dev.coilsight.core.dataset.LabeledDataset;
import dev.coilsight.core.dataset.LabelProblems;
import dev.coilsight.core.model.LoadedModel;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.core.model.Precision;
import dev.coilsight.core.model.TestTimeFlips;
import dev.coilsight.trainer.train.CheckoutPaths;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./coilsight evaluate}: score a model directory on labelled images, optionally tune its post-processing. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Evaluate a model directory (SavedModel + model.json) on a labelled dataset with the same DJL loading,",
                "pre-processing and post-processing as the streaming workers. Segmenters: Kaggle mean Dice, per-class Dice and IoU,",
                "mIoU over the defect classes, mIoUWithBackground (background as one more class, as papers count NEU-Seg),",
                "backgroundIoU, pixelAccuracy, per-class presence precision/recall/F1/support. Classifiers: accuracy, precision, recall, F1 per class with",
                "support, confusion matrix. Trivial baselines are printed next to them.",
                "--tune sweeps per-class pixel thresholds and minimum component areas (segmenters) or the decision threshold with the",
                "best F1 (classifiers) on this data and writes the choice into model.json: run it on data the model is not scored on.",
                "The images are those predict and score find in the same folder: hidden files (.name) are left out, files that are",
                "not PNG or JPEG by content (Thumbs.db, notes) are skipped and named, so that predict + score give the same mean Dice.",
                "Exit code 0 on success, 1 when a file of the images folder could not be read (named and left out, as predict and",
                "score leave it out), 2 on bad input."})
public final class EvaluateCommand extends CoilsightCommand {

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory.")
    Path modelDir;

    @Option(names = "--dataset", required = true, paramLabel = "PATH", description = "Labelled dataset folder.")
    Path dataset;

    @Option(names = "--split", paramLabel = "FILE", description = "Evaluate only the ids listed in FILE.")
    Path split;

    @Option(names = "--report", paramLabel = "DIR", description = "Write an HTML report (index.html, PNG curves and overlays) here.")
    Path report;

    @Option(names = "--examples", defaultValue = "6", description = "Overlay images in the report (default ${DEFAULT-VALUE}).")
    int examples;

    @Option(names = "--json", description = "Print one JSON object instead of text.")
    boolean json;

    @Option(names = "--tune", description = "Choose per-class threshold and minimum area (segmenter) or the decision threshold (classifier) on this data and write them into model.json.")
    boolean tune;

    @Option(names = "--tune-for", defaultValue = "dice", description = "What --tune maximises per class: dice (Kaggle Dice over image/class pairs) or iou (IoU over all pixels) (default ${DEFAULT-VALUE}).")
    String tuneFor;

    @Option(names = "--record-as", paramLabel = "LABEL", description = "Also store the figures in model.json under metrics.LABEL (e.g. 'val').")
    String recordAs;

    @Option(names = "--test-time-flips", split = ",", paramLabel = "FLIP", description = "Average each prediction with its flipped "
            + "passes: horizontal, vertical, rotate180, transpose, rotate90, rotate270, anti-transpose (the last four swap height and "
            + "width), or none (default: what the card says). With --tune, written into model.json, which the "
            + "workers honour too.")
    List<String> testTimeFlips;

    @CommandLine.Mixin
    PrecisionOption precision;

    /** What the model ran in: the precision asked for, or fp32 where that cannot run here. */
    private Precision ranIn = Precision.FP32;

    @Override
    protected int run() throws Exception {
        if (precision.get() != Precision.FP32 && (tune || recordAs != null)) {
            throw badOption("--tune and --record-as write the model's own fp32 thresholds and figures "
                    + "into its card: leave them out with --precision " + precision.get());
        }
        if (testTimeFlips != null && recordAs != null && !tune) {
            throw badOption("--record-as stores the figures of the model as its card says: with --test-time-flips, add --tune "
                    + "to write the flips into the card");
        }
        TestTimeFlips flips = testTimeFlips == null ? null : TestTimeFlips.parse(testTimeFlips);
        LabeledDataset opened = Datasets.open(dataset, Optional.ofNullable(split));
        LabelProblems.warn("evaluate", opened, System.err);
        // The images as predict and score list the same folder: files that are no image are skipped and named, not refused.
        DatasetImages.Listed listed = DatasetImages.of(opened);
        listed.listing().notImages().forEach(skipped -> stderr().println("evaluate: skipped " + skipped));
        listed.listing().unreadable().forEach(unreadable -> stderr().println("evaluate: could not read " + unreadable));
        LabeledDataset data = listed.dataset();
        if (data.imageIds().isEmpty() && !opened.imageIds().isEmpty()) {
            throw new IllegalArgumentException("no images to evaluate in " + dataset + ": none of its " + opened.imageIds().size()
                    + " file(s) is a PNG or JPEG image that can be read");
        }
        EvaluationResult result = evaluate(data, flips);
        if (tune) {
            // The flips and the settings chosen under them go into the card in one write.
            ModelCard card = flips == null ? ModelCard.read(modelDir) : ModelCard.read(modelDir).withFlips(flips);
            String flipsNote = flips == null ? "" : " and test-time flips " + (flips.none() ? "none" : String.join(", ", flips.labels()));
            if (!card.segmentation()) {
                PrCurve.Threshold chosen = result.prCurve().bestF1Threshold("defective").orElseThrow(() -> new IllegalArgumentException(
                        "--tune on a classifier needs defective images in the data to choose a threshold"));
                card.withDecision(card.decision().withThreshold(chosen.threshold())).write(modelDir);
                stderr().printf("evaluate: wrote the decision threshold %.4f (F1 %.4f on these images)%s into %s; "
                        + "evaluating again with it%n", chosen.threshold(), chosen.f1(), flipsNote, modelDir.resolve(ModelCard.FILE));
            } else {
                List<ModelCard.ClassSpec> tuned = new ArrayList<>();
                for (int k = 0; k < card.classes().size(); k++) {
                    ModelCard.ClassSpec c = card.classes().get(k);
                    ThresholdSweep.Choice choice = result.sweep().get(k);
                    tuned.add(new ModelCard.ClassSpec(c.id(), c.name(), choice.threshold(), choice.minArea()));
                }
                card.withClasses(tuned).write(modelDir);
                stderr().println("evaluate: wrote tuned thresholds and minimum areas" + flipsNote + " into "
                        + modelDir.resolve(ModelCard.FILE) + "; evaluating again with them");
            }
            result = evaluate(data, null);
        }
        int code = finish(result);
        // As predict and score: a file that could not be read may be an image, so the figures may not cover the whole folder.
        return code == 0 && !listed.listing().unreadable().isEmpty() ? 1 : code;
    }

    /** Records the figures in the card when asked and prints them. */
    private int finish(EvaluationResult result) throws java.io.IOException {
        if (recordAs != null) {
            ModelCard card = ModelCard.read(modelDir);
            Map<String, Object> metrics = new LinkedHashMap<>(card.metrics() == null ? Map.of() : card.metrics());
            Map<String, Object> entry = new LinkedHashMap<>(result.figures());
            entry.remove("imagesPerSecond");
            entry.remove("inferenceImagesPerSecond");
            entry.put("dataset", CheckoutPaths.current().portable(dataset));
            entry.put("split", split == null ? "all images" : CheckoutPaths.current().portable(split));
            metrics.put(recordAs, entry);
            card.withMetrics(metrics).write(modelDir);
        }
        Map<String, Object> figures = result.figures();
        if (ranIn != Precision.FP32) {
            figures = new LinkedHashMap<>(figures);
            figures.put("precision", ranIn.toString());
        }
        JsonOrText.print(stdout(), json, new ObjectMapper().writeValueAsString(figures), text(figures));
        return 0;
    }

    /** Evaluates as the card says, or with {@code flips} instead of its test-time flips when not null. */
    private EvaluationResult evaluate(LabeledDataset data, TestTimeFlips flips) throws java.io.IOException {
        try (LoadedModel model = precision.load(modelDir, stderr())) {
            ranIn = model.precision();
            Evaluator evaluator = new Evaluator(model, flips != null ? flips : model.card().flips(), System.err);
            EvaluationReport html = report == null ? null : new EvaluationReport(report, examples);
            ThresholdSweep.Objective objective = !tune ? null : switch (tuneFor) {
                case "dice" -> ThresholdSweep.Objective.DICE;
                case "iou" -> ThresholdSweep.Objective.IOU;
                default -> throw new IllegalArgumentException("--tune-for must be dice or iou, got '" + tuneFor + "'");
            };
            EvaluationResult result = evaluator.evaluate(data, objective, example -> {
                if (html != null) {
                    html.offer(example);
                }
            });
            if (html != null) {
                Path index = html.write(result, modelDir, model.card().name() + " on " + dataset.getFileName());
                stderr().println("report: " + index.toAbsolutePath());
            }
            return result;
        }
    }

    /** Scalars one per line, then nested sections indented (per-class tables). */
    static String text(Map<String, Object> figures) {
        StringBuilder sb = new StringBuilder();
        append(sb, figures, "");
        return sb.toString();
    }

    private static void append(StringBuilder sb, Map<?, ?> map, String indent) {
        map.forEach((k, v) -> {
            if (v instanceof Map<?, ?> nested) {
                sb.append(indent).append(k).append(':').append(System.lineSeparator());
                append(sb, nested, indent + "  ");
            } else {
                sb.append(String.format(java.util.Locale.ROOT, "%s%-" + Math.max(1, 26 - indent.length()) + "s %s%n", indent, k,
                        v instanceof Double d ? String.format(java.util.Locale.ROOT, "%.4f", d) : v));
            }
        });
    }
}
