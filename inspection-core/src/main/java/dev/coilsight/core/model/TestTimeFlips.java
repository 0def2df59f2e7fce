package dev.coilsight.core.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Test-time augmentation by flips: each image is also predicted flipped, the flipped outputs are flipped back and
 * every output is the mean of the passes. Steel defects look the same mirrored, so the mean is a better estimate
 * than one pass, at the cost of one more pass per flip. Model cards name the flips ({@code testTimeFlips}); every
 * prediction through {@link LoadedModel.Session} honours them, in the workers as in evaluation.
 *
 * @param flips the flipped passes besides the image as it is; empty for one plain pass
 */
public record TestTimeFlips(List<Flip> flips) {

    public static final TestTimeFlips NONE = new TestTimeFlips(List.of());

    public enum Flip {
        /** Mirrored left to right. */
        HORIZONTAL,
        /** Mirrored top to bottom. */
        VERTICAL;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public TestTimeFlips {
        flips = List.copyOf(flips);
        if (flips.size() != flips.stream().distinct().count()) {
            throw new IllegalArgumentException("test-time flips repeat a flip: " + flips);
        }
    }

    /** Flips named in a card or on a command line: {@code horizontal}, {@code vertical}; {@code none} or nothing for none. */
    public static TestTimeFlips parse(List<String> names) {
        if (names == null || names.isEmpty() || names.size() == 1 && names.get(0).trim().equalsIgnoreCase("none")) {
            return NONE;
        }
        List<Flip> flips = new ArrayList<>();
        for (String name : names) {
            try {
                flips.add(Flip.valueOf(name.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("test-time flip must be horizontal or vertical, got '" + name + "'");
            }
        }
        return new TestTimeFlips(flips);
    }

    public boolean none() {
        return flips.isEmpty();
    }

    public List<String> labels() {
        return flips.stream().map(Flip::label).toList();
    }

    /**
     * One output per image: the mean of its passes. The passes run one after another, each a batch the size of
     * {@code batch}, so a batch with flips needs no more memory than one without. A flipped pass's output is flipped
     * back first where it is a map of the image ({@code maps}: a segmenter's HWC output of the prepared size); a
     * classifier's probabilities are averaged as they are.
     */
    public List<float[]> predict(List<Preprocessor.Prepared> batch, Function<List<Preprocessor.Prepared>, List<float[]>> model,
                                 boolean maps) {
        List<float[]> sums = new ArrayList<>();
        for (float[] output : checked(model.apply(batch), batch)) {
            sums.add(output.clone());
        }
        for (Flip flip : flips) {
            List<float[]> outputs = checked(model.apply(flipped(batch, flip)), batch);
            for (int i = 0; i < batch.size(); i++) {
                Preprocessor.Prepared p = batch.get(i);
                float[] out = outputs.get(i);
                float[] aligned = maps ? flipped(out, p.height(), p.width(), out.length / (p.height() * p.width()), flip) : out;
                float[] sum = sums.get(i);
                for (int k = 0; k < sum.length; k++) {
                    sum[k] += aligned[k];
                }
            }
        }
        float passes = flips.size() + 1;
        for (float[] sum : sums) {
            for (int k = 0; k < sum.length; k++) {
                sum[k] /= passes;
            }
        }
        return sums;
    }

    /** The images mirrored. */
    static List<Preprocessor.Prepared> flipped(List<Preprocessor.Prepared> batch, Flip flip) {
        return batch.stream().map(p -> new Preprocessor.Prepared(flipped(p.values(), p.height(), p.width(), p.channels(), flip),
                p.height(), p.width(), p.channels(), p.sourceHeight(), p.sourceWidth())).toList();
    }

    private static List<float[]> checked(List<float[]> outputs, List<Preprocessor.Prepared> batch) {
        if (outputs.size() != batch.size()) {
            throw new IllegalStateException("the model gave " + outputs.size() + " outputs for " + batch.size() + " inputs");
        }
        return outputs;
    }

    /** An HWC array mirrored left to right or top to bottom (its own inverse). */
    static float[] flipped(float[] hwc, int height, int width, int channels, Flip flip) {
        float[] out = new float[hwc.length];
        int row = width * channels;
        for (int y = 0; y < height; y++) {
            int targetY = flip == Flip.VERTICAL ? height - 1 - y : y;
            for (int x = 0; x < width; x++) {
                int targetX = flip == Flip.HORIZONTAL ? width - 1 - x : x;
                System.arraycopy(hwc, y * row + x * channels, out, targetY * row + targetX * channels, channels);
            }
        }
        return out;
    }
}
