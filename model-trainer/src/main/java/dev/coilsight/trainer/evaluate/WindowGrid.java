package dev.coilsight.trainer.evaluate;

import java.util.List;

import org.tensorflow.ndarray.Shape;

import dev.coilsight.core.image.DecodedImage;
import dev.coilsight.core.model.ClassifierDecision;
import dev.coilsight.core.model.Preprocessor;
import dev.coilsight.trainer.data.LabeledImage;

/** The windows (stride half a window, last one flush with the edge) that a tile classifier looks at. */
public final class WindowGrid {

    private WindowGrid() {
    }

    /** A batch predictor: NHWC floats in, one probability per window out. */
    public interface Predictor {
        float[] predict(float[] input, Shape shape);
    }

    /** The serving windows ({@link ClassifierDecision#origins}): training validation looks where the worker looks. */
    public static List<int[]> origins(int height, int width, int windowHeight, int windowWidth) {
        return ClassifierDecision.origins(height, width, windowHeight, windowWidth);
    }

    public static List<Integer> starts(int size, int window) {
        return ClassifierDecision.starts(size, window);
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
                DecodedImage whole = new DecodedImage(image.width(), image.height(), channels, image.pixels());
                float[] values = preprocessor.prepare(ClassifierDecision.crop(whole, o[0], o[1], windowHeight, windowWidth)).values();
                System.arraycopy(values, 0, input, i * values.length, values.length);
            }
            float[] p = predictor.predict(input, Shape.of(n, windowHeight, windowWidth, channels));
            System.arraycopy(p, 0, out, start, n);
        }
        return out;
    }
}
