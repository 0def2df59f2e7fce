package dev.coilsight.analytics.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.junit.jupiter.api.Test;

import dev.coilsight.analytics.AnalyticsService;
import dev.coilsight.schemas.CoilDefectStats;
import dev.coilsight.schemas.registry.InMemorySchemaRegistry;

class CoilExpiryTest {

    private static final Duration RETENTION = Duration.ofDays(7);
    private static final long NOW = 1_765_000_000_000L;

    private final MockProcessorContext<String, SpecificRecord> context = new MockProcessorContext<>();
    private final KeyValueStore<String, Long> lastRecord = init(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("last"),
            Serdes.String(), Serdes.Long()).withLoggingDisabled().build());
    private final TimestampedKeyValueStore<String, CoilDefectStats> stats = init(Stores.timestampedKeyValueStoreBuilder(
            Stores.inMemoryKeyValueStore("stats"), Serdes.String(), AnalyticsService.serdes(new InMemorySchemaRegistry(), true).stats())
            .withLoggingDisabled().build());
    private final KeyValueStore<String, Long> progress = init(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("progress"),
            Serdes.String(), Serdes.Long()).withLoggingDisabled().build());

    private <S extends org.apache.kafka.streams.processor.StateStore> S init(S store) {
        store.init(context.getStateStoreContext(), store);
        return store;
    }

    @Test
    void aBacklogOfExpiredCoilsGoesAFewCoilsPerCallAndACoilThatHearsAgainMeanwhileStays() {
        for (int i = 0; i < 5; i++) {
            lastRecord.put("old-" + i, NOW - RETENTION.toMillis() - 1000);
            progress.put("old-" + i, 1L);
        }
        lastRecord.put("live", NOW);
        // Each expired coil deletes three keys here (last record, stats, progress): about two coils per call.
        CoilExpiry expiry = new CoilExpiry(RETENTION, lastRecord, stats, List.of(), List.of(progress), null, RETENTION, 5);

        expiry.expire(NOW);
        assertThat(remaining()).as("two per call").hasSize(4);
        lastRecord.put(firstOld(), NOW); // one of the due coils gets a record before its turn
        expiry.expireBacklog();
        expiry.expireBacklog();
        assertThat(remaining()).containsExactlyInAnyOrder("live", firstOld());
        assertThat(progress.get(firstOld())).as("its other stores kept").isEqualTo(1L);
        assertThat(expiry.expireBacklog()).isEmpty();
        assertThat(progress.approximateNumEntries()).isEqualTo(1);
    }

    @Test
    void aCoilQuietForTheImageRetentionLosesItsImagesButKeepsEverythingElseUntilItExpires() {
        KeyValueStore<String, Long> images = init(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("images"),
                Serdes.String(), Serdes.Long()).withLoggingDisabled().build());
        Duration imageRetention = Duration.ofDays(2);
        for (String coil : List.of("quiet", "recent")) {
            for (int i = 0; i < 3; i++) {
                images.put(RecentKeys.of(coil, NOW - i, coil + "-img-" + i), 1L);
            }
            progress.put(coil, 1L);
        }
        lastRecord.put("quiet", NOW - imageRetention.toMillis() - 1000);
        lastRecord.put("recent", NOW - imageRetention.toMillis() + 1000);
        CoilExpiry expiry = new CoilExpiry(RETENTION, lastRecord, stats, List.of(images), List.of(progress), images, imageRetention);

        assertThat(expiry.expire(NOW)).isEmpty();
        assertThat(keys(images)).allSatisfy(k -> assertThat(k).startsWith(RecentKeys.prefix("recent"))).hasSize(3);
        assertThat(remaining()).containsExactlyInAnyOrder("quiet", "recent");
        assertThat(progress.get("quiet")).isEqualTo(1L);
    }

    private static List<String> keys(KeyValueStore<String, ?> store) {
        List<String> keys = new ArrayList<>();
        try (var it = store.all()) {
            it.forEachRemaining(e -> keys.add(e.key));
        }
        return keys;
    }

    private String firstOld() {
        List<String> old = remaining().stream().filter(k -> k.startsWith("old-")).sorted().toList();
        return old.isEmpty() ? "none" : old.get(0);
    }

    private List<String> remaining() {
        List<String> keys = new ArrayList<>();
        try (var it = lastRecord.all()) {
            it.forEachRemaining(e -> keys.add(e.key));
        }
        return keys;
    }
}
