package dev.coilsight.analytics.http;

import java.util.Locale;

/** The strip as inline SVG, for the report page. */
final class StripSvg {

    private StripSvg() {
    }

    static String render(StripLayout s) {
        StringBuilder out = new StringBuilder();
        out.append("<svg id=\"strip\" viewBox=\"0 0 ").append(s.width()).append(' ').append(s.height())
                .append("\" role=\"img\" aria-label=\"coil map\" xmlns=\"http://www.w3.org/2000/svg\">")
                .append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#dde3e8\"/>", s.pad(), s.pad(),
                        s.width() - 2 * s.pad(), s.height() - 2 * s.pad()));
        for (StripLayout.Box b : s.boxes()) {
            out.append(String.format(Locale.ROOT, "<rect class=\"defect\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"rgb(%d,%d,%d)\"/>",
                    b.x(), b.y(), b.w(), b.h(), b.rgb()[0], b.rgb()[1], b.rgb()[2]));
        }
        for (double x : s.rollMarks()) {
            out.append(String.format(Locale.ROOT, "<line class=\"roll-mark\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"#c62828\" "
                    + "stroke-dasharray=\"3 2\"/>", x, x, s.pad() - 8, s.height() - s.pad() + 8));
        }
        out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>", s.pad(), s.height() - 6, s.leftLabel()));
        out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%s</text>", s.width() - s.pad(),
                s.height() - 6, s.rightLabel()));
        return out.append("</svg>").toString();
    }
}
