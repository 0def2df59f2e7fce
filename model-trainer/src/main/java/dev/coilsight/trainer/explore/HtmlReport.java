package dev.coilsight.trainer.explore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The report page: summary table, every chart and gallery, and the problems found, in one static HTML file. */
final class HtmlReport {

    private static final Map<String, String> CAPTIONS = Map.ofEntries(
            Map.entry("images-per-class.png", "Images per defect class, and images without any defect."),
            Map.entry("defects-per-image.png", "How many defect classes each image shows."),
            Map.entry("class-cooccurrence.png", "Images showing both classes (the diagonal is the class's own count)."),
            Map.entry("mask-area-pixels.png", "Distribution of mask area per class, in pixels (one mask per image and class)."),
            Map.entry("mask-area-fraction.png", "Distribution of mask area as a percentage of the image."),
            Map.entry("components-per-mask.png", "Number of separate (8-connected) defects in each mask."),
            Map.entry("brightness.png", "Mean gray level of the images showing each class, and of defect-free images."),
            Map.entry("contrast.png", "Standard deviation of gray levels (contrast) of the same groups."));

    private HtmlReport() {
    }

    static void write(Path file, ExplorationSummary summary) throws IOException {
        StringBuilder html = new StringBuilder();
        html.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Coilsight dataset report: ")
                .append(escape(summary.dataset())).append("</title>\n<style>")
                .append("body{font-family:sans-serif;margin:2em;max-width:960px}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}th{background:#f3f3f3}")
                .append("td:first-child,th:first-child{text-align:left}figure{margin:1.5em 0}img{max-width:100%;border:1px solid #ddd}")
                .append("</style></head><body>\n");
        html.append("<h1>Dataset report</h1>\n<p><code>").append(escape(summary.dataset())).append("</code> (")
                .append(summary.layout()).append(" layout): ").append(summary.images()).append(" images, ")
                .append(summary.imagesRead()).append(" read, ").append(summary.defectFreeImages()).append(" defect-free.</p>\n");
        html.append("<table><tr><th>class</th><th>name</th><th>images</th><th>mask pixels</th><th>mean area</th><th>components</th></tr>\n");
        summary.imagesPerClass().forEach((id, n) -> html.append("<tr><td>").append(id).append("</td><td>")
                .append(escape(summary.classNames().get(id))).append("</td><td>").append(n).append("</td><td>")
                .append(summary.pixelsPerClass().get(id)).append("</td><td>")
                .append(String.format("%.3f %%", 100 * summary.meanAreaFractionPerClass().get(id))).append("</td><td>")
                .append(summary.componentsPerClass().get(id)).append("</td></tr>\n"));
        html.append("</table>\n<p>Defect classes per image: ");
        summary.defectsPerImage().forEach((k, v) -> html.append(k).append(": ").append(v).append("; "));
        html.append("</p>\n<h2>Charts</h2>\n");
        for (String chart : summary.charts()) {
            html.append("<figure><img src=\"").append(chart).append("\" alt=\"").append(chart).append("\"><figcaption>")
                    .append(escape(caption(chart))).append("</figcaption></figure>\n");
        }
        problems(html, "Unreadable images", summary.unreadableImages());
        problems(html, "Invalid labels", summary.invalidLabels());
        html.append("<p><small>Written by <code>./coilsight explore</code>; numbers also in <code>summary.json</code>.</small></p>\n");
        html.append("</body></html>\n");
        Files.writeString(file, html.toString(), StandardCharsets.UTF_8);
    }

    private static String caption(String chart) {
        if (chart.startsWith("location-class-")) {
            return "Where defects of class " + chart.replaceAll("\\D", "") + " lie: mean share of each cell covered by the mask.";
        }
        if (chart.startsWith("gallery-class-")) {
            return "Examples of class " + chart.replaceAll("\\D", "") + " with ground-truth masks in per-class colours.";
        }
        return CAPTIONS.getOrDefault(chart, chart);
    }

    private static void problems(StringBuilder html, String title, List<String> items) {
        html.append("<h2>").append(title).append(" (").append(items.size()).append(")</h2>\n");
        if (items.isEmpty()) {
            html.append("<p>None.</p>\n");
            return;
        }
        html.append("<ul>\n");
        items.forEach(item -> html.append("<li><code>").append(escape(item)).append("</code></li>\n"));
        html.append("</ul>\n");
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
