package dev.coilsight.trainer.evaluate;

import java.util.ArrayList;
import java.util.List;

import org.tensorflow.ndarray.Shape;

import dev.coilsight.image.DecodedImage;
import dev.coilsight.model.Preprocessor;
import dev.coilsight.trainer.data.LabeledImage;

/** The windows (stride half a window, last one flush with the edge) that a tile classifier looks at. */
public final class WindowGrid {

    private WindowGrid() {
    }

    /** A batch predictor: NHWC floats in, one probability per window out. */
    public interface Predictor {
        float[] predict(float[] input, Shape shape);
    }

    public static List<int[]> origins(int height, int width, int windowHeight, int windowWidth) {
        List<int[]> origins = new ArrayList<>();
        for (int top : starts(height, windowHeight)) {
            for (int left : starts(width, windowWidth)) {
                origins.add(new int[] {top, left});
            }
        }
        return origins;
    }

    public static List<Integer> starts(int size, int window) {
        List<Integer> starts = new ArrayList<>();
        int stride = Math.max(1, window / 2);
        for (int s = 0; s + window <= size; s += stride) {
            starts.add(s);
        }
        if (starts.isEmpty() || starts.get(starts.size() - 1) + window < size) {
            starts.add(Math.max(0, size - window));
        }
        return starts;
    }

    public static float[] predict(Predictor predictor, Preprocessor preprocessor, LabeledImage image, List<int[]> origins,
                                  int windowHeight, int windowWidth, int batch) {
        int channels = image.channels();
        float[] out = new float[origins.size()];
        for (int start = 0; start < origins.size(); start += batch) {
            int n = Math.min(batch, origins.size() - start);
            float[] input = new float[n * windowHeight * windowWidth * channels];
            for (int i = 0; i < n; i++) {
                int[] o = origins.get(start + i);
                byte[] crop = new byte[windowHeight * windowWidth * channels];
                for (int r = 0; r < windowHeight; r++) {
                    System.arraycopy(image.pixels(), ((o[0] + r) * image.width() + o[1]) * channels, crop, r * windowWidth * channels,
                            windowWidth * channels);
                }
                float[] values = preprocessor.prepare(new DecodedImage(windowWidth, windowHeight, channels, crop)).values();
                System.arraycopy(values, 0, input, i * values.length, values.length);
            }
            float[] p = predictor.predict(input, Shape.of(n, windowHeight, windowWidth, channels));
            System.arraycopy(p, 0, out, start, n);
        }
        return out;
    }
}
