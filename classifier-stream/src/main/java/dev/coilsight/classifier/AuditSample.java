package dev.coilsight.classifier;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Which images the classifier passed as clean go to people for audit: a fixed share, chosen by the image id's hash, so
 * that the choice is the same on every worker and after a restart (a record processed twice is sampled twice alike).
 */
public record AuditSample(String topic, double share) {

    public AuditSample {
        if (!(share >= 0 && share <= 1)) {
            throw new IllegalArgumentException("COILSIGHT_AUDIT_SHARE must be between 0 and 1, got " + share);
        }
    }

    public boolean chosen(String imageId) {
        if (share == 0) {
            return false;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(imageId.getBytes(StandardCharsets.UTF_8));
            long bits = 0;
            for (int i = 0; i < 7; i++) {
                bits = bits << 8 | (hash[i] & 0xff);
            }
            return bits / (double) (1L << 56) < share;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
