package dev.coilsight.core.mask;

import java.util.ArrayList;
import java.util.List;

import dev.coilsight.core.rle.BinaryMask;

/**
 * Finds the 8-connected components of a mask (two pixels touching by an edge or a corner belong to
 * one defect) with an iterative flood fill, so large blobs cannot overflow the stack.
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
        return label(mask).components();
    }

    public static Labelled label(BinaryMask mask) {
        int height = mask.height();
        int width = mask.width();
        byte[] pixels = mask.columnMajor();
        int[] labels = new int[pixels.length];
        int[] stack = new int[64];
        List<Component> components = new ArrayList<>();
        for (int start = 0; start < pixels.length; start++) {
            if (pixels[start] == 0 || labels[start] != 0) {
                continue;
            }
            long count = 0;
            int minRow = Integer.MAX_VALUE;
            int minCol = Integer.MAX_VALUE;
            int maxRow = -1;
            int maxCol = -1;
            int top = 0;
            int label = components.size() + 1;
            stack[top++] = start;
            labels[start] = label;
            while (top > 0) {
                int index = stack[--top];
                int col = index / height;
                int row = index - col * height;
                count++;
                minRow = Math.min(minRow, row);
                maxRow = Math.max(maxRow, row);
                minCol = Math.min(minCol, col);
                maxCol = Math.max(maxCol, col);
                for (int dc = -1; dc <= 1; dc++) {
                    int c = col + dc;
                    if (c < 0 || c >= width) {
                        continue;
                    }
                    for (int dr = -1; dr <= 1; dr++) {
                        int r = row + dr;
                        if (r < 0 || r >= height) {
                            continue;
                        }
                        int next = c * height + r;
                        if (pixels[next] != 0 && labels[next] == 0) {
                            labels[next] = label;
                            if (top == stack.length) {
                                stack = java.util.Arrays.copyOf(stack, stack.length * 2);
                            }
                            stack[top++] = next;
                        }
                    }
                }
            }
            components.add(new Component(count, minRow, minCol, maxRow, maxCol));
        }
        return new Labelled(labels, components);
    }
}
