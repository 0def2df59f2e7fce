package dev.coilsight.trainer.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/**
 * The per-epoch CSV log of a run ({@code training.csv}) and its learning curve
 * ({@code learning-curve.png}). The CSV is appended to, so a resumed run continues it.
 */
public final class TrainingLog {

    public record Row(int epoch, double trainLoss, double validation, String monitor, double seconds, boolean best) {
    }

    private static final String HEADER = "epoch,train_loss,validation_metric,monitor,seconds,best";

    private final Path csv;
    private final Path curve;

    public TrainingLog(Path runDir) {
        this.csv = runDir.resolve("training.csv");
        this.curve = runDir.resolve("learning-curve.png");
    }

    public Path csv() {
        return csv;
    }

    public Path curve() {
        return curve;
    }

    public void append(Row row) {
        try {
            if (!Files.exists(csv)) {
                Files.writeString(csv, HEADER + "\n");
            }
            Files.writeString(csv, String.format(Locale.ROOT, "%d,%.6f,%.6f,%s,%.1f,%s%n", row.epoch(), row.trainLoss(),
                    row.validation(), row.monitor(), row.seconds(), row.best()), StandardOpenOption.APPEND);
            drawCurve();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the training log " + csv, e);
        }
    }

    public List<Row> rows() {
        try {
            if (!Files.exists(csv)) {
                return List.of();
            }
            return Files.readAllLines(csv).stream().skip(1).filter(l -> !l.isBlank()).map(l -> {
                String[] f = l.split(",");
                return new Row(Integer.parseInt(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]), f[3],
                        Double.parseDouble(f[4]), Boolean.parseBoolean(f[5]));
            }).collect(Collectors.toCollection(ArrayList::new));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the training log " + csv, e);
        }
    }

    private void drawCurve() throws IOException {
        List<Row> rows = rows();
        if (rows.isEmpty()) {
            return;
        }
        XYChart chart = new XYChartBuilder().width(900).height(500).title("Learning curve").xAxisTitle("epoch").yAxisTitle("value").build();
        double[] epochs = rows.stream().mapToDouble(Row::epoch).toArray();
        chart.addSeries("train loss", epochs, rows.stream().mapToDouble(Row::trainLoss).toArray());
        chart.addSeries("validation " + rows.get(0).monitor(), epochs, rows.stream().mapToDouble(Row::validation).toArray());
        BitmapEncoder.saveBitmap(chart, curve.toString().replaceFirst("\\.png$", ""), BitmapEncoder.BitmapFormat.PNG);
    }
}
