package dev.coilsight.core.image;

import java.util.Optional;

/** Encodings Coilsight accepts, recognised by their magic bytes, never by a file name. */
public enum ImageFormat {
    PNG, JPEG;

    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

    /** The format the bytes start with, if any. */
    public static Optional<ImageFormat> sniff(byte[] bytes) {
        if (bytes.length >= PNG_MAGIC.length) {
            boolean png = true;
            for (int i = 0; i < PNG_MAGIC.length; i++) {
                png &= bytes[i] == PNG_MAGIC[i];
            }
            if (png) {
                return Optional.of(PNG);
            }
        }
        if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xFF && (bytes[1] & 0xff) == 0xD8 && (bytes[2] & 0xff) == 0xFF) {
            return Optional.of(JPEG);
        }
        return Optional.empty();
    }
}
