package dev.coilsight.ingest.replay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.coilsight.ingest.IngestMetrics;
import dev.coilsight.ingest.publish.ImageEvents;
import dev.coilsight.ingest.publish.ImageMetadata;
import dev.coilsight.ingest.publish.ImagePublisher;
import dev.coilsight.ingest.publish.IngestRejection;
import dev.coilsight.cli.ProgressBar;
import dev.coilsight.schemas.CoilEnded;
import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.schemas.Topics;

/**
 * Replays a dataset's images into the images topic as if they came off a line: split into N coils
 * one after the other, each with its own sequence and increasing position along the strip and its last image flagged
 * as the coil's end, at a steady rate (sends are paced, acknowledgements awaited at the end, so a slow ack never lowers
 * the rate; after a stall the pace starts again from then rather than sending what it missed in a burst). A coil whose
 * flagged image was not published (unreadable, refused, or the replay stopped before it) is ended on the coil-ends
 * topic instead, so that coil-analytics ends it as the line did rather than after its idle time.
 */
public final class Replayer {

    private static final Logger log = LoggerFactory.getLogger(Replayer.class);
    private static final String SOURCE = "replay";

    /** How to replay; refused at once when an id or step would make every image refused. */
    public record Plan(int coils, double imagesPerSecond, String coilPrefix, String cameraId, String lineId,
                       double positionStepMm, int loops) {
        public Plan {
            if (coils < 1) {
                throw new IllegalArgumentException("--coils must be >= 1, got " + coils);
            }
            // The longest coil id it will make: a loop number of six digits and the last coil's number.
            String longestCoilId = coilPrefix + (loops == 1 ? "" : "L999999-") + coils;
            if (!ImageMetadata.isValidId(longestCoilId)) {
                throw new IllegalArgumentException("--coil-prefix '" + coilPrefix + "' makes coil ids such as '" + longestCoilId + "': an id is 1-128 "
                        + "characters of letters, digits, '.', '_' or '-' starting with a letter or digit");
            }
            if (!ImageMetadata.isValidId(cameraId)) {
                throw new IllegalArgumentException("--camera-id must be 1-128 characters of letters, digits, '.', '_' or '-' starting with a "
                        + "letter or digit, got '" + cameraId + "'");
            }
            if (lineId != null && !ImageMetadata.isValidId(lineId)) {
                throw new IllegalArgumentException("--line-id must be 1-128 characters of letters, digits, '.', '_' or '-' starting with a "
                        + "letter or digit, got '" + lineId + "'");
            }
            if (!(positionStepMm >= 0) || Double.isInfinite(positionStepMm)) {
                throw new IllegalArgumentException("--position-step-mm must be a finite length >= 0, got " + positionStepMm);
            }
            if (!(imagesPerSecond > 0)) {
                throw new IllegalArgumentException("--rate must be > 0 images/s, got " + imagesPerSecond);
            }
            if (loops < 0) {
                throw new IllegalArgumentException("loops must be >= 0 (0 = until stopped), got " + loops);
            }
        }
    }

    /** What a replay did. */
    public record Result(long published, long rejected, long bytes, double seconds, List<String> coilIds) {
        public double imagesPerSecond() {
            return seconds > 0 ? published / seconds : 0;
        }
    }

    /** How long a paced wait sleeps at most before it looks whether the replay was stopped. */
    private static final long STOP_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final ImagePublisher publisher;
    private final ImageEvents events;
    private final IngestMetrics metrics;
    private final String coilEndsTopic;
    private volatile boolean stopped;

    public Replayer(ImagePublisher publisher, ImageEvents events, IngestMetrics metrics) {
        this(publisher, events, metrics, Topics.COIL_ENDS);
    }

    public Replayer(ImagePublisher publisher, ImageEvents events, IngestMetrics metrics, String coilEndsTopic) {
        this.publisher = publisher;
        this.events = events;
        this.metrics = metrics;
        this.coilEndsTopic = coilEndsTopic;
    }

    /** Asks a running replay (e.g. with --loop) to finish after the image in flight. */
    public void stop() {
        stopped = true;
    }

    /** The index of the first image of coil {@code coil} when {@code images} are spread over {@code coils}. */
    static long firstOfCoil(int coil, int images, int coils) {
        return ((long) coil * images + coils - 1) / coils;
    }

