package dev.coilsight.core.mask;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.coilsight.core.model.ModelCard;
import dev.coilsight.core.rle.BinaryMask;
import dev.coilsight.core.rle.RunLengthEncoding;

/**
 * From a segmenter's per-pixel class probabilities to defects: per class, pixels above the class
 * threshold, connected components smaller than the class's minimum area dropped (the
 * post-processing that won the Severstal competition), then pixel count, bounding box, mean
 * probability, component count and the Kaggle RLE. Used by the segmenter worker and by offline
 * evaluation alike.
 */
public final class MaskPostProcessor {

    /** One class present on an image. */
    public record DefectMask(int classId, String className, BinaryMask mask, long pixels, Component boundingBox,
                             double meanProbability, int components) {
        public String rle() {
            return RunLengthEncoding.encode(mask);
        }
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final List<ModelCard.ClassSpec> classes;
    private final float[] thresholds;

    public MaskPostProcessor(List<ModelCard.ClassSpec> classes) {
        this.classes = List.copyOf(classes);
        thresholds = new float[classes.size()];
        for (int cls = 0; cls < thresholds.length; cls++) {
            thresholds[cls] = (float) classes.get(cls).threshold();
        }
    }

    /**
     * @param probabilities model output, HWC over the model's input size ({@code inputHeight} x {@code inputWidth}),
     *                      one channel per class
     * @param height        the source image height (the output is cropped, or resized, back to it)
     * @param width         the source image width
     * @return the classes with at least one pixel left, in class order
     */
    public List<DefectMask> process(float[] probabilities, int inputHeight, int inputWidth, int height, int width, boolean resized) {
        int k = classes.size();
        if (probabilities.length != inputHeight * inputWidth * k) {
            throw new IllegalArgumentException("expected " + inputHeight + "x" + inputWidth + "x" + k + " probabilities, got " + probabilities.length);
        }
        int[] sourceRow = sourceIndex(height, inputHeight, resized);
        int[] sourceColumn = sourceIndex(width, inputWidth, resized);
        byte[][] above = threshold(probabilities, k, inputWidth, sourceRow, sourceColumn);
        List<DefectMask> defects = new ArrayList<>();
        for (int cls = 0; cls < k; cls++) {
            if (above[cls] == null) {
                continue;
            }
            ModelCard.ClassSpec spec = classes.get(cls);
            BinaryMask mask = BinaryMask.wrapColumnMajor(height, width, above[cls]);
            ColumnSegments segments = new ColumnSegments(RunLengthEncoding.runsOf(mask), height);
            List<Component> components = segments.components();
            boolean[] keep = new boolean[components.size()];
            int kept = 0;
            for (int i = 0; i < components.size(); i++) {
                if (components.get(i).pixels() >= spec.minArea()) {
                    keep[i] = true;
                    kept++;
                }
            }
            if (kept == 0) {
                continue;
            }
            long pixels = 0;
            double probabilitySum = 0;
            int minRow = Integer.MAX_VALUE;
            int minCol = Integer.MAX_VALUE;
            int maxRow = -1;
            int maxCol = -1;
            // Segments run column-major, so the sum adds the kept pixels' probabilities in the mask's own order.
            for (int s = 0; s < segments.count(); s++) {
                int col = segments.column(s);
                int top = segments.top(s);
                int bottom = segments.bottom(s);
                if (!keep[segments.component(s)]) {
                    Arrays.fill(above[cls], col * height + top, col * height + bottom + 1, (byte) 0);
                    continue;
                }
                for (int r = top; r <= bottom; r++) {
                    probabilitySum += probabilities[(sourceRow[r] * inputWidth + sourceColumn[col]) * k + cls];
                }
                pixels += bottom - top + 1;
                minRow = Math.min(minRow, top);
                maxRow = Math.max(maxRow, bottom);
                minCol = Math.min(minCol, col);
                maxCol = Math.max(maxCol, col);
            }
            defects.add(new DefectMask(spec.id(), spec.name(), mask, pixels, new Component(pixels, minRow, minCol, maxRow, maxCol),
                    probabilitySum / pixels, kept));
        }
        return defects;
    }

    /**
     * Every class's pixels above its threshold, column-major, null for a class with none. The probabilities are row-major
     * and the masks column-major, so it goes eight rows at a time: each of the eight rows is read straight along, and a
     * column's eight mask bytes are one long, written once.
     */
    private byte[][] threshold(float[] probabilities, int k, int inputWidth, int[] sourceRow, int[] sourceColumn) {
        int height = sourceRow.length;
        int width = sourceColumn.length;
        byte[][] above = new byte[k][];
        int[] rowStart = new int[Long.BYTES];
        long[] bytes = new long[k];
        for (int firstRow = 0; firstRow < height; firstRow += Long.BYTES) {
            int rows = Math.min(Long.BYTES, height - firstRow);
            for (int i = 0; i < rows; i++) {
                rowStart[i] = sourceRow[firstRow + i] * inputWidth;
            }
            for (int c = 0; c < width; c++) {
                int column = sourceColumn[c];
                Arrays.fill(bytes, 0);
                for (int i = 0; i < rows; i++) {
                    int first = (rowStart[i] + column) * k;
                    long bit = 1L << (Byte.SIZE * i);
                    for (int cls = 0; cls < k; cls++) {
                        if (probabilities[first + cls] > thresholds[cls]) {
                            bytes[cls] |= bit;
                        }
                    }
                }
                for (int cls = 0; cls < k; cls++) {
                    if (bytes[cls] != 0) {
                        if (above[cls] == null) {
                            above[cls] = new byte[height * width];
                        }
                        write(above[cls], c * height + firstRow, bytes[cls], rows);
                    }
                }
            }
        }
        return above;
    }

    private static void write(byte[] mask, int at, long bytes, int count) {
        if (count == Long.BYTES) {
            LONGS.set(mask, at, bytes);
            return;
        }
        for (int i = 0; i < count; i++) {
            mask[at + i] = (byte) (bytes >>> (Byte.SIZE * i));
        }
    }

    /**
     * For each output row (or column), the model-output row it reads: itself when the output is cropped back, the
     * nearest when it is resized back.
     */
    private static int[] sourceIndex(int size, int inputSize, boolean resized) {
        int[] source = new int[size];
        for (int i = 0; i < size; i++) {
            source[i] = resized ? Math.min(inputSize - 1, (int) ((i + 0.5) * inputSize / size)) : i;
        }
        return source;
    }
}
