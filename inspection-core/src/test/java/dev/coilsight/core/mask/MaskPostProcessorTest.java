package dev.coilsight.core.mask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.coilsight.core.model.ModelCard;
import dev.coilsight.core.rle.BinaryMask;
import dev.coilsight.core.rle.RunLengthEncoding;

class MaskPostProcessorTest {

    private static final int H = 8;
    private static final int W = 10;

    /** Two classes; class 1 has a 3x2 blob at 0.9 and a single noisy pixel at 0.7; class 2 only 0.4. */
    private static float[] probabilities() {
        float[] p = new float[H * W * 2];
        for (int r = 1; r <= 3; r++) {
            for (int c = 2; c <= 3; c++) {
                p[(r * W + c) * 2] = 0.9f;
            }
        }
        p[(6 * W + 8) * 2] = 0.7f;
        for (int i = 0; i < H * W; i++) {
            p[i * 2 + 1] = 0.4f;
        }
        return p;
    }

    @Test
    void thresholdsKeepsComponentsAboveTheMinimumAreaAndDescribesThem() {
        MaskPostProcessor post = new MaskPostProcessor(List.of(new ModelCard.ClassSpec(1, "one", 0.5, 2), new ModelCard.ClassSpec(2, "two", 0.5, 0)));
        List<MaskPostProcessor.DefectMask> defects = post.process(probabilities(), H, W, H, W, false);
        assertThat(defects).hasSize(1);
        MaskPostProcessor.DefectMask d = defects.get(0);
        assertThat(d.classId()).isEqualTo(1);
        assertThat(d.pixels()).isEqualTo(6);
        assertThat(d.components()).isEqualTo(1);
        assertThat(d.boundingBox().minRow()).isEqualTo(1);
        assertThat(d.boundingBox().maxRow()).isEqualTo(3);
        assertThat(d.boundingBox().minCol()).isEqualTo(2);
        assertThat(d.boundingBox().maxCol()).isEqualTo(3);
        assertThat(d.meanProbability()).isCloseTo(0.9, within(1e-6));
        // column-major, 1-based: column 2 starts at 2*8+1 = 17, rows 1..3 -> 18..20; column 3 -> 26..28
        assertThat(d.rle()).isEqualTo("18 3 26 3");
        assertThat(RunLengthEncoding.decode(d.rle(), H, W)).isEqualTo(d.mask());
    }

    @Test
    void withoutAMinimumAreaTheNoiseStaysAsASecondComponent() {
        MaskPostProcessor post = new MaskPostProcessor(List.of(new ModelCard.ClassSpec(1, "one", 0.5, 0), new ModelCard.ClassSpec(2, "two", 0.3, 0)));
        List<MaskPostProcessor.DefectMask> defects = post.process(probabilities(), H, W, H, W, false);
        assertThat(defects).hasSize(2);
        assertThat(defects.get(0).components()).isEqualTo(2);
        assertThat(defects.get(0).pixels()).isEqualTo(7);
        assertThat(defects.get(1).pixels()).isEqualTo(H * W);
    }

    @Test
    void cropsPaddedOutputsBackToTheImage() {
        MaskPostProcessor post = new MaskPostProcessor(List.of(new ModelCard.ClassSpec(1, "one", 0.5, 0), new ModelCard.ClassSpec(2, "two", 0.5, 0)));
        // Source 6x9 inside the 8x10 output: the 0.7 pixel at (6, 8) falls outside.
        List<MaskPostProcessor.DefectMask> defects = post.process(probabilities(), H, W, 6, 9, false);
        assertThat(defects.get(0).pixels()).isEqualTo(6);
        assertThat(defects.get(0).mask().height()).isEqualTo(6);
    }

