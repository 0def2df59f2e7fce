package dev.coilsight.core.mask;

import java.util.ArrayList;
import java.util.List;

import dev.coilsight.core.rle.BinaryMask;

/** The 8-connected components as defined, for tests: a flood fill over the eight neighbours from each unlabelled pixel, column-major. */
final class FloodFill {

    private FloodFill() {
    }

    /** Components and labels by the definition, pixel by pixel, in {@link ConnectedComponents.Labelled}'s order. */
    static ConnectedComponents.Labelled label(BinaryMask mask) {
        int height = mask.height();
        int width = mask.width();
        int[] labels = new int[height * width];
        List<Component> components = new ArrayList<>();
        for (int start = 0; start < labels.length; start++) {
            if (!mask.get(start % height, start / height) || labels[start] != 0) {
                continue;
            }
            int label = components.size() + 1;
            long pixels = 0;
            int minRow = height;
            int minCol = width;
            int maxRow = -1;
            int maxCol = -1;
            List<Integer> stack = new ArrayList<>(List.of(start));
            labels[start] = label;
            while (!stack.isEmpty()) {
                int index = stack.remove(stack.size() - 1);
                int col = index / height;
                int row = index % height;
                pixels++;
                minRow = Math.min(minRow, row);
                maxRow = Math.max(maxRow, row);
                minCol = Math.min(minCol, col);
                maxCol = Math.max(maxCol, col);
                for (int c = Math.max(0, col - 1); c <= Math.min(width - 1, col + 1); c++) {
                    for (int r = Math.max(0, row - 1); r <= Math.min(height - 1, row + 1); r++) {
                        if (mask.get(r, c) && labels[c * height + r] == 0) {
                            labels[c * height + r] = label;
                            stack.add(c * height + r);
                        }
                    }
                }
            }
            components.add(new Component(pixels, minRow, minCol, maxRow, maxCol));
        }
        return new ConnectedComponents.Labelled(labels, components);
    }
}
