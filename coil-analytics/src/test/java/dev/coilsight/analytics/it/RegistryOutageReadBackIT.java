package dev.coilsight.analytics.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.coilsight.analytics.recent.RecentRecords;
import dev.coilsight.analytics.recent.ResultsFeed;
import dev.coilsight.analytics.review.ReviewDesk;
import dev.coilsight.analytics.review.ReviewRequest;
import dev.coilsight.analytics.shadow.ShadowComparison;
import dev.coilsight.analytics.shadow.ShadowSettings;
import dev.coilsight.embedded.LocalRegistry;
import dev.coilsight.schemas.AlertKind;
import dev.coilsight.schemas.DefectReviewed;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.DefectiveImage;
import dev.coilsight.schemas.QualityAlert;
import dev.coilsight.schemas.ReviewVerdict;
import dev.coilsight.schemas.registry.RegistryClientConfig;
import dev.coilsight.testsupport.Await;
import dev.coilsight.testsupport.RealInfrastructureExtension;
import dev.coilsight.testsupport.TestInfrastructure;

/**
 * coil-analytics starts while the schema registry is down: the reviews already stored and the recent alerts cannot be
 * read yet. They are read once the registry answers again, not skipped: a review skipped here would be stored a second
 * time when its client retries it, and reviews are refused (503) until every stored one has been read.
 */
@ExtendWith(RealInfrastructureExtension.class)
class RegistryOutageReadBackIT {

    private static final ReviewDesk.Images NO_IMAGES = new ReviewDesk.Images() {
        @Override
        public Optional<DefectiveImage> image(String coilId, String imageId) {
            return Optional.empty();
        }

        @Override
        public Optional<DefectSegmentation> segmentation(String coilId, String imageId) {
            return Optional.empty();
        }
    };

    /** Retries alice's review of img-1 until it is answered with the stored one: refused with 503 only while starting. */
    private static void awaitAnsweredWithTheStoredReview(ReviewDesk desk, ReviewRequest retry) {
        Await.until(Duration.ofSeconds(60), () -> {
            try {
                return desk.review("coil-1", "img-1", "alice", retry).repeated();
            } catch (ReviewDesk.Refused e) {
                assertThat(e.status()).as(e.getMessage()).isEqualTo(503);
                return false;
            }
        }, "the retried review answered with the stored one");
    }

