package dev.coilsight.analytics.http;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import javax.imageio.ImageIO;

import dev.coilsight.analytics.coilmap.MappedImage;
import dev.coilsight.analytics.coilmap.StripDefect;
import dev.coilsight.analytics.grading.CoilFacts;
import dev.coilsight.analytics.grading.DefectTally;
import dev.coilsight.analytics.periodic.PeriodicDefect;
import dev.coilsight.analytics.quality.CoilProgress;
import dev.coilsight.analytics.quality.GradeRecords;
import dev.coilsight.analytics.query.CoilQueries;
import dev.coilsight.core.rle.BinaryMask;
import dev.coilsight.core.rle.RunLengthEncoding;
import dev.coilsight.schemas.BrokenRule;
import dev.coilsight.schemas.ClassGradeFigures;
import dev.coilsight.schemas.CoilGraded;
import dev.coilsight.schemas.DefectiveImage;

/**
 * The printable coil report: the grade and the rule behind it, the coil map, per-class figures, periodic defects and
 * the worst defect images with their masks, as one self-contained HTML page (images inline, no script), so that it
 * prints, or saves as PDF, from any browser. Figures come from the coil's grade when it has one, else from its map.
 */
final class CoilReportPage {

    static final int WORST_IMAGES = 6;
    /**
     * One colour per defect class id, COLOURS[floorMod(id - 1, length)] for any id. Its twin is PALETTE in
     * coil-analytics/src/main/resources/dashboard/dashboard.js (the live dashboard): change both together, in the same order.
     */
    private static final int[][] COLOURS = {{255, 214, 10}, {0, 200, 255}, {255, 64, 129}, {118, 255, 3}, {255, 145, 0}, {179, 136, 255},
            {41, 121, 255}, {188, 170, 164}};

    private CoilReportPage() {
    }

    /**
     * @param forPdf the map as a PNG instead of inline SVG, for a renderer that draws no SVG; the page is XHTML either way
     */
    static String render(String coilId, CoilProgress progress, CoilGraded grade, List<MappedImage> images, List<PeriodicDefect> periodic,
            Double stripWidthMm, CoilQueries queries, String coilPath, boolean forPdf) {
        List<StripDefect> defects = new ArrayList<>();
        images.forEach(i -> defects.addAll(i.defects()));
        double length = grade != null ? grade.getInspectedLengthMm() : progress == null ? 0 : progress.inspectedLengthMm();
        List<ClassGradeFigures> classes = grade != null ? grade.getClasses() : GradeRecords.classes(new CoilFacts(length, defects,
                progress == null ? new DefectTally() : progress.notPlaced, periodic));
        StringBuilder h = new StringBuilder(16_384);
        h.append("<!DOCTYPE html><html lang=\"en\" xmlns=\"http://www.w3.org/1999/xhtml\"><head><meta charset=\"utf-8\"/><title>Coil report ")
                .append(esc(coilId)).append("</title>")
                .append("<style>").append(STYLE).append("</style></head><body>");
        h.append("<header><h1>Coil report <span id=\"coil-id\">").append(esc(coilId)).append("</span></h1><p>line ")
                .append(esc(progress == null || progress.lineId == null ? "–" : progress.lineId)).append(" · state <b id=\"state\">")
                .append(QualityViews.state(progress, grade)).append("</b> · ").append(fmt(length / 1000)).append(" m inspected · ")
                .append(grade != null ? String.valueOf(grade.getImagesInspected()) : progress == null ? "–" : String.valueOf(progress.imagesInspected))
                .append(" images, ")
                .append(grade != null ? String.valueOf(grade.getDefectiveImages()) : progress == null ? "–" : String.valueOf(progress.defectiveImages))
                .append(" defective</p></header>");
        grade(h, grade);
        StripLayout strip = StripLayout.of(images, periodic, length, progress, stripWidthMm, COLOURS);
        h.append("<section id=\"map\"><h2>Coil map</h2>").append(forPdf ? "<img id=\"strip\" alt=\"coil map\" src=\"data:image/png;base64,"
                + Base64.getEncoder().encodeToString(StripPng.render(strip)) + "\"/>" : StripSvg.render(strip)).append("</section>");
        classes(h, classes);
        periodic(h, periodic);
        worst(h, coilId, images, queries, coilPath);
        h.append("<footer>Coilsight · <a href=\"").append(esc(coilPath)).append("/report.pdf\">PDF</a> · figures as served by <code>")
                .append(esc(coilPath)).append("/grade</code> and <code>").append(esc(coilPath)).append("/map</code></footer></body></html>");
        return h.toString();
    }

