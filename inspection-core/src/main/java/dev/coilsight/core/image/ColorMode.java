package dev.coilsight.core.image;

/** The channels a model wants; see {@link ChannelConverter} for how each source type is converted. */
public enum ColorMode {
    /**
     * One channel. Gray sources keep their values (scaled to 8 bits); colour sources become the
     * BT.601 luminance (0.299 R + 0.587 G + 0.114 B), which is exact for gray stored as RGB.
     */
    GRAYSCALE(1),
    /** Three channels in R, G, B order; gray sources are repeated into all three. */
    RGB(3);

    private final int channels;

    ColorMode(int channels) {
        this.channels = channels;
    }

    public int channels() {
        return channels;
    }

    /** The mode that gives a model input of {@code channels} channels: grey for one, RGB otherwise. */
    public static ColorMode forChannels(int channels) {
        return channels == 1 ? GRAYSCALE : RGB;
    }
}
