package dev.coilsight.core.image;

/** What an image's header says, read without decoding its pixels. */
public record ImageHeader(ImageFormat format, int width, int height) {
}
