package dev.coilsight.trainer.evaluate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.coilsight.core.model.ClassifierDecision;
import dev.coilsight.core.model.ModelCard;

/** The figures of one evaluation run, as the JSON object {@code evaluate --json} prints. */
public final class EvaluationResult {

    private final Map<String, Object> figures;
    private final PrCurve prCurve;
    private final List<ThresholdSweep.Choice> sweep;

    private EvaluationResult(Map<String, Object> figures, PrCurve prCurve, List<ThresholdSweep.Choice> sweep) {
        this.figures = figures;
        this.prCurve = prCurve;
        this.sweep = sweep;
    }

    public Map<String, Object> figures() {
        return figures;
    }

    public PrCurve prCurve() {
        return prCurve;
    }

    /** Per-class post-processing chosen by the sweep (empty when no sweep ran). */
    public List<ThresholdSweep.Choice> sweep() {
        return sweep;
    }

    public double number(String key) {
        return ((Number) figures.get(key)).doubleValue();
    }

    static final class Builder {
        private final ModelCard card;
        private final PrCurve prCurve = new PrCurve();
        private SegmentationScore segmentation;
        private final List<BinaryScore> presence = new ArrayList<>();
        private double predictAllDiceSum;
        private long pairs;
        private long emptyPairs;
        private BinaryScore classification;
        private long images;
        private double imagesPerSecond;
        private Double gflopPerImage;
        private double inferenceImagesPerSecond;
        private List<ThresholdSweep.Choice> sweep = List.of();
        private ThresholdSweep.Objective objective;

        Builder(ModelCard card) {
            this.card = card;
            if (card.segmentation()) {
                segmentation = new SegmentationScore(card.classes().stream().map(ModelCard.ClassSpec::name).toList());
                card.classes().forEach(c -> presence.add(new BinaryScore()));
            } else {
                classification = new BinaryScore();
            }
        }

        void addSegmentation(boolean[][] predicted, boolean[][] truth, double[] presenceScore) {
            segmentation.add(predicted, truth);
            for (int k = 0; k < truth.length; k++) {
                long t = 0;
                boolean any = false;
                for (boolean b : truth[k]) {
                    if (b) {
                        t++;
                    }
                }
                for (boolean b : predicted[k]) {
                    any |= b;
                }
                presence.get(k).add(any, t > 0);
                prCurve.add(card.classes().get(k).name(), presenceScore[k], t > 0);
                pairs++;
                if (t == 0) {
                    emptyPairs++;
                } else {
                    predictAllDiceSum += 2.0 * t / (truth[k].length + t);
                }
            }
            images++;
        }

        void addClassification(String imageId, double probability, boolean defective) {
            classification.add(new ClassifierDecision(card).defective(probability), defective);
            prCurve.add("defective", probability, defective);
            images++;
        }

        /** Mean GFLOP per image of the model as the workers run it (for a card that records its architecture). */
        void arithmetic(double gflopPerImage) {
            this.gflopPerImage = gflopPerImage;
        }

        void throughput(double endToEnd, double inference) {
            imagesPerSecond = endToEnd;
            inferenceImagesPerSecond = inference;
        }

        void sweep(List<ThresholdSweep.Choice> choices, ThresholdSweep.Objective objective) {
            this.objective = objective;
            sweep = choices;
        }

        EvaluationResult build() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("model", card.name());
            f.put("version", card.version());
            f.put("task", card.task());
            f.put("images", images);
            if (!card.flips().none()) {
                f.put("testTimeFlips", card.flips().labels());
            }
            if (segmentation != null) {
                f.put("meanDice", segmentation.meanDice());
                f.put("mIoU", segmentation.meanIou());
                f.put("mIoUWithBackground", segmentation.meanIouWithBackground());
                f.put("backgroundIoU", segmentation.backgroundIou());
                f.put("pixelAccuracy", segmentation.pixelAccuracy());
                Map<String, Object> perClass = new LinkedHashMap<>();
                Map<String, Map<String, Object>> seg = segmentation.perClass();
                for (int k = 0; k < card.classes().size(); k++) {
                    ModelCard.ClassSpec spec = card.classes().get(k);
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("classId", spec.id());
                    m.putAll(seg.get(spec.name()));
                    BinaryScore p = presence.get(k);
                    m.put("precision", p.precision());
                    m.put("recall", p.recall());
                    m.put("f1", p.f1());
                    m.put("support", ((Map<?, ?>) ((Map<?, ?>) p.toMap().get("perClass")).get("defective")).get("support"));
                    m.put("threshold", spec.threshold());
                    m.put("minArea", spec.minArea());
                    perClass.put(spec.name(), m);
                }
                f.put("perClass", perClass);
                Map<String, Object> baselines = new LinkedHashMap<>();
                baselines.put("predictNothingMeanDice", pairs == 0 ? 0 : (double) emptyPairs / pairs);
                baselines.put("predictEverythingMeanDice", pairs == 0 ? 0 : predictAllDiceSum / pairs);
                f.put("baselines", baselines);
            } else {
                f.putAll(classification.toMap());
                double auc = prCurve.rocAuc("defective");
                f.put("rocAuc", Double.isNaN(auc) ? null : auc);
                Map<?, ?> confusion = (Map<?, ?>) classification.toMap().get("confusionMatrix");
                long pos = ((Number) confusion.get("truePositives")).longValue() + ((Number) confusion.get("falseNegatives")).longValue();
                long total = classification.total();
                Map<String, Object> baselines = new LinkedHashMap<>();
                baselines.put("allDefective", Map.of("accuracy", total == 0 ? 0.0 : (double) pos / total,
                        "f1", pos == 0 ? 0.0 : 2.0 * pos / (pos + total)));
                baselines.put("noneDefective", Map.of("accuracy", total == 0 ? 0.0 : (double) (total - pos) / total, "f1", 0.0));
                f.put("baselines", baselines);
                f.put("decision", card.decision().windowed()
                        ? "defective when any " + card.decision().windowHeight() + "x" + card.decision().windowWidth() + " window has p > " + card.decision().threshold()
                        : "whole image p > " + card.decision().threshold());
            }
            if (gflopPerImage != null) {
                f.put("gflopPerImage", gflopPerImage);
            }
            f.put("imagesPerSecond", imagesPerSecond);
            f.put("inferenceImagesPerSecond", inferenceImagesPerSecond);
            if (!sweep.isEmpty()) {
                Map<String, Object> s = new LinkedHashMap<>();
                for (int k = 0; k < sweep.size(); k++) {
                    ThresholdSweep.Choice c = sweep.get(k);
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("threshold", c.threshold());
                    m.put("minArea", c.minArea());
                    m.put("objective", c.value());
                    m.put("objectiveAtDefaults", c.valueAtDefaults());
                    s.put(card.classes().get(k).name(), m);
                }
                s.put("objective", objective.name().toLowerCase());
                f.put("sweep", s);
            }
            return new EvaluationResult(f, prCurve, sweep);
        }
    }
}