    private static void grade(StringBuilder h, CoilGraded g) {
        h.append("<section id=\"grade\"><h2>Grade</h2>");
        if (g == null) {
            h.append("<p class=\"pending\">Not graded yet: the coil has not ended, or its last results have not settled.</p></section>");
            return;
        }
        h.append("<div class=\"grade grade-").append(g.getGrade()).append("\" id=\"grade-letter\">").append(g.getGrade()).append("</div>")
                .append("<p><b>").append(esc(g.getReason())).append("</b></p><p>product ").append(esc(g.getProduct())).append(", rules ")
                .append(esc(g.getRulesVersion())).append(", version ").append(g.getVersion()).append(" of the grade, ended by ")
                .append(g.getEndReason()).append(", graded ").append(g.getGradedAt()).append("</p>");
        if (!g.getBrokenRules().isEmpty()) {
            h.append("<table id=\"broken-rules\"><tr><th>rule</th><th>limit</th><th>measured</th><th>grade</th></tr>");
            for (BrokenRule r : g.getBrokenRules()) {
                h.append("<tr><td>").append(esc(r.getRuleId())).append(": ").append(esc(r.getRule())).append("</td><td class=\"num\">")
                        .append(fmt(r.getLimit())).append("</td><td class=\"num\">").append(fmt(r.getMeasured())).append("</td><td>")
                        .append(r.getGrade()).append("</td></tr>");
            }
            h.append("</table>");
        }
        h.append("</section>");
    }

    private static void classes(StringBuilder h, List<ClassGradeFigures> classes) {
        h.append("<section id=\"classes\"><h2>Defects per class</h2><table><tr><th>class</th><th>defects</th><th>area mm²</th>")
                .append("<th>mm² per metre</th><th>per 100 m</th></tr>");
        for (ClassGradeFigures c : classes) {
            h.append("<tr data-class-id=\"").append(c.getClassId()).append("\"><td>").append(swatch(c.getClassId())).append(esc(c.getClassName()))
                    .append("</td><td class=\"num defects\">").append(c.getDefects()).append("</td><td class=\"num area\">").append(fmt(c.getAreaMm2()))
                    .append("</td><td class=\"num\">").append(fmt(c.getAreaMm2PerMetre())).append("</td><td class=\"num\">")
                    .append(fmt(c.getDefectsPer100m())).append("</td></tr>");
        }
        if (classes.isEmpty()) {
            h.append("<tr><td colspan=\"5\">No defect on this coil.</td></tr>");
        }
        h.append("</table></section>");
    }

    private static void periodic(StringBuilder h, List<PeriodicDefect> periodic) {
        h.append("<section id=\"periodic\"><h2>Periodic (roll-mark) defects</h2>");
        if (periodic.isEmpty()) {
            h.append("<p>None found.</p></section>");
            return;
        }
        h.append("<table><tr><th>class</th><th>pitch mm</th><th>roll diameter mm</th><th>turns</th><th>spots per turn</th><th>at m</th></tr>");
        for (PeriodicDefect p : periodic) {
            h.append("<tr><td>").append(swatch(p.classId())).append(esc(p.className())).append("</td><td class=\"num pitch\">").append(fmt(p.pitchMm()))
                    .append("</td><td class=\"num\">").append(fmt(p.rollDiameterMm())).append("</td><td class=\"num\">").append(p.count())
                    .append("</td><td class=\"num\">").append(p.spots()).append("</td><td>")
                    .append(String.join(", ", p.positionsMm().stream().map(x -> fmt(x / 1000)).toList())).append("</td></tr>");
        }
        h.append("</table></section>");
    }

