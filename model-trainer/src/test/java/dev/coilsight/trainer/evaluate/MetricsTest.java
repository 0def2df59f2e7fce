package dev.coilsight.trainer.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Segmentation and classification figures against cases computed by hand. */
class MetricsTest {

    private static boolean[] mask(String bits) {
        boolean[] m = new boolean[bits.length()];
        for (int i = 0; i < bits.length(); i++) {
            m[i] = bits.charAt(i) == '1';
        }
        return m;
    }

    /** A curve with one series: the scores of its positive images and those of its negative ones. */
    private static PrCurve curve(String name, double[] positives, double[] negatives) {
        PrCurve curve = new PrCurve();
        for (double score : positives) {
            curve.add(name, score, true);
        }
        for (double score : negatives) {
            curve.add(name, score, false);
        }
        return curve;
    }

    @Test
    void kaggleDiceAndIouOverImagesAndClasses() {
        SegmentationScore score = new SegmentationScore(List.of("a", "b"));
        // image 1: class a predicted 1100 vs truth 1000 -> dice 2*1/(2+1) = 2/3; class b both empty -> 1
        score.add(new boolean[][] {mask("1100"), mask("0000")}, new boolean[][] {mask("1000"), mask("0000")});
        // image 2: class a empty vs empty -> 1; class b predicted 0011 vs truth 0001 -> 2/3... then a miss
        score.add(new boolean[][] {mask("0000"), mask("0011")}, new boolean[][] {mask("0000"), mask("0110")});
        // class b image 2: intersection 1 (pixel 2), predicted 2, truth 2 -> dice 0.5
        assertThat(score.meanDice()).isCloseTo((2.0 / 3 + 1 + 1 + 0.5) / 4, within(1e-12));
        assertThat(score.classDice(0)).isCloseTo((2.0 / 3 + 1) / 2, within(1e-12));
        // IoU over all pixels: a: inter 1, union 2 -> 0.5; b: inter 1, union 3 -> 1/3
        assertThat(score.classIou(0)).isCloseTo(0.5, within(1e-12));
        assertThat(score.classIou(1)).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(score.meanIou()).isCloseTo((0.5 + 1.0 / 3) / 2, within(1e-12));
    }