    public Result replay(List<Path> images, Plan plan, ProgressBar progress) {
        long intervalNanos = (long) (1e9 / plan.imagesPerSecond());
        long started = System.nanoTime();
        long next = started;
        AtomicLong published = new AtomicLong();
        AtomicLong rejected = new AtomicLong();
        AtomicLong bytesSent = new AtomicLong();
        AtomicReference<String> registryFailure = new AtomicReference<>();
        List<String> coilIds = new ArrayList<>();
        List<CompletableFuture<?>> inFlight = new ArrayList<>();
        // Each coil's flagged last image as sent; a coil missing here, or whose send failed, is ended on the coil-ends topic.
        Map<String, CompletableFuture<?>> lastImages = new HashMap<>();
        for (int loop = 0; (plan.loops() == 0 || loop < plan.loops()) && !stopped; loop++) {
            for (int i = 0; i < images.size() && !stopped; i++) {
                // Spread evenly, so that every coil asked for gets images (4 images in 3 coils: 2, 1 and 1).
                int coil = (int) ((long) i * plan.coils() / images.size());
                long sequence = i - firstOfCoil(coil, images.size(), plan.coils());
                String coilId = plan.coilPrefix() + (plan.loops() == 1 ? "" : "L" + (loop + 1) + "-") + (coil + 1);
                if (sequence == 0) {
                    coilIds.add(coilId);
                }
                for (long wait = next - System.nanoTime(); wait > 0 && !stopped; wait = next - System.nanoTime()) {
                    LockSupport.parkNanos(Math.min(wait, STOP_CHECK_NANOS));
                }
                if (stopped) {
                    break;
                }
                long now = System.nanoTime();
                if (now - next > intervalNanos) {
                    next = now; // more than an interval behind (a send blocked, a slow read): go on at the pace from here
                }
                next += intervalNanos;
                Path file = images.get(i);
                try {
                    byte[] bytes = Files.readAllBytes(file);
                    // The last image of each coil says so, as a line reporting its coils' ends does.
                    boolean lastOfCoil = i + 1 == firstOfCoil(coil + 1, images.size(), plan.coils());
                    ImageMetadata metadata = new ImageMetadata(coilId, plan.cameraId(), sequence, Instant.now(),
                            sequence * plan.positionStepMm(), plan.lineId(), lastOfCoil);
                    ImageCaptured event = events.build(coilId + "-" + sequence + "-" + file.getFileName(), metadata, bytes);
                    long sentAt = System.nanoTime();
                    CompletableFuture<?> sent = publisher.send(event, SOURCE).whenComplete((ack, error) -> {
                        if (error == null) {
                            published.incrementAndGet();
                            bytesSent.addAndGet(bytes.length);
                            metrics.accepted(SOURCE, bytes.length, (System.nanoTime() - sentAt) / 1e9);
                        } else if (serialization(error)) {
                            // The registry refused the schema or did not answer: so it would for every image.
                            rejected.incrementAndGet();
                            metrics.rejected(SOURCE, "registry_unavailable");
                            registryFailure.compareAndSet(null, error.getMessage());
                            stopped = true;
                        } else {
                            rejected.incrementAndGet();
                            metrics.rejected(SOURCE, "broker_unavailable");
                            log.warn("image {} of coil {} not published: {}", file.getFileName(), coilId, error.getMessage());
                        }
                    });
                    inFlight.add(sent);
                    if (lastOfCoil) {
                        lastImages.put(coilId, sent);
                    }
                } catch (IngestRejection e) {
                    rejected.incrementAndGet();
                    metrics.rejected(SOURCE, e.reason());
                    log.warn("skipping {}: {}", file, e.getMessage());
                } catch (IOException e) {
                    rejected.incrementAndGet();
                    metrics.rejected(SOURCE, "unreadable");
                    log.warn("skipping {}: {}", file, e.getMessage());
                }
                if (progress != null) {
                    progress.step();
                }
                inFlight.removeIf(CompletableFuture::isDone);
            }
        }
        publisher.flush();
        try {
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("some images were not acknowledged: {}", e.getMessage());
        }
        if (registryFailure.get() != null) {
            throw new RegistryFailure("the schema registry refused the images' schema or did not answer, so no image can be published: "
                    + registryFailure.get());
        }
        endCoilsWithoutTheirLastImage(coilIds, lastImages, plan.lineId());
        double seconds = (System.nanoTime() - started) / 1e9;
        return new Result(published.get(), rejected.get(), bytesSent.get(), seconds, coilIds);
    }

    /** The replay stopped at its first image: the registry cannot serialize any. */
    public static final class RegistryFailure extends RuntimeException {
        RegistryFailure(String message) {
            super(message);
        }
    }

    private static boolean serialization(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof org.apache.kafka.common.errors.SerializationException) {
                return true;
            }
        }
        return false;
    }

    private void endCoilsWithoutTheirLastImage(List<String> coilIds, Map<String, CompletableFuture<?>> lastImages, String lineId) {
        for (String coilId : coilIds) {
            CompletableFuture<?> last = lastImages.get(coilId);
            if (last != null && last.isDone() && !last.isCompletedExceptionally()) {
                continue;
            }
            try {
                publisher.publishCoilEnd(coilEndsTopic, new CoilEnded(coilId, lineId, Instant.now(), null, SOURCE));
                log.info("coil {} ended on {}: its last image was not published", coilId, coilEndsTopic);
            } catch (RuntimeException e) {
                log.warn("coil {}: its last image was not published, nor its end ({}): coil-analytics ends it after its idle time", coilId,
                        e.getMessage());
            }
        }
    }
}
