package dev.coilsight.analytics.review;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;

import dev.coilsight.core.rle.RleFormatException;
import dev.coilsight.core.rle.RunLengthEncoding;
import dev.coilsight.schemas.DefectMask;
import dev.coilsight.schemas.DefectReviewed;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.DefectiveImage;
import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.schemas.ModelRef;
import dev.coilsight.schemas.ReviewMask;
import dev.coilsight.schemas.ReviewVerdict;

/**
 * Turns a reviewer's verdict on one image (a defective one, or one the classifier passed as clean and sent for audit)
 * into a {@code DefectReviewed}: the model's masks and the image come from
 * what coil-analytics keeps, never from the client; painted masks are checked against the image's size. A review
 * sent again with the same {@code reviewId} (a retry) within {@code window} gets the first answer and publishes
 * nothing, also after a restart or on another instance, since every instance reads the stored reviews back
 * ({@link #remember}); the same id with another verdict or other masks is refused. A review that says which review it
 * is based on ({@code basedOn}) is refused with the image's latest review when another was taken meanwhile: the
 * reviewer sees it before replacing it, rather than a correction being overwritten unseen.
 */
public final class ReviewDesk {

    /** What coil-analytics keeps about recent images: the defective image (bytes included) and its segmentation. */
    public interface Images {
        Optional<DefectiveImage> image(String coilId, String imageId);

        Optional<DefectSegmentation> segmentation(String coilId, String imageId);
    }

    /** A review that cannot be taken, with the HTTP status that says why. */
    public static class Refused extends RuntimeException {
        private final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** A review based on one that is no longer the image's latest: 409, with the latest for the reviewer to see. */
    public static final class Superseded extends Refused {
        private final DefectReviewed latest;

        Superseded(DefectReviewed latest, String message) {
            super(409, message);
            this.latest = latest;
        }

        /** The image's latest review, without its image. */
        public DefectReviewed latest() {
            return latest;
        }
    }

    /** The review as published; {@code repeated} when this was a retry of one already published. */
    public record Accepted(DefectReviewed review, boolean repeated) {
    }

    /** A review stored before, without its image: what a retry is answered with. */
    private record Remembered(DefectReviewed review, String fingerprint, Instant at) {
    }

    private final Images images;
    private final ReviewSink sink;
    private final Clock clock;
    private final Duration window;
    private final int maxRemembered;
    private volatile boolean historyRead;
    private final Map<String, Remembered> recent = new LinkedHashMap<>();
    /** Each image's latest review (coil/image), in the order they were stored; as many images as review ids are kept. */
    private final Map<String, DefectReviewed> latestOfImage = new LinkedHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private static final long WAIT_FOR_ANOTHER_REVIEW_MS = 2000;

    /** Takes no review until {@link #historyRead} says that the reviews already stored have been read back. */
    public ReviewDesk(Images images, ReviewSink sink, Clock clock, Duration window, int maxRemembered) {
        this.images = images;
        this.sink = sink;
        this.clock = clock;
        this.window = window;
        this.maxRemembered = maxRemembered;
    }

    /** How long a review's id is remembered: the reviews of this long back must be read into {@link #remember} at start. */
    public Duration window() {
        return window;
    }

    /**
     * The reviews already on the topic (within {@code window}) have been read into {@link #remember}: from now on a
     * retry is recognised, so reviews are taken.
     */
    public void historyRead() {
        historyRead = true;
    }

    /**
     * A review read from the topic (written by this instance or another, now or before a restart): a retry of it is
     * answered with it, wherever the retry lands.
     */
    public void remember(DefectReviewed review) {
        lock.lock();
        try {
            rememberLocked(review);
        } finally {
            lock.unlock();
        }
    }

    private void rememberLocked(DefectReviewed review) {
        if (!recent.containsKey(review.getReviewId())) {
            keep(review, fingerprint(review.getReviewer(), review.getCoilId(), review.getImageId(), review.getVerdict(),
                    review.getVerdict() == ReviewVerdict.CORRECTED ? corrected(review.getReviewedMasks()) : ""), review.getReviewedAt());
        }
    }

    /**
     * Refuses a review based on another than the image's latest; one that does not say, or names a review too old to be
     * kept here, is taken.
     */
    private void requireBasedOnLatest(String coilId, String imageId, ReviewRequest request) {
        if (request.basedOn().isEmpty()) {
            return;
        }
        DefectReviewed latest = latestOfImage.get(imageKey(coilId, imageId));
        if (latest != null && !latest.getReviewId().equals(request.basedOn().get())) {
            throw new Superseded(latest, "image '" + imageId + "' was reviewed by " + latest.getReviewer() + " at " + latest.getReviewedAt()
                    + " (" + latest.getVerdict() + ") after the review this one is based on; look at that review, then send again based on it");
        }
    }

