package dev.coilsight.core.model;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * How a model wants its input (the "input" section of {@code model.json}).
 *
 * @param name          input tensor name of the signature
 * @param layout        always NHWC
 * @param channels      1 (gray) or 3 (RGB)
 * @param sizePolicy    {@code pad} (any size; padded at the bottom/right by repeating the edge up to
 *                      a multiple of {@code multiple}, outputs cropped back) or {@code resize}
 *                      (bilinear to {@code height} x {@code width}, outputs resized back)
 * @param multiple      the size multiple for {@code pad}
 * @param height        the fixed height for {@code resize}
 * @param width         the fixed width for {@code resize}
 * @param scale         pixels (0..255) are multiplied by this, then
 * @param mean          per-channel mean subtracted, then
 * @param std           per-channel divisor
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record InputSpec(String name, String layout, int channels, String sizePolicy, int multiple, Integer height, Integer width,
                        double scale, List<Double> mean, List<Double> std) {

    public static final String PAD = "pad";
    public static final String RESIZE = "resize";

    public InputSpec {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("input.channels must be 1 or 3, got " + channels);
        }
        if (layout != null && !layout.equals("NHWC")) {
            throw new IllegalArgumentException("input.layout must be NHWC, got " + layout);
        }
        layout = "NHWC";
        sizePolicy = sizePolicy == null ? PAD : sizePolicy;
        if (sizePolicy.equals(PAD) && multiple < 1) {
            throw new IllegalArgumentException("input.multiple must be >= 1 for the pad size policy");
        }
        if (sizePolicy.equals(RESIZE) && (height == null || width == null || height < 1 || width < 1)) {
            throw new IllegalArgumentException("input.height and input.width are required for the resize size policy");
        }
        if (!sizePolicy.equals(PAD) && !sizePolicy.equals(RESIZE)) {
            throw new IllegalArgumentException("input.sizePolicy must be 'pad' or 'resize', got '" + sizePolicy + "'");
        }
        scale = scale == 0 ? 1.0 / 255 : scale;
        mean = mean == null || mean.isEmpty() ? java.util.Collections.nCopies(channels, 0.0) : List.copyOf(mean);
        std = std == null || std.isEmpty() ? java.util.Collections.nCopies(channels, 1.0) : List.copyOf(std);
        if (mean.size() != channels || std.size() != channels) {
            throw new IllegalArgumentException("input.mean and input.std need one value per channel (" + channels + ")");
        }
    }

    /** The default of Coilsight's own models: any size padded to a multiple, pixels scaled to 0..1. */
    public static InputSpec padded(String name, int channels, int multiple) {
        return new InputSpec(name, "NHWC", channels, PAD, multiple, null, null, 1.0 / 255, null, null);
    }
}
