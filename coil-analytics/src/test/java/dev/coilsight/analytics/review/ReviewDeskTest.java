package dev.coilsight.analytics.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.coilsight.analytics.Records;
import dev.coilsight.schemas.DefectReviewed;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.DefectiveImage;
import dev.coilsight.schemas.ReviewMask;
import dev.coilsight.schemas.ReviewVerdict;

class ReviewDeskTest {

    private static final long T = Instant.parse("2026-12-06T08:00:00Z").toEpochMilli();
    private static final byte[] PNG = "png bytes".getBytes(StandardCharsets.US_ASCII);

    private final List<DefectReviewed> published = new ArrayList<>();
    private final Map<String, DefectiveImage> images = Map.of(
            "img-1", Records.defectiveImage("coil-1", "img-1", T, PNG, Records.WIDTH, Records.HEIGHT),
            "img-2", Records.defectiveImage("coil-1", "img-2", T, PNG, Records.WIDTH, Records.HEIGHT),
            "clean-1", passedAsClean());

    private static DefectiveImage passedAsClean() {
        DefectiveImage image = Records.defectiveImage("coil-1", "clean-1", T, PNG, Records.WIDTH, Records.HEIGHT);
        image.getClassification().setDefective(false);
        return image;
    }
    private final Map<String, DefectSegmentation> segmentations = Map.of(
            "img-1", Records.segmented("coil-1", "img-1", "L1", T, 3, "1 10 300 5"));
    private final ReviewDesk desk = new ReviewDesk(stored(segmentations), published::add, Clock.fixed(Instant.ofEpochMilli(T + 5000), ZoneOffset.UTC),
            Duration.ofHours(1), 1000);

    {
        desk.historyRead();
    }

    /** The test's images, and {@code segmentations}, as the stores hand them to the desk. */
    private ReviewDesk.Images stored(Map<String, DefectSegmentation> segmentations) {
        return new ReviewDesk.Images() {
            @Override
            public Optional<DefectiveImage> image(String coilId, String imageId) {
                return Optional.ofNullable(images.get(imageId));
            }

            @Override
            public Optional<DefectSegmentation> segmentation(String coilId, String imageId) {
                return Optional.ofNullable(segmentations.get(imageId));
            }
        };
    }

    private static ReviewRequest request(String id, ReviewVerdict verdict, ReviewRequest.Mask... masks) {
        return new ReviewRequest(id, verdict, List.of(masks));
    }

