package dev.coilsight.trainer.evaluate;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/** Precision-recall curves of scored yes/no decisions, one series per name. */
public final class PrCurve {

    private record Scored(double score, boolean actual) {
    }

    private final Map<String, List<Scored>> series = new LinkedHashMap<>();

    public void add(String name, double score, boolean actual) {
        series.computeIfAbsent(name, n -> new ArrayList<>()).add(new Scored(score, actual));
    }

    /**
     * Area under the ROC curve of one series: the chance that a random positive scores above a random negative,
     * ties counting half (the Mann-Whitney statistic); NaN without a positive or a negative.
     */
    public double rocAuc(String name) {
        List<Scored> sorted = new ArrayList<>(series.getOrDefault(name, List.of()));
        sorted.sort(Comparator.comparingDouble(Scored::score));
        long positives = sorted.stream().filter(Scored::actual).count();
        long negatives = sorted.size() - positives;
        if (positives == 0 || negatives == 0) {
            return Double.NaN;
        }
        double rankSum = 0;
        for (int i = 0; i < sorted.size(); ) {
            int j = i;
            while (j < sorted.size() && sorted.get(j).score() == sorted.get(i).score()) {
                j++;
            }
            double midRank = (i + 1 + j) / 2.0; // ranks i+1..j share their mean
            for (int k = i; k < j; k++) {
                if (sorted.get(k).actual()) {
                    rankSum += midRank;
                }
            }
            i = j;
        }
        return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
    }

    /** A decision threshold ("positive when the score is above it") and the F1 it gives on the series. */
    public record Threshold(double threshold, double f1) {
    }

    /**
     * The threshold with the best F1 on one series, halfway between the lowest score it calls positive and the next
     * lower score (a tie in F1 goes to the higher threshold); empty without a positive.
     */
    public java.util.Optional<Threshold> bestF1Threshold(String name) {
        List<Scored> scored = series.getOrDefault(name, List.of());
        long positives = scored.stream().filter(Scored::actual).count();
        if (positives == 0) {
            return java.util.Optional.empty();
        }
        Threshold best = null;
        for (OperatingPoint p : operatingPoints(scored)) {
            double f1 = 2.0 * p.tp() / (2.0 * p.tp() + p.fp() + (positives - p.tp()));
            if (best == null || f1 > best.f1()) {
                best = new Threshold((p.score() + p.nextScore()) / 2, f1);
            }
        }
        return java.util.Optional.of(best);
    }

    /** Calling every score down to {@code score} positive gives {@code tp} and {@code fp}; {@code nextScore} is the next lower (below every score at the end). */
    private record OperatingPoint(long tp, long fp, double score, double nextScore) {
    }

    /** The operating points of a series, from the highest score down, one per distinct score. */
    private static List<OperatingPoint> operatingPoints(List<Scored> scored) {
        List<Scored> sorted = new ArrayList<>(scored);
        sorted.sort(Comparator.comparingDouble(Scored::score).reversed());
        List<OperatingPoint> points = new ArrayList<>();
        long tp = 0;
        long fp = 0;
        for (int i = 0; i < sorted.size(); i++) {
            if (sorted.get(i).actual()) {
                tp++;
            } else {
                fp++;
            }
            boolean last = i == sorted.size() - 1;
            if (last || sorted.get(i + 1).score() != sorted.get(i).score()) {
                double score = sorted.get(i).score();
                // Below the lowest score: 0, or just under a lowest score of 0 or less, which "above it" must still take.
                double next = !last ? sorted.get(i + 1).score() : score > 0 ? 0 : score - 2e-6;
                points.add(new OperatingPoint(tp, fp, score, next));
            }
        }
        return points;
    }

    /** {recalls, precisions} of one series, from the highest score down; empty when it has no positive. */
    public double[][] points(String name) {
        return points(series.getOrDefault(name, List.of()));
    }

    private static double[][] points(List<Scored> scored) {
        long positives = scored.stream().filter(Scored::actual).count();
        if (positives == 0) {
            return new double[2][0];
        }
        List<double[]> pts = operatingPoints(scored).stream()
                .map(p -> new double[] {(double) p.tp() / positives, (double) p.tp() / (p.tp() + p.fp())})
                .toList();
        double[][] xy = new double[2][pts.size()];
        for (int i = 0; i < pts.size(); i++) {
            xy[0][i] = pts.get(i)[0];
            xy[1][i] = pts.get(i)[1];
        }
        return xy;
    }

    public boolean write(Path png, String title) throws IOException {
        XYChart chart = new XYChartBuilder().width(700).height(500).title(title).xAxisTitle("recall").yAxisTitle("precision").build();
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0).setXAxisMin(0.0).setXAxisMax(1.0);
        boolean any = false;
        for (var e : series.entrySet()) {
            double[][] xy = points(e.getValue());
            if (xy[0].length > 0) {
                chart.addSeries(e.getKey(), xy[0], xy[1]);
                any = true;
            }
        }
        if (any) {
            BitmapEncoder.saveBitmap(chart, png.toString().replaceFirst("\\.png$", ""), BitmapEncoder.BitmapFormat.PNG);
        }
        return any;
    }
}
