package dev.coilsight.analytics.http;

import java.util.ArrayList;
import java.util.List;

import dev.coilsight.analytics.coilmap.MappedImage;
import dev.coilsight.analytics.coilmap.StripDefect;
import dev.coilsight.analytics.periodic.PeriodicDefect;
import dev.coilsight.analytics.quality.CoilProgress;

/**
 * The coil as a strip in drawing units: length left to right, width top to bottom; each defect a box in its class colour,
 * each roll-mark occurrence a vertical line. One layout, drawn as SVG for the page and as PNG for the PDF.
 */
record StripLayout(int width, int height, int pad, double startMm, double endMm, double stripWidthMm, boolean widthKnown, long defects,
                   List<Box> boxes, List<Double> rollMarks) {

    static final int W = 1000;
    static final int H = 200;
    static final int PAD = 24;

    /** A defect's box, in drawing units, with its class colour. */
    record Box(double x, double y, double w, double h, int[] rgb) {
    }

    static StripLayout of(List<MappedImage> images, List<PeriodicDefect> periodic, double lengthMm, CoilProgress progress, Double stripWidthMm,
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
        List<Box> boxes = new ArrayList<>();
        for (MappedImage i : images) {
            for (StripDefect d : i.defects()) {
                boxes.add(new Box(PAD + (d.alongStartMm() - start) * sx, PAD + d.acrossStartMm() * sy,
                        Math.max(1.5, (d.alongEndMm() - d.alongStartMm()) * sx), Math.max(1.5, (d.acrossEndMm() - d.acrossStartMm()) * sy),
                        colours[Math.floorMod(d.classId() - 1, colours.length)]));
            }
        }
        List<Double> marks = new ArrayList<>();
        for (PeriodicDefect p : periodic) {
            p.positionsMm().forEach(x -> marks.add(PAD + (x - start) * sx));
        }
        long defects = progress == null ? boxes.size() : Math.max(boxes.size(), progress.defectsPlaced + progress.defectsNotPlaced);
        return new StripLayout(W, H, PAD, start, end, width, stripWidthMm != null, defects, boxes, marks);
    }

    /** The caption under the strip, left: where it starts. */
    String leftLabel() {
        return CoilReportPage.fmt(startMm / 1000) + " m";
    }

    /**
     * The caption under the strip, right: where it ends, how many defects it shows (and how many the coil has, where its
     * map is full), how wide.
     */
    String rightLabel() {
        return CoilReportPage.fmt(endMm / 1000) + " m · " + boxes.size() + " defects" + (defects > boxes.size() ? " on the map, of " + defects : "")
                + " · " + (widthKnown ? "width " + CoilReportPage.fmt(stripWidthMm) + " mm" : "width unknown, drawn to the widest defect");
    }
}
