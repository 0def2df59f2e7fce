package dev.coilsight.core.mask;

import java.util.Arrays;
import java.util.List;

import dev.coilsight.core.rle.BinaryMask;
import dev.coilsight.core.rle.RunLengthEncoding;
import dev.coilsight.core.rle.Runs;

/**
 * Finds the 8-connected components of a mask (two pixels touching by an edge or a corner belong to one defect) from
 * its runs, not its pixels: each column's runs are joined to the runs of the column before that they touch, so the
 * work grows with the number of runs, and a mask published as an RLE is never expanded.
 */
public final class ConnectedComponents {

    private ConnectedComponents() {
    }

    /**
     * Components and a label per pixel (column-major): 0 for background, {@code i + 1} for a pixel
     * of component {@code i}.
     */
    public record Labelled(int[] labels, List<Component> components) {
    }

    /** Every component, in the order their first pixel appears column-major. */
    public static List<Component> of(BinaryMask mask) {
        return new ColumnSegments(RunLengthEncoding.runsOf(mask), mask.height()).components();
    }

    /** Every component of the {@code height x width} mask these runs describe, in the order their first pixel appears. */
    public static List<Component> of(Runs runs, int height, int width) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("mask size must be positive, got " + height + "x" + width + " (HxW)");
        }
        if (!runs.isEmpty() && (long) runs.start(runs.count() - 1) - 1 + runs.length(runs.count() - 1) > (long) height * width) {
            throw new IllegalArgumentException("runs reach beyond a " + height + "x" + width + " mask");
        }
        return new ColumnSegments(runs, height).components();
    }

    public static Labelled label(BinaryMask mask) {
        int height = mask.height();
        ColumnSegments segments = new ColumnSegments(RunLengthEncoding.runsOf(mask), height);
        int[] labels = new int[height * mask.width()];
        for (int s = 0; s < segments.count(); s++) {
            int first = segments.column(s) * height + segments.top(s);
            Arrays.fill(labels, first, first + segments.bottom(s) - segments.top(s) + 1, segments.component(s) + 1);
        }
        return new Labelled(labels, segments.components());
    }
}
