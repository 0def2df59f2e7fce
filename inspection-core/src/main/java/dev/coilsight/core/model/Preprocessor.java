package dev.coilsight.core.model;

import dev.coilsight.core.image.DecodedImage;

/**
 * Turns a decoded image (8-bit HWC, already in the model's channel count) into the model's
 * input: normalised floats, padded or resized as the card says. The same code serves in the
 * workers and in offline evaluation, so both see identical inputs.
 */
public final class Preprocessor {

    private final InputSpec spec;
    private final float[] offset;
    private final float[] factor;

    public Preprocessor(InputSpec spec) {
        this.spec = spec;
        offset = new float[spec.channels()];
        factor = new float[spec.channels()];
        for (int c = 0; c < spec.channels(); c++) {
            factor[c] = (float) (spec.scale() / spec.std().get(c));
            offset[c] = (float) (spec.mean().get(c) / spec.std().get(c));
        }
    }

    public InputSpec spec() {
        return spec;
    }

    /** The model input of one image and how to map outputs back to the image. */
    public record Prepared(float[] values, int height, int width, int channels, int sourceHeight, int sourceWidth) {
    }

    public int inputHeight(int sourceHeight) {
        return spec.sizePolicy().equals(InputSpec.RESIZE) ? spec.height() : roundUp(sourceHeight);
    }

    public int inputWidth(int sourceWidth) {
        return spec.sizePolicy().equals(InputSpec.RESIZE) ? spec.width() : roundUp(sourceWidth);
    }

    private int roundUp(int size) {
        int m = spec.multiple();
        return (size + m - 1) / m * m;
    }

    public Prepared prepare(DecodedImage image) {
        if (image.channels() != spec.channels()) {
            throw new IllegalArgumentException("image has " + image.channels() + " channel(s), the model wants " + spec.channels());
        }
        int h = inputHeight(image.height());
        int w = inputWidth(image.width());
        int channels = spec.channels();
        float[] out = spec.sizePolicy().equals(InputSpec.RESIZE) ? resized(image, h, w) : padded(image, h, w);
        return new Prepared(out, h, w, channels, image.height(), image.width());
    }

    /** Bilinear samples of the image at the model's fixed size, normalised. */
    private float[] resized(DecodedImage image, int h, int w) {
        int channels = spec.channels();
        float[] out = new float[h * w * channels];
        byte[] px = image.pixels();
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                for (int k = 0; k < channels; k++) {
                    float v = bilinear(px, image.height(), image.width(), channels, k, (r + 0.5f) * image.height() / h - 0.5f,
                            (c + 0.5f) * image.width() / w - 0.5f);
                    out[(r * w + c) * channels + k] = v * factor[k] - offset[k];
                }
            }
        }
        return out;
    }

    /**
     * The image normalised, then padded to {@code h x w} by repeating its last column and row: a row at a time, the
     * image's part as one straight loop over its bytes.
     */
    private float[] padded(DecodedImage image, int h, int w) {
        int channels = spec.channels();
        int rowValues = image.width() * channels;
        int outRowValues = w * channels;
        float[] out = new float[h * outRowValues];
        byte[] px = image.pixels();
        for (int r = 0; r < image.height(); r++) {
            int from = r * rowValues;
            int to = r * outRowValues;
            if (channels == 1) {
                for (int i = 0; i < rowValues; i++) {
                    out[to + i] = (px[from + i] & 0xff) * factor[0] - offset[0];
                }
            } else {
                for (int i = 0; i < rowValues; i += channels) {
                    for (int k = 0; k < channels; k++) {
                        out[to + i + k] = (px[from + i + k] & 0xff) * factor[k] - offset[k];
                    }
                }
            }
            for (int i = rowValues; i < outRowValues; i += channels) {
                System.arraycopy(out, to + rowValues - channels, out, to + i, channels);
            }
        }
        int lastRow = (image.height() - 1) * outRowValues;
        for (int r = image.height(); r < h; r++) {
            System.arraycopy(out, lastRow, out, r * outRowValues, outRowValues);
        }
        return out;
    }

    /**
     * Pixels resized to {@code toHeight x toWidth} with the same bilinear sampling as {@link #prepare} under the resize
     * policy (rounded to bytes): for training on what the model will be served.
     */
    public static byte[] resize(byte[] pixels, int height, int width, int channels, int toHeight, int toWidth) {
        byte[] out = new byte[toHeight * toWidth * channels];
        for (int r = 0; r < toHeight; r++) {
            for (int c = 0; c < toWidth; c++) {
                for (int k = 0; k < channels; k++) {
                    float v = bilinear(pixels, height, width, channels, k, (r + 0.5f) * height / toHeight - 0.5f,
                            (c + 0.5f) * width / toWidth - 0.5f);
                    out[(r * toWidth + c) * channels + k] = (byte) Math.round(v);
                }
            }
        }
        return out;
    }

    private static float bilinear(byte[] px, int h, int w, int channels, int k, float y, float x) {
        y = Math.max(0, Math.min(h - 1, y));
        x = Math.max(0, Math.min(w - 1, x));
        int y0 = (int) y;
        int x0 = (int) x;
        int y1 = Math.min(h - 1, y0 + 1);
        int x1 = Math.min(w - 1, x0 + 1);
        float fy = y - y0;
        float fx = x - x0;
        float a = px[(y0 * w + x0) * channels + k] & 0xff;
        float b = px[(y0 * w + x1) * channels + k] & 0xff;
        float c = px[(y1 * w + x0) * channels + k] & 0xff;
        float d = px[(y1 * w + x1) * channels + k] & 0xff;
        return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
    }
}