    private static void worst(StringBuilder h, String coilId, List<MappedImage> images, CoilQueries queries, String coilPath) {
        h.append("<section id=\"worst\"><h2>Worst defect images</h2>");
        List<MappedImage> worst = new ArrayList<>(images);
        worst.sort(Comparator.comparingDouble(CoilReportPage::area).reversed());
        worst = worst.subList(0, Math.min(WORST_IMAGES, worst.size()));
        if (worst.isEmpty()) {
            h.append("<p>No defect image.</p>");
        }
        for (MappedImage listed : worst) {
            MappedImage image = queries.mappedImage(coilId, listed.imageId()).orElse(listed);
            DefectiveImage kept = queries.image(coilId, image.imageId()).orElse(null);
            h.append("<figure data-image-id=\"").append(esc(image.imageId())).append("\"><img alt=\"").append(esc(image.imageId()))
                    .append(" with its masks\" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(overlay(image, kept)))
                    .append("\"/><figcaption>").append(esc(image.imageId())).append(" at ").append(fmt(image.startMm() / 1000)).append(" m · ")
                    .append(fmt(area(image))).append(" mm² of defects").append(kept != null ? "" : " · image no longer kept: masks only")
                    .append("</figcaption></figure>");
        }
        h.append("</section>");
    }

    private static double area(MappedImage image) {
        return image.defects().stream().mapToDouble(StripDefect::areaMm2).sum();
    }

    /** The image (or a dark frame when its bytes are no longer kept) with each class mask blended over it, as PNG. */
    static byte[] overlay(MappedImage image, DefectiveImage kept) {
        int width = image.width();
        int height = image.height();
        BufferedImage canvas = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        // The canvas's own pixel array, row by row: one bulk copy and plain array writes instead of a colour-model
        // conversion per pixel (a 1600x256 image is 409,600 of them).
        int[] rgb = ((DataBufferInt) canvas.getRaster().getDataBuffer()).getData();
        Arrays.fill(rgb, 0x202a35);
        BufferedImage photo = null;
        if (kept != null) {
            try {
                photo = ImageIO.read(new ByteArrayInputStream(kept.getImage().getBytes().array()));
            } catch (IOException e) {
                photo = null;
            }
        }
        if (photo != null && photo.getWidth() > 0 && photo.getHeight() > 0) {
            int w = Math.min(width, photo.getWidth());
            int h = Math.min(height, photo.getHeight());
            photo.getRGB(0, 0, w, h, rgb, 0, width);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    rgb[y * width + x] &= 0xffffff; // no alpha in an RGB canvas
                }
            }
        }
        for (MappedImage.Mask mask : image.masks()) {
            BinaryMask pixels = RunLengthEncoding.decode(mask.rle(), height, width);
            int[] c = colour(mask.classId());
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    if (pixels.get(y, x)) {
                        int i = y * width + x;
                        int r = (int) (0.45 * ((rgb[i] >> 16) & 0xff) + 0.55 * c[0]);
                        int g = (int) (0.45 * ((rgb[i] >> 8) & 0xff) + 0.55 * c[1]);
                        int b = (int) (0.45 * (rgb[i] & 0xff) + 0.55 * c[2]);
                        rgb[i] = (r << 16) | (g << 8) | b;
                    }
                }
            }
        }
        return StripPng.encode(canvas);
    }

    static int[] colour(int classId) {
        return COLOURS[Math.floorMod(classId - 1, COLOURS.length)];
    }

    private static String swatch(int classId) {
        int[] c = colour(classId);
        return "<span class=\"swatch\" style=\"background:rgb(" + c[0] + "," + c[1] + "," + c[2] + ")\"></span>";
    }

    static String fmt(double value) {
        return Math.abs(value - Math.rint(value)) < 1e-9 && Math.abs(value) < 1e12 ? String.valueOf((long) Math.rint(value))
                : String.format(Locale.ROOT, "%.2f", value);
    }

    static String esc(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char ch : text.toCharArray()) {
            switch (ch) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(ch);
            }
        }
        return out.toString();
    }

    private static final String STYLE = "section,header,footer,figure,figcaption{display:block}body{font:14px/1.45 system-ui,'DejaVu Sans',sans-serif;margin:24px;color:#111;max-width:1100px}h1 span{font-weight:400}"
            + "h2{font-size:17px;border-bottom:1px solid #ccc;padding-bottom:3px;margin-top:26px}table{border-collapse:collapse;width:100%}"
            + "th,td{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}"
            + ".grade{display:inline-block;font-size:40px;font-weight:700;padding:4px 22px;border-radius:8px;color:#fff}"
            + ".grade-A{background:#2e7d32}.grade-B{background:#9e9d24}.grade-C{background:#ef6c00}.grade-REJECT{background:#c62828;font-size:30px}"
            + ".swatch{display:inline-block;width:11px;height:11px;border-radius:2px;margin-right:6px;vertical-align:-1px}"
            + "figure{margin:10px 0;page-break-inside:avoid}figure img,img#strip{width:100%;border:1px solid #ccc}"
            + "figcaption{font-size:12px;color:#555}svg{width:100%;background:#f4f6f8;border:1px solid #ccc}footer{margin-top:30px;color:#777;font-size:12px}"
            + ".pending{color:#777}@media print{body{margin:10mm}}";
}