    @Test
    void randomMapsGiveWhatThePixelByPixelDefinitionGivesCroppedOrResizedBack() {
        Random random = new Random(77);
        List<ModelCard.ClassSpec> classes = List.of(new ModelCard.ClassSpec(1, "one", 0.5, 0),
                new ModelCard.ClassSpec(2, "two", 0.6, 5), new ModelCard.ClassSpec(3, "three", 0.3, 40));
        MaskPostProcessor post = new MaskPostProcessor(classes);
        int[][] shapes = {{32, 48, 32, 48, 0}, {32, 48, 27, 41, 0}, {32, 48, 20, 100, 1}, {16, 16, 50, 37, 1}, {8, 8, 1, 5, 0}, {8, 8, 5, 7, 1}};
        for (int[] shape : shapes) {
            for (int repeat = 0; repeat < 6; repeat++) {
                float[] p = blobs(random, shape[0], shape[1], classes.size());
                boolean resized = shape[4] == 1;
                List<MaskPostProcessor.DefectMask> expected = definition(classes, p, shape[0], shape[1], shape[2], shape[3], resized);
                List<MaskPostProcessor.DefectMask> actual = post.process(p, shape[0], shape[1], shape[2], shape[3], resized);
                assertThat(actual).as("%dx%d back to %dx%d", shape[0], shape[1], shape[2], shape[3]).isEqualTo(expected);
            }
        }
    }

    /** Noise with a few bright rectangles per class, so that components of many sizes cross every threshold. */
    private static float[] blobs(Random random, int height, int width, int k) {
        float[] p = new float[height * width * k];
        for (int i = 0; i < p.length; i++) {
            p[i] = random.nextFloat() * 0.65f;
        }
        for (int cls = 0; cls < k; cls++) {
            for (int blob = 0; blob < 4; blob++) {
                int top = random.nextInt(height);
                int left = random.nextInt(width);
                int bottom = Math.min(height, top + 1 + random.nextInt(9));
                int right = Math.min(width, left + 1 + random.nextInt(9));
                for (int r = top; r < bottom; r++) {
                    for (int c = left; c < right; c++) {
                        p[(r * width + c) * k + cls] = 0.7f + random.nextFloat() * 0.3f;
                    }
                }
            }
        }
        return p;
    }

    /** The post-processing pixel by pixel: threshold, label, drop components under the minimum area, describe what stays. */
    private static List<MaskPostProcessor.DefectMask> definition(List<ModelCard.ClassSpec> classes, float[] p, int inputHeight, int inputWidth,
                                                                 int height, int width, boolean resized) {
        int k = classes.size();
        List<MaskPostProcessor.DefectMask> defects = new ArrayList<>();
        for (int cls = 0; cls < k; cls++) {
            ModelCard.ClassSpec spec = classes.get(cls);
            BinaryMask mask = new BinaryMask(height, width);
            for (int c = 0; c < width; c++) {
                for (int r = 0; r < height; r++) {
                    if (p[source(r, c, inputHeight, inputWidth, height, width, resized) * k + cls] > (float) spec.threshold()) {
                        mask.set(r, c, true);
                    }
                }
            }
            ConnectedComponents.Labelled labelled = FloodFill.label(mask);
            long kept = labelled.components().stream().filter(component -> component.pixels() >= spec.minArea()).count();
            if (kept == 0) {
                continue;
            }
            long pixels = 0;
            double sum = 0;
            int minRow = Integer.MAX_VALUE;
            int minCol = Integer.MAX_VALUE;
            int maxRow = -1;
            int maxCol = -1;
            for (int c = 0; c < width; c++) {
                for (int r = 0; r < height; r++) {
                    int label = labelled.labels()[c * height + r];
                    if (label == 0) {
                        continue;
                    }
                    if (labelled.components().get(label - 1).pixels() < spec.minArea()) {
                        mask.set(r, c, false);
                        continue;
                    }
                    pixels++;
                    sum += p[source(r, c, inputHeight, inputWidth, height, width, resized) * k + cls];
                    minRow = Math.min(minRow, r);
                    maxRow = Math.max(maxRow, r);
                    minCol = Math.min(minCol, c);
                    maxCol = Math.max(maxCol, c);
                }
            }
            defects.add(new MaskPostProcessor.DefectMask(spec.id(), spec.name(), mask, pixels,
                    new Component(pixels, minRow, minCol, maxRow, maxCol), sum / pixels, (int) kept));
        }
        return defects;
    }

    /** The model-output pixel (row-major index) an output pixel reads: the same one cropped back, the nearest resized back. */
    private static int source(int r, int c, int inputHeight, int inputWidth, int height, int width, boolean resized) {
        int sr = resized ? Math.min(inputHeight - 1, (int) ((r + 0.5) * inputHeight / height)) : r;
        int sc = resized ? Math.min(inputWidth - 1, (int) ((c + 0.5) * inputWidth / width)) : c;
        return sr * inputWidth + sc;
    }
}
