package dev.coilsight.trainer.explore;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BoxChart;
import org.knowm.xchart.BoxChartBuilder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.Histogram;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/** Renders the report's charts with XChart and writes them as PNG files of a fixed size. */
final class Charts {

    static final int WIDTH = 900;
    static final int HEIGHT = 500;

    private final Path dir;
    private final List<String> written = new ArrayList<>();

    Charts(Path dir) {
        this.dir = dir;
    }

    List<String> written() {
        return written;
    }

    void imagesPerClass(DatasetStatistics stats) throws IOException {
        List<String> labels = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        stats.classes.forEach((id, f) -> {
            labels.add(stats.classNames.get(id));
            counts.add(f.images);
        });
        labels.add("defect-free");
        counts.add(stats.defectFreeImages);
        CategoryChart chart = bar("Images per defect class", "class", "images");
        chart.addSeries("images", labels, counts);
        save(chart, "images-per-class.png");
    }

    void defectsPerImage(DatasetStatistics stats) throws IOException {
        CategoryChart chart = bar("Defect classes per image", "classes present", "images");
        List<Long> counts = new ArrayList<>();
        for (long c : stats.defectsPerImage) {
            counts.add(c);
        }
        chart.addSeries("images", List.of("0", "1", "2", "3+"), counts);
        save(chart, "defects-per-image.png");
    }

    void cooccurrence(DatasetStatistics stats) throws IOException {
        List<String> names = stats.classes.keySet().stream().map(stats.classNames::get).toList();
        List<Integer> ids = new ArrayList<>(stats.classes.keySet());
        List<Number[]> cells = new ArrayList<>();
        for (int x = 0; x < ids.size(); x++) {
            for (int y = 0; y < ids.size(); y++) {
                long n = stats.cooccurrence.getOrDefault(ids.get(x), new java.util.TreeMap<>()).getOrDefault(ids.get(y), 0L);
                cells.add(new Number[] {x, y, n});
            }
        }
        HeatMapChart chart = new HeatMapChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Class co-occurrence (images with both classes)").xAxisTitle("class").yAxisTitle("class").build();
        chart.getStyler().setPlotContentSize(1);
        chart.getStyler().setShowValue(true);
        chart.getStyler().setHeatMapValueDecimalPattern("0");
        chart.getStyler().setRangeColors(new Color[] {new Color(247, 251, 255), new Color(107, 174, 214), new Color(8, 81, 156)});
        chart.addSeries("images", names, names, cells);
        save(chart, "class-cooccurrence.png");
    }

    void maskAreas(DatasetStatistics stats) throws IOException {
        BoxChart box = new BoxChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Mask area per class (pixels)").xAxisTitle("class").yAxisTitle("pixels").build();
        stats.classes.forEach((id, f) -> {
            if (!f.areaPixels.isEmpty()) {
                box.addSeries(stats.classNames.get(id), f.areaPixels);
            }
        });
        if (!box.getSeriesMap().isEmpty()) {
            save(box, "mask-area-pixels.png");
        }
        CategoryChart histogram = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Mask area as a fraction of the image").xAxisTitle("area fraction (%)").yAxisTitle("masks").build();
        histogram.getStyler().setOverlapped(true);
        histogram.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        histogram.getStyler().setXAxisDecimalPattern("0.0");
        double max = stats.classes.values().stream().flatMap(f -> f.areaFractions.stream())
                .mapToDouble(v -> v * 100).max().orElse(1);
        stats.classes.forEach((id, f) -> {
            if (!f.areaFractions.isEmpty()) {
                Histogram h = new Histogram(f.areaFractions.stream().map(v -> v * 100).toList(), 20, 0, Math.max(max, 1e-6));
                histogram.addSeries(stats.classNames.get(id), h.getxAxisData(), h.getyAxisData())
                        .setFillColor(withAlpha(Gallery.colour(id), 170));
            }
        });
        if (!histogram.getSeriesMap().isEmpty()) {
            save(histogram, "mask-area-fraction.png");
        }
    }

