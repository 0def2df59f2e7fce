package dev.coilsight.core.rle;

/** An RLE string that breaks the Kaggle format; the message names the offending pair. */
public final class RleFormatException extends IllegalArgumentException {

    public RleFormatException(String message) {
        super(message);
    }
}
