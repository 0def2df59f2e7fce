package dev.coilsight.analytics.review;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.coilsight.rle.RleFormatException;
import dev.coilsight.rle.RunLengthEncoding;
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
 * nothing; the same id with another verdict or other masks is refused.
 */
public final class ReviewDesk {

    /** What coil-analytics keeps about recent images: the defective image (bytes included) and its segmentation. */
    public interface Images {
        Optional<DefectiveImage> image(String coilId, String imageId);

        Optional<DefectSegmentation> segmentation(String coilId, String imageId);
    }

    /** A review that cannot be taken, with the HTTP status that says why. */
    public static final class Refused extends RuntimeException {
        private final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** The review as published; {@code repeated} when this was a retry of one already published. */
    public record Accepted(DefectReviewed review, boolean repeated) {
    }

    private record Remembered(DefectReviewed review, String request, Instant at) {
    }

    private final Images images;
    private final ReviewSink sink;
    private final Clock clock;
    private final Duration window;
    private final int maxRemembered;
    private final Map<String, Remembered> recent = new LinkedHashMap<>();

    public ReviewDesk(Images images, ReviewSink sink, Clock clock, Duration window, int maxRemembered) {
        this.images = images;
        this.sink = sink;
        this.clock = clock;
        this.window = window;
        this.maxRemembered = maxRemembered;
    }

    /** Publishes the review (once per reviewId) and returns it; human-paced, so one review at a time. */
    public synchronized Accepted review(String coilId, String imageId, String reviewer, ReviewRequest request) {
        Instant now = clock.instant();
        forgetOlderThan(now.minus(window));
        String fingerprint = coilId + "\n" + imageId + "\n" + request.verdict() + "\n" + request.masks();
        Remembered earlier = recent.get(request.reviewId());
        if (earlier != null) {
            if (!earlier.request().equals(fingerprint)) {
                throw new Refused(409, "reviewId '" + request.reviewId() + "' was already used for another review; send a new id");
            }
            return new Accepted(earlier.review(), true);
        }
        DefectiveImage image = images.image(coilId, imageId).orElseThrow(() -> new Refused(404, "image '" + imageId + "' of coil '"
                + coilId + "' is neither among the recent defective images kept here nor among the audit images; only those can be reviewed"));
        Optional<DefectSegmentation> segmentation = images.segmentation(coilId, imageId);
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
                .setAudit(!image.getClassification().getDefective()).setModel(model)
                .setWidth(captured.getWidth()).setHeight(captured.getHeight())
                .setModelMasks(modelMasks).setReviewedMasks(reviewed)
                .setImageEncoding(captured.getEncoding()).setImageBytes(captured.getBytes().duplicate())
                .build();
        sink.publish(review);
        recent.put(request.reviewId(), new Remembered(review, fingerprint, now));
        while (recent.size() > maxRemembered) {
            recent.remove(recent.keySet().iterator().next());
        }
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
        out.sort(java.util.Comparator.comparingInt(ReviewMask::getClassId));
        return out;
    }

    private void forgetOlderThan(Instant cutoff) {
        for (Iterator<Remembered> it = recent.values().iterator(); it.hasNext(); ) {
            if (it.next().at().isBefore(cutoff)) {
                it.remove();
            } else {
                break;
            }
        }
    }
}