    @Test
    void backgroundCountsAsAClassInTheMeanIouWithBackgroundAndPixelAccuracyNeedsTheExactClasses() {
        SegmentationScore score = new SegmentationScore(List.of("a", "b"));
        // pixels:           0     1     2     3
        // predicted a/b:   a     a     -     b
        // true a/b:        a     -     -     a
        score.add(new boolean[][] {mask("1100"), mask("0001")}, new boolean[][] {mask("1001"), mask("0000")});
        // background: predicted at {2}, true at {1, 2}: intersection 1, union 2
        assertThat(score.backgroundIou()).isCloseTo(0.5, within(1e-12));
        // a: inter 1 ({0}), union 3 ({0,1,3}); b: inter 0, union 1
        assertThat(score.meanIou()).isCloseTo((1.0 / 3 + 0) / 2, within(1e-12));
        assertThat(score.meanIouWithBackground()).isCloseTo((1.0 / 3 + 0 + 0.5) / 3, within(1e-12));
        // right: pixel 0 (a = a) and pixel 2 (none = none)
        assertThat(score.pixelAccuracy()).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void rocAucIsTheChanceAPositiveOutscoresANegativeWithTiesHalf() {
        // positives 0.9, 0.6, 0.4; negatives 0.6, 0.3: pairs won 2 + 1.5 (tie) + 1 + 1 + 0 ... of 6
        PrCurve curve = curve("d", new double[] {0.9, 0.6, 0.4}, new double[] {0.6, 0.3});
        // 0.9 beats both (2), 0.6 ties one and beats one (1.5), 0.4 beats one (1): 4.5 / 6
        assertThat(curve.rocAuc("d")).isCloseTo(0.75, within(1e-12));
        curve.add("e", 0.5, true);
        assertThat(curve.rocAuc("e")).isNaN();
    }

    @Test
    void theBestF1ThresholdLiesBetweenTheLowestScoreItCallsPositiveAndTheNextOne() {
        PrCurve curve = curve("d", new double[] {0.95, 0.80, 0.60}, new double[] {0.70, 0.20, 0.10});
        // above 0.65: 2 TP, 0 FP, 1 FN -> 0.8; above 0.4: 3 TP, 1 FP -> 6/7 = 0.857 (best); above 0.15: 3 TP, 2 FP -> 0.75
        PrCurve.Threshold best = curve.bestF1Threshold("d").orElseThrow();
        assertThat(best.threshold()).isCloseTo(0.40, within(1e-12));
        assertThat(best.f1()).isCloseTo(6.0 / 7, within(1e-12));
        assertThat(new PrCurve().bestF1Threshold("d")).isEmpty();
    }

    @Test
    void aClassAbsentEverywhereHasIouOne() {
        SegmentationScore score = new SegmentationScore(List.of("a"));
        score.add(new boolean[][] {mask("00")}, new boolean[][] {mask("00")});
        assertThat(score.classIou(0)).isEqualTo(1.0);
        assertThat(score.meanDice()).isEqualTo(1.0);
    }

    @Test
    void precisionRecallF1AccuracyAndTheDefectFreeClass() {
        BinaryScore s = new BinaryScore();
        // 3 TP, 1 FP, 2 FN, 4 TN
        for (int i = 0; i < 3; i++) {
            s.add(true, true);
        }
        s.add(true, false);
        s.add(false, true);
        s.add(false, true);
        for (int i = 0; i < 4; i++) {
            s.add(false, false);
        }
        assertThat(s.accuracy()).isCloseTo(0.7, within(1e-12));
        assertThat(s.precision()).isCloseTo(0.75, within(1e-12));
        assertThat(s.recall()).isCloseTo(0.6, within(1e-12));
        assertThat(s.f1()).isCloseTo(2 * 0.75 * 0.6 / 1.35, within(1e-12));
        assertThat(s.negativePrecision()).isCloseTo(4.0 / 6, within(1e-12));
        assertThat(s.negativeRecall()).isCloseTo(0.8, within(1e-12));
        assertThat(s.toMap()).containsKeys("accuracy", "precision", "recall", "f1", "perClass", "confusionMatrix");
    }

    @Test
    void whenCallingEverythingPositiveWinsTheThresholdTakesALowestScoreOfZeroToo() {
        PrCurve curve = new PrCurve();
        curve.add("val", 0.0, true);
        curve.add("val", 0.9, true);
        curve.add("val", 0.5, false);

        PrCurve.Threshold best = curve.bestF1Threshold("val").orElseThrow();

        assertThat(best.f1()).isCloseTo(0.8, within(1e-12));
        assertThat(0.0 > best.threshold()).as("the image scored 0 is called positive, as the F1 counts it").isTrue();
    }

    @Test
    void theSweepKeepsExactlyThePixelsTheWorkersKeepAtEachThreshold() {
        // Just above 0.5: the workers keep it at threshold 0.5 (p > t), so the sweep must score it as kept.
        ThresholdSweep sweep = new ThresholdSweep(1);
        sweep.add(1, 3, new float[] {0.502f, 0.9f, 0.1f}, new boolean[][] {{true, false, false}});

        assertThat(sweep.choose(ThresholdSweep.Objective.DICE).get(0).valueAtDefaults()).isCloseTo(2.0 / 3, within(1e-12));
    }

    @Test
    void sweepFindsTheThresholdAndAreaThatRemoveNoise() {
        ThresholdSweep sweep = new ThresholdSweep(1);
        int h = 20;
        int w = 20;
        float[] p = new float[h * w];
        boolean[] truth = new boolean[h * w];
        // A real 6x6 defect at probability 0.9 and a 2x2 speck of noise at 0.9 elsewhere.
        for (int r = 2; r < 8; r++) {
            for (int c = 2; c < 8; c++) {
                p[r * w + c] = 0.9f;
                truth[r * w + c] = true;
            }
        }
        for (int r = 15; r < 17; r++) {
            for (int c = 15; c < 17; c++) {
                p[r * w + c] = 0.9f;
            }
        }
        // A faint 40-pixel halo at 0.45 over nothing: too big for a minimum area to remove, only the threshold can.
        for (int c = 0; c < w; c++) {
            p[12 * w + c] = 0.45f;
            p[13 * w + c] = 0.45f;
        }
        sweep.add(h, w, p, new boolean[][] {truth});
        ThresholdSweep.Choice dice = sweep.choose(ThresholdSweep.Objective.DICE).get(0);
        assertThat(dice.value()).isCloseTo(1.0, within(1e-12));
        assertThat(dice.minArea()).isGreaterThan(4).isLessThanOrEqualTo(36);
        assertThat(dice.threshold()).isGreaterThanOrEqualTo(0.45);
        // At 0.5 / 0 the halo is gone but the speck counts: 2*36 / (40 + 36).
        assertThat(dice.valueAtDefaults()).isCloseTo(72.0 / 76, within(1e-12));
        ThresholdSweep.Choice iou = sweep.choose(ThresholdSweep.Objective.IOU).get(0);
        assertThat(iou.value()).isCloseTo(1.0, within(1e-12));
        assertThat(iou.valueAtDefaults()).isCloseTo(36.0 / 40, within(1e-12));
    }

    @Test
    void precisionRecallCurveFromScores() {
        PrCurve curve = curve("x", new double[] {0.9, 0.7}, new double[] {0.8, 0.1});
        double[][] pts = curve.points("x");
        assertThat(pts[0]).containsExactly(0.5, 0.5, 1.0, 1.0);
        assertThat(pts[1][0]).isEqualTo(1.0);
        assertThat(pts[1][1]).isEqualTo(0.5);
        assertThat(pts[1][2]).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(pts[1][3]).isEqualTo(0.5);
        assertThat(curve.points("unknown")[0]).isEmpty();
    }
}
