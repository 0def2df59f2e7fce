package dev.coilsight.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.coilsight.ingest.publish.ImageEvents;
import dev.coilsight.ingest.publish.ImageMetadata;
import dev.coilsight.ingest.publish.ImagePublisher;
import dev.coilsight.schemas.DefectMask;
import dev.coilsight.schemas.DefectSegmentation;

/**
 * The demo's coil with a damaged roll: one real image the segmenter found defects on, replayed at every turn of a
 * 570 mm roll (a pitch of 1,792 mm) for {@value #TURNS} turns, with another real image of the data set half a turn
 * after each mark. The segmenter sees the same image each turn and finds the same defects, so coil-analytics finds
 * them repeating at the pitch, alerts, and grades the coil by its roll-mark rule.
 */
final class RollMarkCoil {

    static final int TURNS = 6;
    static final double PITCH_MM = 1792;
    /** The marks and one other image between each two. */
    static final int IMAGES = 2 * TURNS - 1;

    private static final Logger log = LoggerFactory.getLogger(RollMarkCoil.class);

    private final String coilId;

    RollMarkCoil(String coilPrefix) {
        this.coilId = coilPrefix + "roll-mark";
    }

    String coilId() {
        return coilId;
    }

    /**
     * The image to repeat: of those segmented so far, the one with the most mask pixels (the segmenter surely finds its
     * defects again), as its file among the replayed ones.
     */
    static Optional<Path> markImage(Map<String, DefectSegmentation> segmented, List<Path> images) {
        return segmented.values().stream()
                .filter(s -> !s.getMasks().isEmpty())
                .max(Comparator.comparingLong(s -> s.getMasks().stream().mapToLong(DefectMask::getPixelCount).sum()))
                .flatMap(s -> images.stream().filter(p -> s.getImageId().endsWith("-" + p.getFileName())).findFirst());
    }

    /** Publishes the coil at {@code imagesPerSecond}, its last image flagged as the coil's end; returns the images published. */
    int replay(ImagePublisher publisher, ImageEvents events, Path mark, List<Path> others, String lineId, double imagesPerSecond)
            throws IOException {
        long interval = (long) (1e9 / imagesPerSecond);
        long next = System.nanoTime();
        List<CompletableFuture<?>> sent = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
            boolean isMark = i % 2 == 0;
            Path file = isMark ? mark : others.get((i / 2) % others.size());
            double position = (i / 2) * PITCH_MM + (isMark ? 0 : PITCH_MM / 2);
            ImageMetadata metadata = new ImageMetadata(coilId, "demo-camera", i, Instant.now(), position, lineId, i == IMAGES - 1);
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            next += interval;
            sent.add(publisher.send(events.build(coilId + "-" + i + "-" + file.getFileName(), metadata, Files.readAllBytes(file)), "replay"));
        }
        publisher.flush();
        try {
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("some images of {} were not acknowledged: {}", coilId, e.getMessage());
        }
        return IMAGES;
    }
}
