package dev.coilsight.ingest.http;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.coilsight.ingest.publish.ImageIds;
import dev.coilsight.ingest.publish.IngestRejection;

/**
 * Uploads that carry an {@code Idempotency-Key}: for {@code window} after the first, a request with the same key
 * (on the same coil) gets the first one's answer and publishes nothing new. A retry while the first is still waiting
 * for the broker waits for that same acknowledgement; a retry after the first failed publishes again, under the same
 * image id. The image id is derived from coil, key and the image's bytes ({@link ImageIds}), so that even a retry that
 * reaches another ingest instance, or this one after a restart, carries the same id and counts once downstream. At most
 * {@code maxKeys} are remembered (the oldest are forgotten first).
 */
final class IdempotentUploads {

    private static final Logger log = LoggerFactory.getLogger(IdempotentUploads.class);
    private static final Duration EARLY_WARNING_EVERY = Duration.ofMinutes(10);

    /** One key's first upload: its image id, the image's hash, the broker's acknowledgement (completed by the sender). */
    record Upload(String imageId, String sha256, CompletableFuture<RecordMetadata> ack, long createdAtNanos) {
    }

    /** What a request with a key does: publish (the first) or take up the earlier upload's acknowledgement. */
    record Claim(Upload upload, boolean first) {
    }

    private final Duration window;
    private final int maxKeys;
    private final LongSupplier nanoTime;
    private final Map<String, Upload> uploads = new LinkedHashMap<>();
    private boolean warnedEarly;
    private long lastEarlyWarning;

    IdempotentUploads(Duration window, int maxKeys, LongSupplier nanoTime) {
        this.window = window;
        this.maxKeys = maxKeys;
        this.nanoTime = nanoTime;
    }

    /** A valid key: 1 to 200 printable ASCII characters (as a header value can carry them unescaped). */
    static String validKey(String key) {
        if (key.isEmpty() || key.length() > 200 || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw IngestRejection.badRequest("invalid_field", "Idempotency-Key must be 1 to 200 printable ASCII characters without spaces");
        }
        return key;
    }

    /**
     * Claims the key for this request: the first (or the first after a failed one) must publish and complete the
     * upload's acknowledgement; any other takes up the earlier one's. The same key with another image is refused (422).
     */
    synchronized Claim claim(String coilId, String key, String sha256) {
        forgetExpired();
        String scope = scope(coilId, key);
        Upload earlier = uploads.get(scope);
        if (earlier != null && earlier.ack().isCompletedExceptionally()) {
            uploads.remove(scope); // the earlier send failed and holds nothing: this one publishes, whatever its image
        } else if (earlier != null) {
            if (!earlier.sha256().equals(sha256)) {
                throw new IngestRejection(422, "idempotency_key_reused", "Idempotency-Key '" + key + "' was used for another image on coil "
                        + coilId + "; use a new key for a new image");
            }
            return new Claim(earlier, false);
        }
        Upload upload = new Upload(ImageIds.derived(coilId, key, sha256), sha256, new CompletableFuture<>(), nanoTime.getAsLong());
        uploads.put(scope, upload);
        while (uploads.size() > maxKeys) {
            Iterator<Upload> oldest = uploads.values().iterator();
            forgottenEarly(oldest.next());
            oldest.remove();
        }
        return new Claim(upload, true);
    }

    /** A key forgotten before its window ends: the window is shorter than configured, which an operator must hear of. */
    private void forgottenEarly(Upload upload) {
        long now = nanoTime.getAsLong();
        long age = now - upload.createdAtNanos();
        if (age < window.toNanos() && (!warnedEarly || now - lastEarlyWarning > EARLY_WARNING_EVERY.toNanos())) {
            warnedEarly = true;
            lastEarlyWarning = now;
            log.warn("COILSIGHT_IDEMPOTENCY_MAX_KEYS ({}) reached: Idempotency-Keys are forgotten after {} s instead of "
                    + "COILSIGHT_IDEMPOTENCY_WINDOW_MS ({} s); raise the bound for retries later than that", maxKeys,
                    Duration.ofNanos(age).toSeconds(), window.toSeconds());
        }
    }

    synchronized int size() {
        return uploads.size();
    }

    private void forgetExpired() {
        long now = nanoTime.getAsLong();
        for (Iterator<Upload> it = uploads.values().iterator(); it.hasNext(); ) {
            if (now - it.next().createdAtNanos() <= window.toNanos()) {
                return; // oldest first: the rest are younger
            }
            it.remove();
        }
    }

    private static String scope(String coilId, String key) {
        return coilId + "\n" + key;
    }
}