    /**
     * What makes two sends the same review: the reviewer, the image, the verdict and, for a correction, the non-empty
     * masks by class; kept as a hash, since painted masks can be long.
     */
    private static String fingerprint(String reviewer, String coilId, String imageId, ReviewVerdict verdict, String correctedMasks) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest((reviewer + "\n" + coilId + "\n" + imageId + "\n" + verdict + "\n"
                    + correctedMasks).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static String corrected(List<ReviewMask> masks) {
        return masks.stream().sorted(Comparator.comparingInt(ReviewMask::getClassId)).map(m -> m.getClassId() + ":" + m.getRle())
                .collect(Collectors.joining(";"));
    }

    private static String corrected(ReviewRequest request) {
        return request.masks().stream().filter(m -> !m.rle().isBlank()).sorted(Comparator.comparingInt(ReviewRequest.Mask::classId))
                .map(m -> m.classId() + ":" + m.rle()).collect(Collectors.joining(";"));
    }

    private void keep(DefectReviewed review, String fingerprint, Instant at) {
        DefectReviewed withoutImage = DefectReviewed.newBuilder(review).setImageBytes(null).build();
        recent.put(review.getReviewId(), new Remembered(withoutImage, fingerprint, at));
        while (recent.size() > maxRemembered) {
            recent.remove(recent.keySet().iterator().next());
        }
        String image = imageKey(review.getCoilId(), review.getImageId());
        latestOfImage.remove(image);
        latestOfImage.put(image, withoutImage);
        while (latestOfImage.size() > maxRemembered) {
            latestOfImage.remove(latestOfImage.keySet().iterator().next());
        }
    }

    private static String imageKey(String coilId, String imageId) {
        return coilId + "/" + imageId;
    }

    /**
     * Publishes the review (once per reviewId) and returns it. Reviews are human-paced and taken one at a time; one that
     * would wait long for another (a slow broker) is refused at once, so that waiting reviews hold no HTTP slot.
     */
    public Accepted review(String coilId, String imageId, String reviewer, ReviewRequest request) {
        try {
            if (!lock.tryLock(WAIT_FOR_ANOTHER_REVIEW_MS, TimeUnit.MILLISECONDS)) {
                throw new Refused(503, "another review is being stored; send again in a moment");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused(503, "interrupted; send again");
        }
        try {
            return reviewLocked(coilId, imageId, reviewer, request);
        } finally {
            lock.unlock();
        }
    }

    private Accepted reviewLocked(String coilId, String imageId, String reviewer, ReviewRequest request) {
        if (!historyRead) {
            throw new Refused(503, "starting: the reviews already stored are being read, so that a retry is recognised; send again in a moment");
        }
        Instant now = clock.instant();
        forgetOlderThan(now.minus(window));
        String fingerprint = fingerprint(reviewer, coilId, imageId, request.verdict(),
                request.verdict() == ReviewVerdict.CORRECTED ? corrected(request) : "");
        Remembered earlier = recent.get(request.reviewId());
        if (earlier != null) {
            if (!earlier.fingerprint().equals(fingerprint)) {
                throw new Refused(409, "reviewId '" + request.reviewId() + "' was already used for another review; send a new id");
            }
            return new Accepted(earlier.review(), true);
        }
        requireBasedOnLatest(coilId, imageId, request);
        DefectiveImage image = images.image(coilId, imageId).orElseThrow(() -> new Refused(404, "image '" + imageId + "' of coil '"
                + coilId + "' is neither among the recent defective images kept here nor among the audit images; only those can be reviewed"));
        Optional<DefectSegmentation> segmentation = images.segmentation(coilId, imageId);
        boolean defective = image.getClassification().getDefective();
        if (request.verdict() == ReviewVerdict.CONFIRMED && defective && segmentation.isEmpty()) {
            throw new Refused(409, "image '" + imageId + "' has no segmentation here (not segmented yet, or no longer kept), so there "
                    + "are no masks to confirm; send CORRECTED with the masks as they should be, or confirm once its masks are shown");
        }
        ImageCaptured captured = image.getImage();
        List<ReviewMask> modelMasks = segmentation.map(s -> s.getMasks().stream().map(ReviewDesk::fromModel).toList()).orElse(List.of());
        List<ReviewMask> reviewed = switch (request.verdict()) {
            case CONFIRMED -> modelMasks;
            case REJECTED -> List.of();
            case CORRECTED -> painted(request.masks(), modelMasks, captured.getHeight(), captured.getWidth());
        };
        ModelRef model = segmentation.map(DefectSegmentation::getModel).orElse(image.getClassification().getModel());
        DefectReviewed review = DefectReviewed.newBuilder()
                .setReviewId(request.reviewId()).setImageId(imageId).setCoilId(coilId).setLineId(captured.getLineId())
                .setReviewer(reviewer).setReviewedAt(now).setVerdict(request.verdict())
                .setAudit(!defective).setModel(model)
                .setWidth(captured.getWidth()).setHeight(captured.getHeight())
                .setModelMasks(modelMasks).setReviewedMasks(reviewed)
                .setImageEncoding(captured.getEncoding()).setImageBytes(captured.getBytes().duplicate())
                .build();
        sink.publish(review);
        keep(review, fingerprint, now);
        return new Accepted(review, false);
    }

    private static ReviewMask fromModel(DefectMask mask) {
        return new ReviewMask(mask.getClassId(), mask.getClassName(), mask.getRle(), mask.getPixelCount());
    }

    /** The painted masks, checked; classes left empty are dropped, names come from the model where it had the class. */
    private static List<ReviewMask> painted(List<ReviewRequest.Mask> masks, List<ReviewMask> modelMasks, int height, int width) {
        List<ReviewMask> out = new ArrayList<>();
        for (int i = 0; i < masks.size(); i++) {
            ReviewRequest.Mask mask = masks.get(i);
            long pixels;
            try {
                pixels = RunLengthEncoding.pixelCount(mask.rle(), height, width);
            } catch (RleFormatException e) {
                throw new Refused(400, "masks[" + i + "].rle: " + e.getMessage());
            }
            if (pixels == 0) {
                continue;
            }
            String name = mask.className() != null ? mask.className() : modelMasks.stream().filter(m -> m.getClassId() == mask.classId())
                    .map(ReviewMask::getClassName).findFirst().orElse("class " + mask.classId());
            out.add(new ReviewMask(mask.classId(), name, mask.rle(), pixels));
        }
        out.sort(Comparator.comparingInt(ReviewMask::getClassId));
        return out;
    }

    private void forgetOlderThan(Instant cutoff) {
        recent.values().removeIf(r -> r.at().isBefore(cutoff));
    }
}
