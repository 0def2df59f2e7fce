package dev.coilsight.ingest.publish;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Image ids derived from what identifies an image: its coil, the name its sender gave it (an {@code Idempotency-Key},
 * a dropped file's name) and its bytes. The same image sent again carries the same id wherever it lands, so that it
 * is counted once downstream; another image under a reused name (a camera's counter reset) gets another id.
 */
public final class ImageIds {

    private ImageIds() {
    }

    public static String derived(String coilId, String name, String sha256) {
        return UUID.nameUUIDFromBytes((coilId + "\n" + name + "\n" + sha256).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The image's SHA-256, in hex. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}
