package dev.coilsight.trainer.train;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.coilsight.core.dataset.Datasets;
import dev.coilsight.core.dataset.LabeledDataset;
import dev.coilsight.core.model.LoadedModel;
import dev.coilsight.core.model.ModelCard;
import dev.coilsight.trainer.export.ModelExporter;
import dev.coilsight.trainer.data.Splits;
import dev.coilsight.trainer.evaluate.Evaluator;
import dev.coilsight.trainer.evaluate.ThresholdSweep;

/**
 * k-fold cross-validation ({@code --cross-validate}): fold i's model trains on the other folds minus 20 % (which early
 * stopping watches) and is scored on fold i, which it never saw; a segmenter's post-processing is cross-fitted. Fold 0's
 * model ships with every fold's figures, their mean and the baselines in its card ({@code metrics.crossValidation}).
 */
final class CrossValidation {

    /** Trains one model on {@code ids} into {@code modelDir}, its run files in {@code run}. */
    interface FoldTrainer {
        Trainer.Result train(Splits.Split ids, Path run, Path modelDir, String validationDescription);
    }

    private final Path dataset;
    private final SplitPolicy splits;
    private final int folds;
    private final long seed;
    private final Path runDir;
    private final FoldTrainer trainer;

    CrossValidation(Path dataset, SplitPolicy splits, Path runDir, FoldTrainer trainer) {
        if (splits.folds() == null) {
            throw new IllegalArgumentException("--cross-validate needs --folds K");
        }
        this.dataset = dataset;
        this.splits = splits;
        this.folds = splits.folds();
        this.seed = splits.seed();
        this.runDir = runDir;
        this.trainer = trainer;
    }

    /**
     * Runs every fold; the shipped model (fold 0's) goes to {@code modelDir} only at the end, with its post-processing
     * and the figures of every fold: workers watching {@code modelDir} never take up a fold model still being judged.
     * Prints the summary to {@code out}.
     */
    void run(LabeledDataset data, boolean segmenter, Path modelDir, PrintWriter out) {
        List<Map<String, Object>> perFold = new ArrayList<>();
        List<Path> foldModels = new ArrayList<>();
        List<Trainer.Result> results = new ArrayList<>();
        // Segmenters: each fold model's probabilities on its own held-out images, for cross-fitted tuning below.
        List<ThresholdSweep> heldOutPredictions = new ArrayList<>();
        for (int f = 0; f < folds; f++) {
            Path foldRun = runDir.resolve("fold-" + f);
            Path foldModel = foldRun.resolve("model");
            Splits.Split outer = splits.split(data, f);
            // Early stopping uses an inner split of the training folds, so the held-out fold only ever scores.
            Splits.Split inner = Splits.byFraction(outer.train(), 0.2, seed + f);
            Trainer.Result result = trainer.train(inner, foldRun, foldModel,
                    "fold " + f + " of " + folds + ": early stopping on 20% of the training folds, scored on the held-out fold");
            RunFiles.writeIds(foldRun.resolve(RunFiles.HELD_OUT_IDS), outer.validation());
            foldModels.add(foldModel);
            results.add(result);
            if (segmenter) {
                try (LoadedModel loaded = LoadedModel.load(foldModel)) {
                    ThresholdSweep predictions = new ThresholdSweep(loaded.card().classes().size());
                    new Evaluator(loaded, System.err).evaluate(heldOut(foldRun), null, predictions, e -> { });
                    heldOutPredictions.add(predictions);
                }
            } else {
                perFold.add(scoreHeldOut(foldModel, foldRun, f, result));
            }
        }
        Path shipped = foldModels.get(0);
        if (segmenter) {
            int classes = ModelCard.read(shipped).classes().size();
            for (int f = 0; f < folds; f++) {
                // Cross-fitted: fold f's post-processing is chosen on the other folds' held-out predictions, never on its own.
                List<ThresholdSweep> others = new ArrayList<>(heldOutPredictions);
                others.remove(f);
                writeChoices(foldModels.get(f), ThresholdSweep.combined(classes, others).choose(ThresholdSweep.Objective.DICE));
                perFold.add(scoreHeldOut(foldModels.get(f), runDir.resolve("fold-" + f), f, results.get(f)));
            }
            // The shipped model's post-processing: chosen on every fold's held-out predictions (all images, none seen by its model).
            writeChoices(shipped, ThresholdSweep.combined(classes, heldOutPredictions).choose(ThresholdSweep.Objective.DICE));
        }
        Map<String, Object> cv = summaryOf(perFold, segmenter);
        ModelCard card = ModelCard.read(shipped);
        Map<String, Object> metrics = new LinkedHashMap<>(card.metrics() == null ? Map.of() : card.metrics());
        metrics.put("crossValidation", cv);
        card.withMetrics(metrics).write(shipped);
        ModelExporter.publish(shipped, modelDir);
        RunFiles.copyIfPresent(shipped.resolve("training.csv"), modelDir.resolve("training.csv"));
        RunFiles.copyIfPresent(shipped.resolve("learning-curve.png"), modelDir.resolve("learning-curve.png"));
        out.println("cross-validation over " + folds + " folds: " + summary(cv));
        out.println("model (fold 0): " + modelDir.toAbsolutePath());
        out.flush();
    }

    private LabeledDataset heldOut(Path foldRun) {
        return Datasets.open(dataset, Optional.of(foldRun.resolve(RunFiles.HELD_OUT_IDS)));
    }

    private Map<String, Object> summaryOf(List<Map<String, Object>> perFold, boolean segmenter) {
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
        return cv;
    }

    /** Scores a fold's model on its held-out images with the serving post-processing of its card. */
    private Map<String, Object> scoreHeldOut(Path foldModel, Path foldRun, int fold, Trainer.Result result) {
        try (LoadedModel loaded = LoadedModel.load(foldModel)) {
            Map<String, Object> figures = new LinkedHashMap<>(new Evaluator(loaded, System.err).evaluate(heldOut(foldRun), null, e -> { }).figures());
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
                sb.append(sb.isEmpty() ? "" : ", ").append(key).append(' ').append(String.format(Locale.ROOT, "%.4f", n.doubleValue()));
            }
        }
        if (figures.get("baselines") != null) {
            sb.append("; baselines ").append(figures.get("baselines"));
        }
        return sb.toString();
    }
}
