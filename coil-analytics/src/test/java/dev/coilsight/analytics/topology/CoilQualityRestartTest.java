package dev.coilsight.analytics.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import dev.coilsight.analytics.AnalyticsService;
import dev.coilsight.analytics.Records;
import dev.coilsight.analytics.coilmap.CameraLayout;
import dev.coilsight.analytics.coilmap.MappedImage;
import dev.coilsight.analytics.grading.GradingRules;
import dev.coilsight.analytics.quality.CoilProgress;
import dev.coilsight.analytics.quality.QualityListener;
import dev.coilsight.analytics.quality.QualitySettings;
import dev.coilsight.schemas.CoilEndReason;
import dev.coilsight.schemas.CoilGraded;
import dev.coilsight.schemas.ImageClassified;
import dev.coilsight.schemas.registry.InMemorySchemaRegistry;

/** The coil-quality task started again (a restart, or the task moved) on progress stored before the time it was away. */
class CoilQualityRestartTest {

    private static final Duration IDLE = Duration.ofMinutes(5);
    private static final Duration SETTLE = Duration.ofSeconds(2);
    private static final long BEFORE_DOWNTIME = Instant.parse("2026-12-07T08:00:00Z").toEpochMilli();

    private final CoilQualityTopologyTest.MovingClock clock = new CoilQualityTopologyTest.MovingClock(BEFORE_DOWNTIME);
    private final MockProcessorContext<String, SpecificRecord> context = new MockProcessorContext<>();
    private final KeyValueStore<String, CoilProgress> progress = store(CoilAnalyticsTopology.COIL_PROGRESS_STORE, JsonSerde.of(CoilProgress.class));

    private <V> KeyValueStore<String, V> store(String name, org.apache.kafka.common.serialization.Serde<V> values) {
        KeyValueStore<String, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), values)
                .withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        context.addStateStore(store);
        return store;
    }

    private CoilQualityProcessor startedAfterDowntime(Duration downtime) {
        return startedAfterDowntime(downtime, GradingRules.defaults());
    }

    private CoilQualityProcessor startedAfterDowntime(Duration downtime, GradingRules rules) {
        store(CoilAnalyticsTopology.COIL_MAP_STORE, JsonSerde.of(MappedImage.class));
        store(CoilAnalyticsTopology.COIL_MASKS_STORE, JsonSerde.of(MappedImage.Masks.class));
        store(CoilAnalyticsTopology.COIL_GRADES_STORE, AnalyticsService.serdes(new InMemorySchemaRegistry(), true).graded());
        clock.advance(downtime.toMillis());
        QualitySettings settings = new QualitySettings(CameraLayout.parse("*=1:1:0", "test"), rules, IDLE, SETTLE, 1000, Optional.empty());
        CoilQualityProcessor processor = new CoilQualityProcessor(settings, clock, QualityListener.NONE);
        processor.init(context);
        return processor;
    }

    private void scanAfter(Duration by) {
        clock.advance(by.toMillis());
        context.scheduledPunctuators().forEach(p -> p.getPunctuator().punctuate(clock.millis()));
    }

    private static CoilProgress openCoilLastHeardFrom(long millis) {
        CoilProgress p = new CoilProgress();
        p.lineId = "L1";
        p.imagesInspected = 3;
        p.lastArrivalMillis = millis;
        return p;
    }

    @Test
    void anOpenCoilIsNotEndedAsIdleForTheTimeTheInstanceWasDownAndItsBackloggedEndFlagStillEndsIt() {
        progress.put("C", openCoilLastHeardFrom(BEFORE_DOWNTIME));
        CoilQualityProcessor processor = startedAfterDowntime(IDLE.multipliedBy(2));

        scanAfter(Duration.ofSeconds(1));
        assertThat(progress.get("C").ended()).as("the first scan runs before the backlog is read").isFalse();

        ImageClassified last = Records.classified("C", "C-3", "L1", clock.millis(), false);
        last.setCoilEnd(true);
        processor.process(new Record<>("C", last, clock.millis()));
        assertThat(progress.get("C").endReason).isEqualTo(CoilEndReason.LAST_IMAGE);
        scanAfter(SETTLE.plusSeconds(1));
        assertThat(context.forwarded()).singleElement().satisfies(f -> {
            assertThat(f.record().value()).isInstanceOf(CoilGraded.class);
            assertThat(((CoilGraded) f.record().value()).getEndReason()).isEqualTo(CoilEndReason.LAST_IMAGE);
        });
    }

    @Test
    void aCoilSilentSinceTheRestartStillEndsAsIdleOnceTheIdleTimeHasPassedSinceTheStart() {
        progress.put("C", openCoilLastHeardFrom(BEFORE_DOWNTIME));
        startedAfterDowntime(IDLE.multipliedBy(2));

        scanAfter(IDLE.minusSeconds(1));
        assertThat(progress.get("C").ended()).isFalse();
        scanAfter(Duration.ofSeconds(1));
        assertThat(progress.get("C").endReason).isEqualTo(CoilEndReason.IDLE);
    }

    @Test
    void aLineWhoseProductSaysSoWaitsItsOwnQuietTimeBeforeACoilEnds() {
        GradingRules rules = GradingRules.parse(new java.io.ByteArrayInputStream("""
                {"version": "t", "products": [
                  {"product": "thick-plate", "lines": ["slow"], "idleEndMs": 900000, "rules": []},
                  {"product": "sheet", "lines": ["*"], "rules": []}]}""".getBytes(java.nio.charset.StandardCharsets.UTF_8)), "rules.json");
        CoilProgress slow = openCoilLastHeardFrom(BEFORE_DOWNTIME);
        slow.lineId = "slow";
        progress.put("S", slow);
        progress.put("F", openCoilLastHeardFrom(BEFORE_DOWNTIME)); // line L1: the service's 5 minutes
        startedAfterDowntime(Duration.ZERO, rules);

        scanAfter(IDLE.plusSeconds(1));
        assertThat(progress.get("F").endReason).isEqualTo(CoilEndReason.IDLE);
        assertThat(progress.get("S").ended()).as("15 minutes on its line").isFalse();
        scanAfter(Duration.ofMinutes(10));
        assertThat(progress.get("S").endReason).isEqualTo(CoilEndReason.IDLE);
    }

    @Test
    void anEndedCoilWaitingForItsGradeWaitsTheSettleTimeAfterTheStartForResultsThatQueuedMeanwhile() {
        CoilProgress ended = openCoilLastHeardFrom(BEFORE_DOWNTIME);
        ended.endReason = CoilEndReason.EXPLICIT;
        ended.endedAtMillis = BEFORE_DOWNTIME;
        ended.gradeDue = true;
        progress.put("C", ended);
        startedAfterDowntime(Duration.ofMinutes(1));

        scanAfter(Duration.ofSeconds(1));
        assertThat(context.forwarded()).as("not graded before the results queued while it was down are read").isEmpty();
        scanAfter(SETTLE);
        assertThat(context.forwarded()).singleElement().satisfies(f -> assertThat(f.record().value()).isInstanceOf(CoilGraded.class));
    }
}
