package dev.coilsight.core.model;

import java.util.ArrayList;
import java.util.List;

import dev.coilsight.core.image.DecodedImage;

/**
 * How a classifier decides for a whole image, from its card's {@code decision}: the model looks at
 * the whole image, or at windows of the card's size (stride half a window, the last one flush with
 * the edge) and the image's probability is that of its most defective window; a model that pools
 * those windows itself from one pass over the whole image takes the whole image. An image is
 * defective when its probability is above the threshold. The one implementation used by the
 * classifier worker and by offline evaluation, so both decide alike.
 */
public final class ClassifierDecision {

    private final ModelCard.Decision decision;
    private final Preprocessor preprocessor;
    /** The size multiple the model pads its input to: a model pooling its windows places them on that grid. */
    private final int cell;

    public ClassifierDecision(ModelCard card) {
        if (card.segmentation()) {
            throw new IllegalArgumentException("model " + card.name() + " is a segmenter, not a classifier");
        }
        this.decision = card.decision();
        this.preprocessor = new Preprocessor(card.input());
        this.cell = Math.max(1, card.input().multiple());
    }

    public double threshold() {
        return decision.threshold();
    }

    /** The decision on a probability: strictly above the threshold. */
    public boolean defective(double probability) {
        return probability > decision.threshold();
    }

    /**
     * The model inputs of one image: the whole image, or its windows in {@link #origins} order.
     *
     * @throws IllegalArgumentException when the image is smaller than a window
     */
    public List<Preprocessor.Prepared> inputs(DecodedImage image) {
        if (!decision.windowed()) {
            return List.of(preprocessor.prepare(image));
        }
        int wh = decision.windowHeight();
        int ww = decision.windowWidth();
        if (image.height() < wh || image.width() < ww) {
            throw new IllegalArgumentException("image of " + image.width() + "x" + image.height()
                    + " is smaller than the classifier's " + ww + "x" + wh + " window");
        }
        if (wholeImageInOnePass(image.height(), image.width())) {
            return List.of(preprocessor.prepare(image));
        }
        List<Preprocessor.Prepared> inputs = new ArrayList<>();
        for (int[] origin : origins(image.height(), image.width(), wh, ww)) {
            inputs.add(preprocessor.prepare(crop(image, origin[0], origin[1], wh, ww)));
        }
        return inputs;
    }

    /**
     * Whether an image of this size goes to the model whole, in one pass: without windows, or with windows the model
     * pools itself on an image of whole cells. Pooled in the graph, windows lie on the padded image's cells: on an image
     * that is not whole cells the last ones would sit against the padding, not the image's edge, and see padding, so such
     * an image goes window by window (the pooling model takes one window alike), as a model without pooling sees it.
     */
    public boolean wholeImageInOnePass(int height, int width) {
        return !decision.windowed() || decision.pooledInGraph() && height % cell == 0 && width % cell == 0;
    }

    /** The image's probability from the model outputs of its {@link #inputs}: the largest. */
    public static double probability(List<float[]> outputs) {
        double max = 0;
        for (float[] output : outputs) {
            max = Math.max(max, output[0]);
        }
        return max;
    }

    /** Runs one image through a session, {@code batch} inputs at a time; returns its probability. */
    public double classify(LoadedModel.Session session, DecodedImage image, int batch) {
        List<Preprocessor.Prepared> inputs = inputs(image);
        List<float[]> outputs = new ArrayList<>(inputs.size());
        for (int start = 0; start < inputs.size(); start += batch) {
            outputs.addAll(session.predict(inputs.subList(start, Math.min(inputs.size(), start + batch))));
        }
        return probability(outputs);
    }

    /** Window origins (top, left), row by row. */
    public static List<int[]> origins(int height, int width, int windowHeight, int windowWidth) {
        List<int[]> origins = new ArrayList<>();
        for (int top : starts(height, windowHeight)) {
            for (int left : starts(width, windowWidth)) {
                origins.add(new int[] {top, left});
            }
        }
        return origins;
    }

    /** Window starts along one axis: stride half a window, the last window flush with the edge. */
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

    /** The pixels of one window (HWC bytes). */
    public static DecodedImage crop(DecodedImage image, int top, int left, int height, int width) {
        int channels = image.channels();
        byte[] crop = new byte[height * width * channels];
        for (int r = 0; r < height; r++) {
            System.arraycopy(image.pixels(), ((top + r) * image.width() + left) * channels, crop, r * width * channels, width * channels);
        }
        return new DecodedImage(width, height, channels, crop);
    }
}
