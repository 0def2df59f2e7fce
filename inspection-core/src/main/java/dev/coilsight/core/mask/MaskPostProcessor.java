package dev.coilsight.core.mask;

import java.util.ArrayList;
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

    private final List<ModelCard.ClassSpec> classes;

    public MaskPostProcessor(List<ModelCard.ClassSpec> classes) {
        this.classes = List.copyOf(classes);
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
        List<DefectMask> defects = new ArrayList<>();
        for (int cls = 0; cls < k; cls++) {
            ModelCard.ClassSpec spec = classes.get(cls);
            BinaryMask mask = new BinaryMask(height, width);
            float threshold = (float) spec.threshold();
            boolean any = false;
            for (int c = 0; c < width; c++) {
                int sc = resized ? Math.min(inputWidth - 1, (int) ((c + 0.5) * inputWidth / width)) : c;
                for (int r = 0; r < height; r++) {
                    int sr = resized ? Math.min(inputHeight - 1, (int) ((r + 0.5) * inputHeight / height)) : r;
                    if (probabilities[(sr * inputWidth + sc) * k + cls] > threshold) {
                        mask.set(r, c, true);
                        any = true;
                    }
                }
            }
            if (!any) {
                continue;
            }
            ConnectedComponents.Labelled labelled = ConnectedComponents.label(mask);
            boolean[] keep = new boolean[labelled.components().size() + 1];
            int kept = 0;
            for (int i = 0; i < labelled.components().size(); i++) {
                if (labelled.components().get(i).pixels() >= spec.minArea()) {
                    keep[i + 1] = true;
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
            int[] labels = labelled.labels();
            for (int c = 0; c < width; c++) {
                int sc = resized ? Math.min(inputWidth - 1, (int) ((c + 0.5) * inputWidth / width)) : c;
                for (int r = 0; r < height; r++) {
                    int label = labels[c * height + r];
                    if (label == 0) {
                        continue;
                    }
                    if (!keep[label]) {
                        mask.set(r, c, false);
                        continue;
                    }
                    int sr = resized ? Math.min(inputHeight - 1, (int) ((r + 0.5) * inputHeight / height)) : r;
                    pixels++;
                    probabilitySum += probabilities[(sr * inputWidth + sc) * k + cls];
                    minRow = Math.min(minRow, r);
                    maxRow = Math.max(maxRow, r);
                    minCol = Math.min(minCol, c);
                    maxCol = Math.max(maxCol, c);
                }
            }
            defects.add(new DefectMask(spec.id(), spec.name(), mask, pixels, new Component(pixels, minRow, minCol, maxRow, maxCol),
                    probabilitySum / pixels, kept));
        }
        return defects;
    }
}