    void components(DatasetStatistics stats) throws IOException {
        CategoryChart chart = bar("Connected components per mask", "components (8-connected)", "masks");
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        List<String> buckets = List.of("1", "2", "3", "4", "5", "6-10", "11+");
        stats.classes.forEach((id, f) -> {
            if (f.components.isEmpty()) {
                return;
            }
            long[] counts = new long[buckets.size()];
            for (int n : f.components) {
                counts[n <= 5 ? Math.max(0, n - 1) : n <= 10 ? 5 : 6]++;
            }
            List<Long> values = new ArrayList<>();
            for (long c : counts) {
                values.add(c);
            }
            chart.addSeries(stats.classNames.get(id), buckets, values).setFillColor(Gallery.colour(id));
        });
        if (!chart.getSeriesMap().isEmpty()) {
            save(chart, "components-per-mask.png");
        }
    }

    void locations(DatasetStatistics stats) throws IOException {
        for (var entry : stats.classes.entrySet()) {
            DatasetStatistics.ClassFigures f = entry.getValue();
            if (f.density == null || f.images == 0) {
                continue;
            }
            int rows = f.density.length;
            int cols = f.density[0].length;
            List<Number[]> cells = new ArrayList<>(rows * cols);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    // Mean share of the cell covered, over the class's masks; rows flipped so the top is up.
                    cells.add(new Number[] {c, rows - 1 - r, f.density[r][c] / f.images});
                }
            }
            List<Integer> xs = new ArrayList<>();
            for (int c = 0; c < cols; c++) {
                xs.add(c);
            }
            List<Integer> ys = new ArrayList<>();
            for (int r = 0; r < rows; r++) {
                ys.add(r);
            }
            HeatMapChart chart = new HeatMapChartBuilder().width(WIDTH).height(HEIGHT)
                    .title("Where " + stats.classNames.get(entry.getKey()) + " lies (mean mask coverage, top of image at top)")
                    .xAxisTitle("image column (1/" + cols + " of width)").yAxisTitle("image row (1/" + rows + " of height)").build();
            chart.getStyler().setPlotContentSize(1);
            chart.getStyler().setShowValue(false);
            chart.getStyler().setHeatMapValueDecimalPattern("0.000");
            chart.getStyler().setXAxisTicksVisible(false);
            chart.getStyler().setYAxisTicksVisible(false);
            chart.getStyler().setRangeColors(new Color[] {new Color(250, 250, 250), new Color(255, 200, 0), new Color(200, 0, 0)});
            chart.addSeries("coverage", xs, ys, cells);
            save(chart, "location-class-" + entry.getKey() + ".png");
        }
    }

    void brightnessAndContrast(DatasetStatistics stats) throws IOException {
        for (String measure : List.of("brightness", "contrast")) {
            BoxChart box = new BoxChartBuilder().width(WIDTH).height(HEIGHT)
                    .title("Image " + measure + " by class (" + (measure.equals("brightness") ? "mean gray level" : "std. dev. of gray levels") + ")")
                    .xAxisTitle("images with").yAxisTitle("gray level (0-255)").build();
            stats.classes.forEach((id, f) -> {
                List<Double> values = measure.equals("brightness") ? f.brightness : f.contrast;
                if (!values.isEmpty()) {
                    box.addSeries(stats.classNames.get(id), values);
                }
            });
            List<Double> free = measure.equals("brightness") ? stats.defectFreeBrightness : stats.defectFreeContrast;
            if (!free.isEmpty()) {
                box.addSeries("defect-free", free);
            }
            if (!box.getSeriesMap().isEmpty()) {
                save(box, measure + ".png");
            }
        }
    }

    /** Same colour per class as the gallery overlays, so a reader matches them at a glance. */
    private static Color withAlpha(Color c, int alpha) {
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), alpha);
    }

    private static CategoryChart bar(String title, String x, String y) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(x).yAxisTitle(y).build();
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setLabelsVisible(true);
        return chart;
    }

    private void save(Chart<?, ?> chart, String fileName) throws IOException {
        BitmapEncoder.saveBitmap(chart, dir.resolve(fileName).toString(), BitmapEncoder.BitmapFormat.PNG);
        written.add(fileName);
    }

}
