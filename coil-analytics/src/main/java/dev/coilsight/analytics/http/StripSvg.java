package dev.coilsight.analytics.http;

import java.util.List;
import java.util.Locale;

import dev.coilsight.analytics.coilmap.MappedImage;
import dev.coilsight.analytics.coilmap.StripDefect;
import dev.coilsight.analytics.periodic.PeriodicDefect;
import dev.coilsight.analytics.quality.CoilProgress;

/** The coil drawn as a strip for the report: length left to right, width top to bottom, defects in class colours, roll marks as ticks. */
final class StripSvg {

    private static final int W = 1000;
    private static final int H = 200;
    private static final int PAD = 24;

    private StripSvg() {
    }

    static String render(List<MappedImage> images, List<PeriodicDefect> periodic, double lengthMm, CoilProgress progress, Double stripWidthMm,
            int[][] colours) {
        double start = progress != null && progress.firstStartMm != null ? progress.firstStartMm : 0;
        double end = Math.max(start + Math.max(lengthMm, 1), progress != null && progress.lastEndMm != null ? progress.lastEndMm : 0);
        double width = stripWidthMm != null ? stripWidthMm : 1;
        for (MappedImage i : images) {
            for (StripDefect d : i.defects()) {
                width = Math.max(width, d.acrossEndMm());
                end = Math.max(end, d.alongEndMm());
            }
        }
        double sx = (W - 2.0 * PAD) / (end - start);
        double sy = (H - 2.0 * PAD) / width;
        StringBuilder s = new StringBuilder();
        s.append("<svg id=\"strip\" viewBox=\"0 0 ").append(W).append(' ').append(H).append("\" role=\"img\" aria-label=\"coil map\">")
                .append("<rect x=\"").append(PAD).append("\" y=\"").append(PAD).append("\" width=\"").append(W - 2 * PAD).append("\" height=\"")
                .append(H - 2 * PAD).append("\" fill=\"#dde3e8\"/>");
        int count = 0;
        for (MappedImage i : images) {
            for (StripDefect d : i.defects()) {
                int[] c = colours[Math.floorMod(d.classId() - 1, colours.length)];
                s.append(String.format(Locale.ROOT, "<rect class=\"defect\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"rgb(%d,%d,%d)\"/>",
                        PAD + (d.alongStartMm() - start) * sx, PAD + d.acrossStartMm() * sy, Math.max(1.5, (d.alongEndMm() - d.alongStartMm()) * sx),
                        Math.max(1.5, (d.acrossEndMm() - d.acrossStartMm()) * sy), c[0], c[1], c[2]));
                count++;
            }
        }
        for (PeriodicDefect p : periodic) {
            for (double x : p.positionsMm()) {
                s.append(String.format(Locale.ROOT, "<line class=\"roll-mark\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#c62828\" "
                        + "stroke-dasharray=\"3 2\"/>", PAD + (x - start) * sx, PAD + (x - start) * sx, PAD - 8, H - PAD + 8));
            }
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s m</text>", PAD, H - 6, CoilReportPage.fmt(start / 1000)));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s m · %d defects · width %s mm</text>",
                W - PAD, H - 6, CoilReportPage.fmt(end / 1000), count, CoilReportPage.fmt(width)));
        return s.append("</svg>").toString();
    }
}
