package dev.coilsight.analytics.topology;

import java.time.Clock;
import java.util.List;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.Stores;

import dev.coilsight.analytics.coilmap.MappedImage;
import dev.coilsight.analytics.quality.CoilProgress;
import dev.coilsight.analytics.quality.QualityListener;
import dev.coilsight.analytics.quality.QualitySettings;
import dev.coilsight.analytics.stats.ImageCounts;
import dev.coilsight.schemas.CoilEnded;
import dev.coilsight.schemas.CoilGraded;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.ImageClassified;
import dev.coilsight.schemas.QualityAlert;

/**
 * The quality engineer's part of the topology: the coil map, coil ends and grades ({@link CoilQualityProcessor}) and
 * the line defect-rate alerts ({@link LineRateAlertProcessor}), with their stores and output topics. The coil stores
 * live in the sub-topology of the coil's figures, so that they expire with the coil.
 */
final class QualityNodes {

    /** The per-coil stores of this part, which the coil-stats processor empties when a coil expires. */
    static final List<String> COIL_STORES = List.of(CoilAnalyticsTopology.COIL_MAP_STORE, CoilAnalyticsTopology.COIL_MASKS_STORE,
            CoilAnalyticsTopology.COIL_PROGRESS_STORE, CoilAnalyticsTopology.COIL_GRADES_STORE);
    /** Those of them keyed by the coil id itself (the map and its masks are keyed under the coil's prefix). */
    static final List<String> EMPTIED_BY_COIL = List.of(CoilAnalyticsTopology.COIL_PROGRESS_STORE, CoilAnalyticsTopology.COIL_GRADES_STORE);

    private QualityNodes() {
    }

    static void addStores(StreamsBuilder builder, CoilAnalyticsTopology.RecordSerdes serdes) {
        Serde<String> keys = Serdes.String();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CoilAnalyticsTopology.COIL_MAP_STORE), keys,
                JsonSerde.of(MappedImage.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CoilAnalyticsTopology.COIL_MASKS_STORE), keys,
                JsonSerde.of(MappedImage.Masks.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CoilAnalyticsTopology.COIL_PROGRESS_STORE), keys,
                JsonSerde.of(CoilProgress.class)));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CoilAnalyticsTopology.COIL_GRADES_STORE), keys,
                serdes.graded()));
    }

    static void addCoilQuality(CoilAnalyticsTopology.Topics topics, QualitySettings quality, CoilAnalyticsTopology.RecordSerdes serdes,
            Clock clock, QualityListener listener, KStream<String, ImageClassified> classifications, KStream<String, DefectSegmentation> defects,
            KStream<String, CoilEnded> ends) {
        KStream<String, SpecificRecord> out = classifications.<SpecificRecord>mapValues(c -> c, Named.as("classifications-to-quality"))
                .merge(defects.mapValues(s -> s, Named.as("defects-to-quality")), Named.as("quality-results"))
                .merge(ends.mapValues(e -> e, Named.as("ends-to-quality")), Named.as("quality-input"))
                .process(() -> new CoilQualityProcessor(quality, clock, listener), Named.as("coil-quality"), COIL_STORES.toArray(String[]::new));
        out.filter((coil, v) -> v instanceof CoilGraded, Named.as("grades-only"))
                .mapValues(v -> (CoilGraded) v, Named.as("as-grades"))
                .to(topics.coilGrades(), Produced.with(Serdes.String(), serdes.gradedOut()).withName("coil-grades-out"));
        out.filter((coil, v) -> v instanceof QualityAlert, Named.as("coil-alerts-only"))
                .mapValues(v -> (QualityAlert) v, Named.as("as-coil-alerts"))
                .to(topics.alerts(), Produced.with(Serdes.String(), serdes.alertOut()).withName("coil-alerts-out"));
    }

    static void addLineRateAlerts(StreamsBuilder builder, CoilAnalyticsTopology.Topics topics, QualitySettings quality,
            CoilAnalyticsTopology.RecordSerdes serdes, Clock clock, QualityListener listener, KTable<Windowed<String>, ImageCounts> lineWindows) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CoilAnalyticsTopology.LINE_ALERTS_STORE),
                Serdes.String(), Serdes.Long()));
        lineWindows.toStream(Named.as("line-windows-changes"))
                .process(() -> new LineRateAlertProcessor(quality.rules().alerts(), clock, listener), Named.as("line-rate-alerts"),
                        CoilAnalyticsTopology.LINE_ALERTS_STORE)
                .to(topics.alerts(), Produced.with(Serdes.String(), serdes.alertOut()).withName("line-alerts-out"));
    }
}
