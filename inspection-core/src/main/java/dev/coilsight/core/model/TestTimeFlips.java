package dev.coilsight.core.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Test-time augmentation by flips: each image is also predicted flipped (mirrored, or for inputs that may swap height
 * and width also transposed or turned), the flipped outputs are flipped back and every output is the mean of the
 * passes. Steel defects look the same mirrored, so the mean is a better estimate than one pass, at the cost of one
 * more pass per flip. Model cards name the flips ({@code testTimeFlips}); every
 * prediction through {@link LoadedModel.Session} honours them, in the workers as in evaluation.
 *
 * @param flips the flipped passes besides the image as it is; empty for one plain pass
 */
public record TestTimeFlips(List<Flip> flips) {

    public static final TestTimeFlips NONE = new TestTimeFlips(List.of());

    /**
     * The symmetries of a rectangle's grid (the dihedral group): mirrors, and for square-ish inputs the transposes and
     * quarter turns, which swap height and width. Each is given as "mirror rows and/or columns, then transpose".
     */
    public enum Flip {
        /** Mirrored left to right. */
        HORIZONTAL(false, true, false),
        /** Mirrored top to bottom. */
        VERTICAL(true, false, false),
        /** Turned half way round (both mirrors). */
        ROTATE180(true, true, false),
        /** Mirrored across the main diagonal: height and width swap. */
        TRANSPOSE(false, false, true),
        /** Turned a quarter clockwise. */
        ROTATE90(true, false, true),
        /** Turned a quarter counter-clockwise. */
        ROTATE270(false, true, true),
        /** Mirrored across the other diagonal. */
        ANTI_TRANSPOSE(true, true, true);

        private final boolean mirrorRows;
        private final boolean mirrorColumns;
        private final boolean transposes;

        Flip(boolean mirrorRows, boolean mirrorColumns, boolean transposes) {
            this.mirrorRows = mirrorRows;
            this.mirrorColumns = mirrorColumns;
            this.transposes = transposes;
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** Whether the flipped image's height is the original's width. */
        public boolean transposes() {
            return transposes;
        }

        /** Where pixel (y, x) of a height x width image lands, as an index of the flipped image's pixels. */
        int target(int y, int x, int height, int width) {
            int row = mirrorRows ? height - 1 - y : y;
            int column = mirrorColumns ? width - 1 - x : x;
            return transposes ? column * height + row : row * width + column;
        }
    }

    public TestTimeFlips {
        flips = List.copyOf(flips);
        if (flips.size() != flips.stream().distinct().count()) {
            throw new IllegalArgumentException("test-time flips repeat a flip: " + flips);
        }
    }

    /** Flips named in a card or on a command line ({@code horizontal}, {@code vertical}, {@code rotate180}, ...); {@code none} or nothing for none. */
    public static TestTimeFlips parse(List<String> names) {
        if (names == null || names.isEmpty() || names.size() == 1 && names.get(0).trim().equalsIgnoreCase("none")) {
            return NONE;
        }
        List<Flip> flips = new ArrayList<>();
        for (String name : names) {
            try {
                flips.add(Flip.valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_')));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("test-time flip must be one of " + String.join(", ",
                        java.util.Arrays.stream(Flip.values()).map(Flip::label).toList()) + ", got '" + name + "'");
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
                float[] aligned = maps ? restored(out, p.height(), p.width(), out.length / (p.height() * p.width()), flip) : out;
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

    /** The images flipped. */
    static List<Preprocessor.Prepared> flipped(List<Preprocessor.Prepared> batch, Flip flip) {
        boolean swap = flip.transposes();
        return batch.stream().map(p -> new Preprocessor.Prepared(flipped(p.values(), p.height(), p.width(), p.channels(), flip),
                swap ? p.width() : p.height(), swap ? p.height() : p.width(), p.channels(),
                swap ? p.sourceWidth() : p.sourceHeight(), swap ? p.sourceHeight() : p.sourceWidth())).toList();
    }

    private static List<float[]> checked(List<float[]> outputs, List<Preprocessor.Prepared> batch) {
        if (outputs.size() != batch.size()) {
            throw new IllegalStateException("the model gave " + outputs.size() + " outputs for " + batch.size() + " inputs");
        }
        return outputs;
    }

    /** A height x width HWC array flipped. */
    static float[] flipped(float[] hwc, int height, int width, int channels, Flip flip) {
        float[] out = new float[hwc.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                System.arraycopy(hwc, (y * width + x) * channels, out, flip.target(y, x, height, width) * channels, channels);
            }
        }
        return out;
    }

    /** The output of a flipped pass brought back to the original height x width HWC grid: the inverse of {@link #flipped}. */
    static float[] restored(float[] flippedHwc, int height, int width, int channels, Flip flip) {
        float[] out = new float[flippedHwc.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                System.arraycopy(flippedHwc, flip.target(y, x, height, width) * channels, out, (y * width + x) * channels, channels);
            }
        }
        return out;
    }
}
