package dev.coilsight.trainer.evaluate;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.coilsight.core.image.DecodedImage;
import dev.coilsight.trainer.explore.Gallery;

/**
 * The HTML evaluation report: summary and per-class tables, precision-recall curve, the model's
 * learning curve (when its directory has one) and overlays of prediction vs ground truth.
 */
public final class EvaluationReport {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;
    private final int maxExamples;
    private final List<String> overlays = new ArrayList<>();

    public EvaluationReport(Path dir, int maxExamples) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.maxExamples = maxExamples;
    }

    /** Keeps the first examples that show a defect (in truth or prediction), then a defect-free one. */
    public void offer(Evaluator.Example example) {
        if (overlays.size() >= maxExamples || (example.truth().isEmpty() && example.predicted().isEmpty() && overlays.size() < maxExamples - 1)) {
            return;
        }
        try {
            DecodedImage gray = gray(example.image());
            BufferedImage truth = Gallery.render(example.imageId() + "  ground truth", gray, example.truth());
            BufferedImage predicted = Gallery.render(example.imageId() + "  prediction", gray, example.predicted());
            BufferedImage sheet = new BufferedImage(truth.getWidth(), truth.getHeight() + predicted.getHeight(), BufferedImage.TYPE_INT_RGB);
            Graphics2D g = sheet.createGraphics();
            g.drawImage(truth, 0, 0, null);
            g.drawImage(predicted, 0, truth.getHeight(), null);
            g.dispose();
            String name = "overlay-" + example.imageId().replaceAll("[^A-Za-z0-9_.-]", "_") + ".png";
            ImageIO.write(sheet, "png", dir.resolve(name).toFile());
            overlays.add(name);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write an overlay into " + dir, e);
        }
    }

    public Path write(EvaluationResult result, Path modelDir, String title) throws IOException {
        JSON.writeValue(dir.resolve("evaluation.json").toFile(), result.figures());
        boolean pr = result.prCurve().write(dir.resolve("precision-recall.png"), "Precision-recall (" + title + ")");
        boolean curve = false;
        if (Files.exists(modelDir.resolve("learning-curve.png"))) {
            Files.copy(modelDir.resolve("learning-curve.png"), dir.resolve("learning-curve.png"), StandardCopyOption.REPLACE_EXISTING);
            curve = true;
        }
        StringBuilder html = new StringBuilder();
        html.append("<!doctype html><html><head><meta charset=\"utf-8\"><title>Evaluation: ").append(esc(title)).append("</title>")
                .append("<style>body{font-family:sans-serif;margin:2em;max-width:1000px}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f3f3f3}td:first-child{text-align:left}</style>")
                .append("</head><body><h1>Evaluation: ").append(esc(title)).append("</h1>");
        html.append("<h2>Summary</h2><table>");
        for (var e : result.figures().entrySet()) {
            if (!(e.getValue() instanceof Map)) {
                html.append("<tr><td>").append(esc(e.getKey())).append("</td><td>").append(esc(format(e.getValue()))).append("</td></tr>");
            }
        }
        html.append("</table>");
        for (var e : result.figures().entrySet()) {
            if (e.getValue() instanceof Map<?, ?> m) {
                html.append("<h2>").append(esc(e.getKey())).append("</h2>").append(table(m));
            }
        }
        if (pr) {
            html.append("<h2>Precision-recall</h2><img src=\"precision-recall.png\" alt=\"precision-recall curve\">");
        }
        if (curve) {
            html.append("<h2>Learning curve</h2><img src=\"learning-curve.png\" alt=\"learning curve\">");
        }
        if (!overlays.isEmpty()) {
            html.append("<h2>Prediction vs ground truth</h2>");
            for (String o : overlays) {
                html.append("<p><img src=\"").append(o).append("\" alt=\"").append(esc(o)).append("\"></p>");
            }
        }
        html.append("</body></html>\n");
        Path index = dir.resolve("index.html");
        Files.writeString(index, html);
        return index;
    }

    /** BT.601 luminance of an RGB image (gray images pass through). */
    private static DecodedImage gray(DecodedImage image) {
        if (image.channels() == 1) {
            return image;
        }
        byte[] px = image.pixels();
        byte[] out = new byte[image.width() * image.height()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Math.round(0.299 * (px[3 * i] & 0xff) + 0.587 * (px[3 * i + 1] & 0xff) + 0.114 * (px[3 * i + 2] & 0xff));
        }
        return new DecodedImage(image.width(), image.height(), 1, out);
    }

    private static String table(Map<?, ?> map) {
        StringBuilder sb = new StringBuilder("<table>");
        boolean nested = map.values().stream().allMatch(v -> v instanceof Map);
        if (nested && !map.isEmpty()) {
            List<Object> columns = new ArrayList<>(((Map<?, ?>) map.values().iterator().next()).keySet());
            sb.append("<tr><th></th>");
            columns.forEach(c -> sb.append("<th>").append(esc(String.valueOf(c))).append("</th>"));
            sb.append("</tr>");
            for (var row : map.entrySet()) {
                sb.append("<tr><td>").append(esc(String.valueOf(row.getKey()))).append("</td>");
                Map<?, ?> values = (Map<?, ?>) row.getValue();
                columns.forEach(c -> sb.append("<td>").append(esc(format(values.get(c)))).append("</td>"));
                sb.append("</tr>");
            }
        } else {
            for (var row : map.entrySet()) {
                sb.append("<tr><td>").append(esc(String.valueOf(row.getKey()))).append("</td><td>").append(esc(format(row.getValue())))
                        .append("</td></tr>");
            }
        }
        return sb.append("</table>").toString();
    }

    private static String format(Object v) {
        if (v instanceof Double d) {
            return String.format(Locale.ROOT, "%.4f", d);
        }
        return String.valueOf(v);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