    @Test
    void aReviewOlderThanTheComparisonsWindowIsStillRecognisedWhenRetried() throws Exception {
        String prefix = "window-" + UUID.randomUUID().toString().substring(0, 6);
        String reviews = prefix + ".reviews";
        TestInfrastructure.kafka().createTopics(1, reviews, prefix + ".defects", prefix + ".classifications");
        Instant halfAnHourAgo = Instant.now().minus(Duration.ofMinutes(30));
        DefectReviewed stored = DefectReviewed.newBuilder().setReviewId("review-old").setImageId("img-1").setCoilId("coil-1")
                .setReviewer("alice").setReviewedAt(halfAnHourAgo).setVerdict(ReviewVerdict.REJECTED).setWidth(4).setHeight(4)
                .setModelMasks(List.of()).setReviewedMasks(List.of()).build();
        try (KafkaProducer<String, SpecificRecord> producer = AnalyticsFixture.producer()) {
            producer.send(new ProducerRecord<>(reviews, null, halfAnHourAgo.toEpochMilli(), "coil-1", stored)).get();
        }
        Map<String, Object> settings = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafka().bootstrapServers(),
                RegistryClientConfig.URL, TestInfrastructure.registry().ccompatUrl());
        ReviewDesk desk = new ReviewDesk(NO_IMAGES, review -> {
            throw new AssertionError("a retried review was stored again: " + review);
        }, Clock.systemUTC(), Duration.ofHours(1), 100);
        ReviewRequest retry = new ReviewRequest("review-old", ReviewVerdict.REJECTED, List.of());
        // The comparison looks back 1 minute only; a retry is recognised for an hour.
        try (ResultsFeed feed = new ResultsFeed(settings, new ShadowSettings(prefix + ".shadow.defects", prefix + ".shadow.classifications",
                100, Duration.ofMinutes(1)), prefix + ".defects", prefix + ".classifications", reviews, new ShadowComparison(100), desk)) {
            feed.start();
            awaitAnsweredWithTheStoredReview(desk, retry);
        }
    }

    @Test
    void recordsThatCannotBeReadWhileTheRegistryIsDownAreReadOnceItAnswersNotSkipped() throws Exception {
        String prefix = "outage-" + UUID.randomUUID().toString().substring(0, 6);
        String reviews = prefix + ".reviews";
        String alerts = prefix + ".alerts";
        TestInfrastructure.kafka().createTopics(2, reviews, alerts, prefix + ".defects", prefix + ".classifications");
        DefectReviewed stored = DefectReviewed.newBuilder().setReviewId("review-1").setImageId("img-1").setCoilId("coil-1")
                .setReviewer("alice").setReviewedAt(Instant.now()).setVerdict(ReviewVerdict.REJECTED).setWidth(4).setHeight(4)
                .setModelMasks(List.of()).setReviewedMasks(List.of()).build();
        QualityAlert alert = QualityAlert.newBuilder().setAlertId("alert-1").setKind(AlertKind.DEFECT_RATE).setLineId("L1")
                .setCoilId(null).setClassId(null).setValue(0.6).setLimit(0.5).setMessage("rate").setRaisedAt(Instant.now()).build();
        try (KafkaProducer<String, SpecificRecord> producer = AnalyticsFixture.producer()) {
            AnalyticsFixture.send(producer, reviews, "coil-1", stored);
            AnalyticsFixture.send(producer, alerts, "L1", alert);
        }

        LocalRegistry registry = TestInfrastructure.registry();
        Map<String, Object> settings = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestInfrastructure.kafka().bootstrapServers(),
                RegistryClientConfig.URL, registry.ccompatUrl(), RegistryClientConfig.RETRIES, 1);
        ReviewDesk desk = new ReviewDesk(NO_IMAGES, review -> {
            throw new AssertionError("a retried review was stored again: " + review);
        }, Clock.systemUTC(), Duration.ofHours(1), 100);
        ReviewRequest retry = new ReviewRequest("review-1", ReviewVerdict.REJECTED, List.of());
        registry.stop();
        try (ResultsFeed feed = new ResultsFeed(settings, new ShadowSettings(prefix + ".shadow.defects", prefix + ".shadow.classifications",
                100, Duration.ofHours(1)), prefix + ".defects", prefix + ".classifications", reviews, new ShadowComparison(100), desk);
             RecentRecords<QualityAlert> recentAlerts = new RecentRecords<>(settings, alerts, QualityAlert.class, 10, QualityAlert::getAlertId,
                     a -> a.getRaisedAt().toEpochMilli())) {
            feed.start();
            recentAlerts.start();
            // Long enough for both readers to assign their partitions and fail on the first record (a skip would be done by then).
            Thread.sleep(8_000);
            ReviewDesk.Refused refused = catchThrowableOfType(() -> desk.review("coil-1", "img-1", "alice", retry), ReviewDesk.Refused.class);
            assertThat(refused).as("the retry is refused while the stored review cannot be read").isNotNull();
            assertThat(refused.status()).as(refused.getMessage()).isEqualTo(503);
            assertThat(recentAlerts.get("alert-1")).isEmpty();

            registry.restart();

            Await.until(Duration.ofSeconds(60), () -> recentAlerts.get("alert-1").isPresent(), "the alert read once the registry answers");
            awaitAnsweredWithTheStoredReview(desk, retry);
        } finally {
            if (!registry.isRunning()) {
                registry.restart();
            }
        }
    }
}