    @Test
    void aConfirmationTakesTheModelsMasksAndTheImageFromTheStoresNotFromTheClient() {
        DefectReviewed review = desk.review("coil-1", "img-1", "alice", request("r1", ReviewVerdict.CONFIRMED)).review();
        assertThat(published).containsExactly(review);
        assertThat(review.getReviewer()).isEqualTo("alice");
        assertThat(review.getReviewedAt()).isEqualTo(Instant.ofEpochMilli(T + 5000));
        assertThat(review.getModel().getName()).isEqualTo("test-segmenter");
        assertThat(review.getModelMasks()).extracting(ReviewMask::getClassId, ReviewMask::getRle, ReviewMask::getPixelCount)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(3, "1 10 300 5", 15L));
        assertThat(review.getReviewedMasks()).isEqualTo(review.getModelMasks());
        assertThat(review.getWidth()).isEqualTo(Records.WIDTH);
        assertThat(review.getHeight()).isEqualTo(Records.HEIGHT);
        assertThat(review.getImageBytes().array()).isEqualTo(PNG);
    }

    @Test
    void aRejectionLeavesNoDefectAndAnImageNotYetSegmentedNamesTheClassifier() {
        DefectReviewed review = desk.review("coil-1", "img-2", "bob", request("r2", ReviewVerdict.REJECTED)).review();
        assertThat(review.getModelMasks()).isEmpty();
        assertThat(review.getReviewedMasks()).isEmpty();
        assertThat(review.getModel().getName()).isEqualTo("test-classifier");
    }

    @Test
    void aDefectiveImageWithoutItsSegmentationCannotBeConfirmedSinceThereIsNothingToConfirm() {
        assertThatThrownBy(() -> desk.review("coil-1", "img-2", "bob", request("r11", ReviewVerdict.CONFIRMED)))
                .isInstanceOfSatisfying(ReviewDesk.Refused.class, e -> assertThat(e.status()).isEqualTo(409))
                .hasMessageContaining("img-2").hasMessageContaining("no segmentation");
        assertThat(published).isEmpty();
        DefectReviewed clean = desk.review("coil-1", "clean-1", "bob", request("r12", ReviewVerdict.CONFIRMED)).review();
        assertThat(clean.getAudit()).isTrue();
        assertThat(clean.getReviewedMasks()).isEmpty();
    }

    @Test
    void aReviewBasedOnAnOlderOneIsRefusedWithTheLatestSoThatACorrectionIsNotReplacedUnseen() {
        ReviewRequest.Mask painted = new ReviewRequest.Mask(3, null, "5 4");
        DefectReviewed alices = desk.review("coil-1", "img-1", "alice",
                new ReviewRequest("a1", ReviewVerdict.CORRECTED, List.of(painted), Optional.of(""))).review();

        assertThatThrownBy(() -> desk.review("coil-1", "img-1", "bob", new ReviewRequest("b1", ReviewVerdict.CONFIRMED, List.of(),
                Optional.of("")))).isInstanceOfSatisfying(ReviewDesk.Superseded.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.latest().getReviewId()).isEqualTo("a1");
                    assertThat(e.latest().getReviewedMasks()).extracting(ReviewMask::getRle).containsExactly("5 4");
                    assertThat(e.latest().getImageBytes()).isNull();
                }).hasMessageContaining("alice");
        assertThat(published).containsExactly(alices);

        DefectReviewed bobs = desk.review("coil-1", "img-1", "bob", new ReviewRequest("b2", ReviewVerdict.CONFIRMED, List.of(),
                Optional.of("a1"))).review();
        assertThat(bobs.getReviewId()).isEqualTo("b2");
        assertThat(desk.review("coil-1", "img-1", "carol", request("c1", ReviewVerdict.REJECTED)).repeated())
                .as("a client that does not say what it saw is not checked").isFalse();
        assertThatThrownBy(() -> desk.review("coil-1", "img-1", "bob", new ReviewRequest("b3", ReviewVerdict.CONFIRMED, List.of(),
                Optional.of("b2")))).isInstanceOfSatisfying(ReviewDesk.Superseded.class, e -> assertThat(e.latest().getReviewId()).isEqualTo("c1"));
    }

    @Test
    void theLatestReviewReadBackFromTheTopicIsWhatANewReviewMustBeBasedOn() {
        DefectReviewed stored = desk.review("coil-1", "img-1", "alice", request("a1", ReviewVerdict.REJECTED)).review();
        ReviewDesk restarted = new ReviewDesk(stored(segmentations), published::add, Clock.fixed(Instant.ofEpochMilli(T + 9000), ZoneOffset.UTC),
                Duration.ofHours(1), 1000);
        restarted.remember(stored);
        restarted.historyRead();
        assertThatThrownBy(() -> restarted.review("coil-1", "img-1", "bob", new ReviewRequest("b1", ReviewVerdict.CONFIRMED, List.of(),
                Optional.of("")))).isInstanceOf(ReviewDesk.Superseded.class);
    }

    @Test
    void aCorrectionKeepsThePaintedMasksByClassWithTheModelsNamesAndDropsEmptyOnes() {
        DefectReviewed review = desk.review("coil-1", "img-1", "alice", request("r3", ReviewVerdict.CORRECTED,
                new ReviewRequest.Mask(3, null, "5 4"), new ReviewRequest.Mask(1, "pits", "100 2 400 3"),
                new ReviewRequest.Mask(2, null, ""))).review();
        assertThat(review.getReviewedMasks()).extracting(ReviewMask::getClassId, ReviewMask::getClassName, ReviewMask::getRle,
                ReviewMask::getPixelCount).containsExactly(
                org.assertj.core.groups.Tuple.tuple(1, "pits", "100 2 400 3", 5L),
                org.assertj.core.groups.Tuple.tuple(3, "class 3", "5 4", 4L));
    }

    @Test
    void aPaintedMaskThatDoesNotFitTheImageIsRefusedWithTheMaskNamed() {
        assertThatThrownBy(() -> desk.review("coil-1", "img-1", "alice", request("r4", ReviewVerdict.CORRECTED,
                new ReviewRequest.Mask(1, null, "1 2"), new ReviewRequest.Mask(2, null, "409600 5"))))
                .isInstanceOfSatisfying(ReviewDesk.Refused.class, e -> assertThat(e.status()).isEqualTo(400))
                .hasMessageStartingWith("masks[1].rle: ");
        assertThat(published).isEmpty();
    }

    @Test
    void aRetryWithTheSameReviewIdGetsTheFirstAnswerAndPublishesNothing() {
        ReviewDesk.Accepted first = desk.review("coil-1", "img-1", "alice", request("r5", ReviewVerdict.CONFIRMED));
        ReviewDesk.Accepted again = desk.review("coil-1", "img-1", "alice", request("r5", ReviewVerdict.CONFIRMED));
        assertThat(first.repeated()).isFalse();
        assertThat(again.repeated()).isTrue();
        // The same review, kept without its image (what a retry is answered with leaves the image out anyway).
        assertThat(again.review()).isEqualTo(DefectReviewed.newBuilder(first.review()).setImageBytes(null).build());
        assertThat(published).hasSize(1);
        assertThatThrownBy(() -> desk.review("coil-1", "img-1", "alice", request("r5", ReviewVerdict.REJECTED)))
                .isInstanceOfSatisfying(ReviewDesk.Refused.class, e -> assertThat(e.status()).isEqualTo(409));
        assertThat(published).hasSize(1);
    }

    @Test
    void anImagePassedAsCleanIsReviewedAsAnAuditWithTheMissedDefectPainted() {
        DefectReviewed review = desk.review("coil-1", "clean-1", "carol", request("r8", ReviewVerdict.CORRECTED,
                new ReviewRequest.Mask(2, "pits", "30 6"))).review();
        assertThat(review.getAudit()).isTrue();
        assertThat(review.getModel().getName()).isEqualTo("test-classifier");
        assertThat(review.getModelMasks()).isEmpty();
        assertThat(review.getReviewedMasks()).extracting(ReviewMask::getRle).containsExactly("30 6");
        assertThat(desk.review("coil-1", "img-2", "carol", request("r9", ReviewVerdict.REJECTED)).review().getAudit()).isFalse();
    }

    @Test
    void aRetryIsRecognisedFromTheReviewsReadBackAfterARestartOrFromAnotherInstance() {
        DefectReviewed stored = desk.review("coil-1", "img-1", "alice", request("r10", ReviewVerdict.CORRECTED,
                new ReviewRequest.Mask(3, null, "5 4"), new ReviewRequest.Mask(2, null, ""))).review();
        List<DefectReviewed> afterRestart = new ArrayList<>();
        ReviewDesk restarted = new ReviewDesk(stored(segmentations), afterRestart::add, Clock.fixed(Instant.ofEpochMilli(T + 9000), ZoneOffset.UTC),
                Duration.ofHours(1), 1000);
        // Until the stored reviews are read back, a retry could not be told from a new review: none is taken.
        assertThatThrownBy(() -> restarted.review("coil-1", "img-1", "alice", request("r10", ReviewVerdict.CORRECTED,
                new ReviewRequest.Mask(3, null, "5 4"))))
                .isInstanceOfSatisfying(ReviewDesk.Refused.class, e -> assertThat(e.status()).isEqualTo(503));
        restarted.remember(stored);
        restarted.historyRead();
        // The same correction (an empty class left out) is the first answer, without its image; another one under the id is refused.
        ReviewDesk.Accepted again = restarted.review("coil-1", "img-1", "alice", request("r10", ReviewVerdict.CORRECTED,
                new ReviewRequest.Mask(3, "class 3", "5 4")));
        assertThat(again.repeated()).isTrue();
        assertThat(again.review().getReviewedAt()).isEqualTo(stored.getReviewedAt());
        assertThat(again.review().getImageBytes()).isNull();
        assertThatThrownBy(() -> restarted.review("coil-1", "img-1", "alice", request("r10", ReviewVerdict.CORRECTED,
                new ReviewRequest.Mask(3, null, "5 5"))))
                .isInstanceOfSatisfying(ReviewDesk.Refused.class, e -> assertThat(e.status()).isEqualTo(409));
        assertThat(afterRestart).isEmpty();
    }

    @Test
    void anImageNoLongerKeptCannotBeReviewed() {
        assertThatThrownBy(() -> desk.review("coil-1", "img-9", "alice", request("r6", ReviewVerdict.CONFIRMED)))
                .isInstanceOfSatisfying(ReviewDesk.Refused.class, e -> assertThat(e.status()).isEqualTo(404))
                .hasMessageContaining("img-9");
    }

    @Test
    void aFailedPublishIsNotRememberedSoTheRetryPublishes() {
        List<DefectReviewed> stored = new ArrayList<>();
        boolean[] down = {true};
        ReviewDesk flaky = new ReviewDesk(stored(Map.of()), review -> {
            if (down[0]) {
                throw new ReviewDesk.Refused(503, "broker down");
            }
            stored.add(review);
        }, Clock.systemUTC(), Duration.ofHours(1), 10);
        flaky.historyRead();
        assertThatThrownBy(() -> flaky.review("coil-1", "img-2", "bob", request("r7", ReviewVerdict.REJECTED)))
                .isInstanceOfSatisfying(ReviewDesk.Refused.class, e -> assertThat(e.status()).isEqualTo(503));
        down[0] = false;
        assertThat(flaky.review("coil-1", "img-2", "bob", request("r7", ReviewVerdict.REJECTED)).repeated()).isFalse();
        assertThat(stored).hasSize(1);
    }
}
