package dev.coilsight.core.dataset;

/** A dataset folder, split list or label that cannot be used; the message names the file. */
public final class DatasetException extends IllegalArgumentException {

    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
