package dev.coilsight.analytics.topology;

/**
 * Keys of the "most recent per coil" stores: {@code coilId NUL time(19 digits) NUL imageId} (when a worker processed it), so
 * that a prefix scan over {@code coilId NUL} lists one coil's entries oldest first.
 */
public final class RecentKeys {

    private static final char SEPARATOR = '\0';

    private RecentKeys() {
    }

    public static String of(String coilId, long capturedAtMillis, String imageId) {
        return prefix(coilId) + String.format("%019d", Math.max(0, capturedAtMillis)) + SEPARATOR + imageId;
    }

    /** Key of a store that holds one entry per image of a coil (the coil map): {@code coilId NUL imageId}. */
    public static String imageKey(String coilId, String imageId) {
        return prefix(coilId) + imageId;
    }

    public static String prefix(String coilId) {
        return coilId + SEPARATOR;
    }

    /** The image id at the end of a key. */
    public static String imageId(String key) {
        return key.substring(key.lastIndexOf(SEPARATOR) + 1);
    }
}
