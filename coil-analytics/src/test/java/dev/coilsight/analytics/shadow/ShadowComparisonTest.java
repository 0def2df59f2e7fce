package dev.coilsight.analytics.shadow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.coilsight.analytics.Records;
import dev.coilsight.schemas.DefectReviewed;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.ImageClassified;
import dev.coilsight.schemas.ModelRef;
import dev.coilsight.schemas.ReviewMask;
import dev.coilsight.schemas.ReviewVerdict;

class ShadowComparisonTest {

    private static final long T = Instant.parse("2026-12-06T10:00:00Z").toEpochMilli();

    private static DefectSegmentation shadow(String image, Object... classAndRle) {
        DefectSegmentation s = Records.segmented("c1", image, "L1", T, classAndRle);
        s.setModel(new ModelRef("candidate", "2"));
        return s;
    }

    private static DefectReviewed review(String image, ReviewVerdict verdict, int classId, String rle) {
        List<ReviewMask> masks = rle == null ? List.of() : List.of(new ReviewMask(classId, "class " + classId, rle, 0L));
        return DefectReviewed.newBuilder().setReviewId("r-" + image).setImageId(image).setCoilId("c1").setReviewer("alice")
                .setReviewedAt(Instant.ofEpochMilli(T)).setVerdict(verdict).setWidth(Records.WIDTH).setHeight(Records.HEIGHT)
                .setModelMasks(List.of()).setReviewedMasks(masks).setImageBytes(ByteBuffer.allocate(0)).build();
    }

    @SuppressWarnings("unchecked")
    @Test
    void segmentersAreComparedWithEachOtherAndWithTheReviews() {
        ShadowComparison comparison = new ShadowComparison(100);
        // a: both the same; b: half overlap; c: only the live model finds class 2; d: the shadow alone has a result.
        comparison.live(Records.segmented("c1", "a", "L1", T, 1, "1 100"));
        comparison.shadow(shadow("a", 1, "1 100"));
        comparison.live(Records.segmented("c1", "b", "L1", T, 1, "1 100"));
        comparison.shadow(shadow("b", 1, "51 100"));
        comparison.live(Records.segmented("c1", "c", "L1", T, 2, "1 10"));
        comparison.shadow(shadow("c"));
        comparison.shadow(shadow("d", 1, "1 5"));
        // People say: a is as both found; c has no defect (the shadow is right).
        comparison.review(review("a", ReviewVerdict.CONFIRMED, 1, "1 100"));
        comparison.review(review("c", ReviewVerdict.REJECTED, 0, null));

        Map<String, Object> segmenter = (Map<String, Object>) comparison.report(10).get("segmenter");
        assertThat(segmenter.get("live")).isEqualTo("test-segmenter:1");
        assertThat(segmenter.get("shadow")).isEqualTo("candidate:2");
        assertThat(segmenter.get("imagesCompared")).isEqualTo(3);
        assertThat(segmenter.get("shadowOnly")).as("d, which the live model has not answered").isEqualTo(1L);
        assertThat(segmenter.get("liveOnly")).isEqualTo(0L);
        // Pairs over 3 images x 2 classes: a1 = 1, b1 = 0.5, c2 = 0 and three empty pairs = 1.
        assertThat((double) segmenter.get("meanDice")).isCloseTo((1 + 0.5 + 0 + 3) / 6.0, within(1e-9));
        List<Map<String, Object>> perClass = (List<Map<String, Object>>) segmenter.get("perClass");
        assertThat(perClass).extracting(m -> m.get("classId"), m -> m.get("liveImages"), m -> m.get("shadowImages"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, 2L, 2L), org.assertj.core.groups.Tuple.tuple(2, 1L, 0L));
        assertThat((double) perClass.get(1).get("presenceAgreement")).isCloseTo(2 / 3.0, within(1e-9));
        List<Map<String, Object>> worst = (List<Map<String, Object>>) segmenter.get("disagreements");
        assertThat(worst).extracting(m -> m.get("imageId")).containsExactly("c", "b", "a");
        assertThat((double) worst.get(0).get("dice")).isZero();
        Map<String, Object> reviews = (Map<String, Object>) segmenter.get("againstReviews");
        assertThat(reviews.get("images")).isEqualTo(2);
        // On a and c (2 classes each): live a1 = 1, a2 = 1, c1 = 1, c2 = 0; shadow all 1.
        assertThat((double) reviews.get("liveDice")).isCloseTo(0.75, within(1e-9));
        assertThat((double) reviews.get("shadowDice")).isCloseTo(1.0, within(1e-9));
        assertThat((double) reviews.get("nothingDice")).isCloseTo(0.75, within(1e-9));
    }

