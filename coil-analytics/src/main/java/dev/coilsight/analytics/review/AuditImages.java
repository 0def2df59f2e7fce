package dev.coilsight.analytics.review;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.coilsight.analytics.recent.RecentRecords;
import dev.coilsight.schemas.DefectiveImage;

/**
 * The latest images the classifier passed as clean and sent for audit ({@code steel.images.audit}), bytes included:
 * every instance keeps the last {@code capacity}, so any instance shows them and takes their reviews.
 */
public final class AuditImages implements AutoCloseable {

    private final RecentRecords<DefectiveImage> images;

    public AuditImages(Map<String, Object> settings, String topic, int capacity) {
        images = new RecentRecords<>(settings, topic, DefectiveImage.class, capacity, AuditImages::key,
                d -> d.getImage().getCapturedAt().toEpochMilli());
    }

    private static String key(DefectiveImage image) {
        return key(image.getImage().getCoilId(), image.getImage().getImageId());
    }

    private static String key(String coilId, String imageId) {
        return coilId + "/" + imageId;
    }

    public void start() {
        images.start();
    }

    /** The latest audit images, newest capture first. */
    public List<DefectiveImage> latest(int limit) {
        return images.latest(limit, Comparator.comparing((DefectiveImage d) -> d.getImage().getCapturedAt()).reversed());
    }

    public Optional<DefectiveImage> get(String coilId, String imageId) {
        return images.get(key(coilId, imageId));
    }

    /** Keeps an image as if read from the topic (for tests of what reads these). */
    void add(DefectiveImage image) {
        images.add(image);
    }

    @Override
    public void close() {
        images.close();
    }
}
