package dev.coilsight.core.mask;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.coilsight.core.rle.Runs;

/**
 * A mask's runs cut at the end of each column (a Kaggle run may go on at the top of the next one), each segment with
 * the 8-connected component it belongs to. Segments of one column are apart by at least one background pixel, so
 * only segments of neighbouring columns can touch: one whose rows reach within one row of the other's.
 */
final class ColumnSegments {

    private final int height;
    private int count;
    private int[] column = new int[16];
    private int[] top = new int[16];
    private int[] bottom = new int[16];
    private final int[] component;
    private final List<Component> components = new ArrayList<>();

    ColumnSegments(Runs runs, int height) {
        this.height = height;
        for (int i = 0; i < runs.count(); i++) {
            cut(runs.start(i) - 1, runs.length(i));
        }
        int[] parent = joinTouchingColumns();
        component = new int[count];
        number(parent);
    }

    int count() {
        return count;
    }

    int column(int segment) {
        return column[segment];
    }

    int top(int segment) {
        return top[segment];
    }

    int bottom(int segment) {
        return bottom[segment];
    }

    /** The index of the segment's component in {@link #components()}. */
    int component(int segment) {
        return component[segment];
    }

    /** In the order of their first pixel, column-major. */
    List<Component> components() {
        return components;
    }

    private void cut(int pixel, int length) {
        while (length > 0) {
            int col = pixel / height;
            int row = pixel - col * height;
            int inColumn = Math.min(length, height - row);
            add(col, row, row + inColumn - 1);
            pixel += inColumn;
            length -= inColumn;
        }
    }

    /** Runs written touching ("1 3 4 2") are one segment, so that segments of one column never touch. */
    private void add(int col, int firstRow, int lastRow) {
        if (count > 0 && column[count - 1] == col && bottom[count - 1] + 1 == firstRow) {
            bottom[count - 1] = lastRow;
            return;
        }
        if (count == column.length) {
            column = Arrays.copyOf(column, count * 2);
            top = Arrays.copyOf(top, count * 2);
            bottom = Arrays.copyOf(bottom, count * 2);
        }
        column[count] = col;
        top[count] = firstRow;
        bottom[count] = lastRow;
        count++;
    }

    /** Union-find over the segments: each column's segments joined to those of the column before that they touch. */
    private int[] joinTouchingColumns() {
        int[] parent = new int[count];
        for (int s = 0; s < count; s++) {
            parent[s] = s;
        }
        int previousFrom = 0;
        int previousTo = 0;
        int s = 0;
        while (s < count) {
            int from = s;
            while (s < count && column[s] == column[from]) {
                s++;
            }
            if (previousTo > previousFrom && column[previousFrom] == column[from] - 1) {
                int p = previousFrom;
                for (int current = from; current < s; current++) {
                    while (p < previousTo && bottom[p] < top[current] - 1) {
                        p++;
                    }
                    for (int q = p; q < previousTo && top[q] <= bottom[current] + 1; q++) {
                        union(parent, current, q);
                    }
                }
            }
            previousFrom = from;
            previousTo = s;
        }
        return parent;
    }

    /** Numbers the components in the order of their first segment and sums their pixels and bounds. */
    private void number(int[] parent) {
        int[] numberOfRoot = new int[count];
        Arrays.fill(numberOfRoot, -1);
        long[] pixels = new long[count];
        int[] minRow = new int[count];
        int[] maxRow = new int[count];
        int[] minCol = new int[count];
        int[] maxCol = new int[count];
        int n = 0;
        for (int s = 0; s < count; s++) {
            int root = find(parent, s);
            int c = numberOfRoot[root];
            if (c < 0) {
                c = n++;
                numberOfRoot[root] = c;
                minRow[c] = top[s];
                maxRow[c] = bottom[s];
                minCol[c] = column[s];
            }
            component[s] = c;
            pixels[c] += bottom[s] - top[s] + 1;
            minRow[c] = Math.min(minRow[c], top[s]);
            maxRow[c] = Math.max(maxRow[c], bottom[s]);
            maxCol[c] = column[s];
        }
        for (int c = 0; c < n; c++) {
            components.add(new Component(pixels[c], minRow[c], minCol[c], maxRow[c], maxCol[c]));
        }
    }

    private static int find(int[] parent, int s) {
        while (parent[s] != s) {
            parent[s] = parent[parent[s]];
            s = parent[s];
        }
        return s;
    }

    /** The earlier segment's root stays the root. */
    private static void union(int[] parent, int a, int b) {
        int ra = find(parent, a);
        int rb = find(parent, b);
        if (ra < rb) {
            parent[rb] = ra;
        } else if (rb < ra) {
            parent[ra] = rb;
        }
    }
}
