package dev.coilsight.image;

/** The channels a model wants. */
public enum ColorMode {
    /** One channel: luminance (0.299 R + 0.587 G + 0.114 B), which is exact for gray images stored as RGB. */
    GRAYSCALE(1),
    /** Three channels in R, G, B order. */
    RGB(3);

    private final int channels;

    ColorMode(int channels) {
        this.channels = channels;
    }

    public int channels() {
        return channels;
    }
}