    @SuppressWarnings("unchecked")
    @Test
    void classifiersAreComparedByTheirDecisions() {
        ShadowComparison comparison = new ShadowComparison(100);
        for (int i = 0; i < 4; i++) {
            comparison.liveDecision(Records.classified("c1", "i" + i, "L1", T, i < 2));
            ImageClassified candidate = Records.classified("c1", "i" + i, "L1", T, i < 1 || i == 3);
            candidate.setModel(new ModelRef("candidate-classifier", "5"));
            comparison.shadowDecision(candidate);
        }
        comparison.review(review("i1", ReviewVerdict.REJECTED, 0, null));
        Map<String, Object> classifier = (Map<String, Object>) comparison.report(10).get("classifier");
        assertThat(classifier.get("shadow")).isEqualTo("candidate-classifier:5");
        assertThat(classifier.get("imagesCompared")).isEqualTo(4);
        assertThat((double) classifier.get("agreement")).isCloseTo(0.5, within(1e-9));
        assertThat(classifier.get("liveOnlyDefective")).isEqualTo(1L);
        assertThat(classifier.get("shadowOnlyDefective")).isEqualTo(1L);
        Map<String, Object> reviews = (Map<String, Object>) classifier.get("againstReviews");
        assertThat(reviews.get("liveAccuracy")).isEqualTo(0.0);
        assertThat(reviews.get("shadowAccuracy")).isEqualTo(1.0);
    }

    @Test
    void theReportIsMadeAgainOnlyWhenSomethingChanged() {
        ShadowComparison comparison = new ShadowComparison(100);
        comparison.live(Records.segmented("c1", "a", "L1", T, 1, "1 100"));
        Map<String, Object> first = comparison.report(10);
        assertThat(comparison.report(10)).isSameAs(first);
        comparison.shadow(shadow("a", 1, "1 100"));
        Map<String, Object> after = comparison.report(10);
        assertThat(after).isNotSameAs(first);
        assertThat(after.get("segmenter")).asString().contains("imagesCompared=1");
        assertThat(comparison.report(5)).isNotSameAs(after);
    }

    @SuppressWarnings("unchecked")
    @Test
    void comparedImagesOutlastAFloodOfImagesOnlyTheLiveModelAnsweredSoThatALaterReviewStillCounts() {
        ShadowComparison comparison = new ShadowComparison(10);
        comparison.live(Records.segmented("c1", "a", "L1", T, 1, "1 100"));
        comparison.shadow(shadow("a", 1, "1 50"));
        for (int i = 0; i < 1000; i++) {
            comparison.liveDecision(Records.classified("c1", "clean-" + i, "L1", T, false));
            if (i % 2 == 0) { // a shadow classifier too: both decided these, which is a comparison of its own
                ImageClassified candidate = Records.classified("c1", "clean-" + i, "L1", T, false);
                candidate.setModel(new ModelRef("candidate-classifier", "5"));
                comparison.shadowDecision(candidate);
            }
        }
        comparison.review(review("a", ReviewVerdict.CONFIRMED, 1, "1 100"));
        Map<String, Object> segmenter = (Map<String, Object>) comparison.report(10).get("segmenter");
        assertThat(segmenter.get("imagesCompared")).isEqualTo(1);
        assertThat(((Map<String, Object>) segmenter.get("againstReviews")).get("images")).isEqualTo(1);
        assertThat(((Map<String, Object>) comparison.report(10).get("classifier")).get("imagesCompared")).isEqualTo(10);
        assertThat(comparison.report(10).get("imagesKept")).as("per comparison 10 compared at most, 10 waiting at most").isEqualTo(21);
    }

    @SuppressWarnings("unchecked")
    @Test
    void aShadowSwappedToANewVersionIsScoredOnItsOwnAnswersAndUnreadableOnesAreCounted() {
        ShadowComparison comparison = new ShadowComparison(100);
        comparison.live(Records.segmented("c1", "old", "L1", T, 1, "1 100"));
        comparison.shadow(shadow("old", 1, "500 10")); // candidate:2, far off
        comparison.live(Records.segmented("c1", "new", "L1", T, 1, "1 100"));
        DefectSegmentation better = shadow("new", 1, "1 100");
        better.setModel(new ModelRef("candidate", "3"));
        comparison.shadow(better);
        comparison.shadow(shadow("bad", 1, "1 5", 1, "20 5")); // class 1 twice
        comparison.live(Records.segmented("c1", "pending", "L1", T, 1, "1 100"));

        Map<String, Object> segmenter = (Map<String, Object>) comparison.report(10).get("segmenter");
        assertThat(segmenter.get("shadow")).isEqualTo("candidate:3");
        assertThat(segmenter.get("imagesCompared")).isEqualTo(1);
        assertThat(segmenter.get("otherVersions")).isEqualTo(1);
        assertThat((double) segmenter.get("meanDice")).isEqualTo(1.0);
        assertThat(segmenter.get("unreadableShadow")).isEqualTo(1L);
        assertThat(segmenter.get("liveOnly")).isEqualTo(1L);
    }

    @Test
    void onlyTheLatestImagesAreKept() {
        ShadowComparison comparison = new ShadowComparison(3);
        for (int i = 0; i < 10; i++) {
            comparison.live(Records.segmented("c1", "img-" + i, "L1", T));
        }
        assertThat(comparison.report(10).get("imagesKept")).isEqualTo(3);
    }
}
