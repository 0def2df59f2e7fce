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

    /** {recalls, precisions} of one series, from the highest score down; empty when it has no positive. */
    public double[][] points(String name) {
        return points(series.getOrDefault(name, List.of()));
    }

    private static double[][] points(List<Scored> scored) {
        List<Scored> sorted = new ArrayList<>(scored);
        sorted.sort(Comparator.comparingDouble(Scored::score).reversed());
        long positives = sorted.stream().filter(Scored::actual).count();
        if (positives == 0) {
            return new double[2][0];
        }
        List<double[]> pts = new ArrayList<>();
        long tp = 0;
        long fp = 0;
        for (int i = 0; i < sorted.size(); i++) {
            if (sorted.get(i).actual()) {
                tp++;
            } else {
                fp++;
            }
            boolean lastOfScore = i == sorted.size() - 1 || sorted.get(i + 1).score() != sorted.get(i).score();
            if (lastOfScore) {
                pts.add(new double[] {(double) tp / positives, (double) tp / (tp + fp)});
            }
        }
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
