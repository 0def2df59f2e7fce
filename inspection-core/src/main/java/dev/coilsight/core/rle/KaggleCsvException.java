package dev.coilsight.core.rle;

/** A Kaggle CSV that cannot be read; the message names the file and line. */
public final class KaggleCsvException extends IllegalArgumentException {

    public KaggleCsvException(String message) {
        super(message);
    }
}
