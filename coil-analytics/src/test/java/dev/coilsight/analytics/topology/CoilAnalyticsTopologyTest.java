package dev.coilsight.analytics.topology;

import static dev.coilsight.analytics.TopologyDrivers.TOPICS;
import static dev.coilsight.analytics.Records.classified;
import static dev.coilsight.analytics.Records.defectiveImage;
import static dev.coilsight.analytics.Records.segmented;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.coilsight.analytics.AnalyticsService;
import dev.coilsight.analytics.quality.QualityListener;
import dev.coilsight.analytics.quality.QualitySettings;
import dev.coilsight.schemas.registry.InMemorySchemaRegistry;
import dev.coilsight.analytics.TopologyDrivers;
import dev.coilsight.analytics.dlq.DeadLetterHandlers;
import dev.coilsight.analytics.stats.CoilStatsAggregator;
import dev.coilsight.analytics.stats.ImageCounts;
import dev.coilsight.schemas.ClassDefectStats;
import dev.coilsight.schemas.CoilEnded;
import dev.coilsight.schemas.CoilDefectStats;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.DefectiveImage;
import dev.coilsight.schemas.ImageClassified;
import dev.coilsight.serviceruntime.deadletter.DeadLetters;

/** The aggregation's logic, record by record, in Kafka Streams' TopologyTestDriver. */
class CoilAnalyticsTopologyTest {

    private static final long MINUTE = 60_000;
    private static final long T0 = Instant.parse("2026-11-29T10:00:00Z").toEpochMilli();
    private static final Duration RETENTION = Duration.ofHours(6);
    private static final String APPLICATION_ID = "analytics-test";

    @TempDir
    Path stateDir;

    private CoilAnalyticsTopology.Settings settings;
    private TopologyTestDriver driver;
    private CoilAnalyticsTopology.RecordSerdes serdes;
    private TestInputTopic<String, ImageClassified> classifications;
    private TestInputTopic<String, DefectSegmentation> defects;
    private TestInputTopic<String, DefectiveImage> images;
    private TestInputTopic<String, byte[]> rawClassifications;
    private TestOutputTopic<String, CoilDefectStats> coilStats;

    @BeforeEach
    void start() {
        serdes = AnalyticsService.serdes(new InMemorySchemaRegistry(), true);
        settings = new CoilAnalyticsTopology.Settings(Duration.ofMinutes(1), Duration.ofSeconds(30), Duration.ofHours(1), RETENTION, 3, 2);
        Clock clock = Clock.fixed(Instant.parse("2026-11-29T12:00:00Z"), ZoneOffset.UTC);
        Properties props = TopologyDrivers.properties(APPLICATION_ID, stateDir);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandlers.Deserialization.class);
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandlers.Processing.class);
        props.put(DeadLetterHandlers.TOPIC_CONFIG, "dlq");
        driver = new TopologyTestDriver(CoilAnalyticsTopology.build(TOPICS, settings, QualitySettings.defaults(), serdes, clock), props);
        StringSerializer keys = new StringSerializer();
        classifications = driver.createInputTopic(TOPICS.classifications(), keys, serdes.classified().serializer());
        defects = driver.createInputTopic(TOPICS.defects(), keys, serdes.segmentation().serializer());
        images = driver.createInputTopic(TOPICS.defectiveImages(), keys, serdes.defectiveImage().serializer());
        rawClassifications = driver.createInputTopic(TOPICS.classifications(), keys, new ByteArraySerializer());
        coilStats = driver.createOutputTopic(TOPICS.coilStats(), new StringDeserializer(), serdes.stats().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void segmentationBeforeOrAfterItsClassificationGivesTheSameFigures() {
        // Coil A: classification first; coil B: the same events with each segmentation ahead of its classification.
        for (String coil : List.of("A", "B")) {
            boolean segmentationFirst = coil.equals("B");
            for (int i = 0; i < 4; i++) {
                long t = T0 + i * 1000;
                boolean defective = i % 2 == 0;
                ImageClassified c = classified(coil, coil + i, "L1", t, defective);
                DefectSegmentation s = segmented(coil, coil + i, "L1", t, 3, "1 10 300 5", 4, "1000 20");
                if (segmentationFirst && defective) {
                    defects.pipeInput(coil, s);
                }
                classifications.pipeInput(coil, c);
                if (!segmentationFirst && defective) {
                    defects.pipeInput(coil, s);
                }
            }
        }
        KeyValueStore<String, CoilDefectStats> store = driver.getKeyValueStore(CoilAnalyticsTopology.STATS_STORE);
        CoilDefectStats a = store.get("A");
        CoilDefectStats b = store.get("B");

        assertThat(a.getImagesInspected()).isEqualTo(4);
        assertThat(a.getDefectiveImages()).isEqualTo(2);
        assertThat(a.getDefectRate()).isEqualTo(0.5);
        assertThat(a.getPixelsInspected()).isEqualTo(4L * 1600 * 256);
        assertThat(a.getLineId()).isEqualTo("L1");
        assertThat(a.getFirstCapturedAt().toEpochMilli()).isEqualTo(T0);
        assertThat(a.getLastCapturedAt().toEpochMilli()).isEqualTo(T0 + 3000);
        assertThat(a.getClasses()).extracting(ClassDefectStats::getClassId).containsExactly(3, 4);
        ClassDefectStats class3 = a.getClasses().get(0);
        assertThat(class3.getImages()).isEqualTo(2);
        assertThat(class3.getPixels()).isEqualTo(2 * 15);
        assertThat(class3.getAreaFraction()).isEqualTo(30.0 / (4L * 1600 * 256));
        assertThat(a.getClasses().get(1).getPixels()).isEqualTo(2 * 20);

        CoilDefectStats bAsA = CoilDefectStats.newBuilder(b).setCoilId("A").build();
        assertThat(bAsA).isEqualTo(a);
    }

    @Test
    void everyChangeOfACoilIsPublishedToTheCoilStatsTopic() {
        classifications.pipeInput("C", classified("C", "c1", null, T0, true));
        defects.pipeInput("C", segmented("C", "c1", null, T0, 1, "5 5"));
        classifications.pipeInput("C", classified("C", "c2", null, T0 + 1, false));

        List<KeyValue<String, CoilDefectStats>> published = coilStats.readKeyValuesToList();
        assertThat(published).extracting(kv -> kv.key).containsOnly("C");
        CoilDefectStats last = published.get(published.size() - 1).value;
        assertThat(last.getImagesInspected()).isEqualTo(2);
        assertThat(last.getDefectiveImages()).isEqualTo(1);
        assertThat(last.getClasses()).hasSize(1);
        assertThat(last).isEqualTo(driver.<String, CoilDefectStats>getKeyValueStore(CoilAnalyticsTopology.STATS_STORE).get("C"));
    }

    @Test
    void tumblingWindowsCountByCaptureTimeAndDropResultsLaterThanTheGrace() {
        // Window [T0, T0+1m): 3 images, 1 defective; window [T0+1m, T0+2m): 2 images, 2 defective.
        classifications.pipeInput("W", classified("W", "w1", "L1", T0 + 1_000, true));
        classifications.pipeInput("W", classified("W", "w2", "L1", T0 + 20_000, false));
        classifications.pipeInput("W", classified("W", "w3", "L1", T0 + MINUTE + 5_000, true));
        // Late but within the 30 s grace (stream time T0+65 s < window end T0+60 s + 30 s): still counted.
        classifications.pipeInput("W", classified("W", "w4", "L1", T0 + 59_000, false));
        classifications.pipeInput("W", classified("W", "w5", "L1", T0 + MINUTE + 50_000, true));
        // Stream time is now T0+110 s, past T0+90 s: the first window is closed, this one is dropped.
        classifications.pipeInput("W", classified("W", "w6", "L1", T0 + 30_000, true));

        assertThat(windows(CoilAnalyticsTopology.COIL_WINDOWS_STORE, "W")).containsExactly(
                KeyValue.pair(T0, new ImageCounts(3, 1)),
                KeyValue.pair(T0 + MINUTE, new ImageCounts(2, 2)));
        // The coil's running totals count every result, late or not.
        assertThat(driver.<String, CoilDefectStats>getKeyValueStore(CoilAnalyticsTopology.STATS_STORE).get("W").getImagesInspected())
                .isEqualTo(6);
    }

    @Test
    void aCaptureTimeAYearAheadOfItsResultCountsAtThePartitionsTimeAndClosesNoWindow() {
        classifications.pipeInput("F", classified("F", "f1", "L1", T0 + 1_000, true));
        // A camera clock a year fast, written now: taken as it is, stream time would jump a year and drop every later result.
        classifications.pipeInput("F", classified("F", "f2", "L1", T0 + 365L * 24 * 60 * MINUTE, false));
        classifications.pipeInput("F", classified("F", "f3", "L1", T0 + 5_000, true));

        assertThat(windows(CoilAnalyticsTopology.COIL_WINDOWS_STORE, "F")).containsExactly(KeyValue.pair(T0, new ImageCounts(3, 2)));
        assertThat(driver.<String, CoilDefectStats>getKeyValueStore(CoilAnalyticsTopology.STATS_STORE).get("F").getImagesInspected())
                .isEqualTo(3);
    }

    @Test
    void aCameraTwoMinutesFastDropsNoImageOfAnotherCoilOnTheSamePartition() {
        // Coil A's camera runs 2 minutes ahead (within ingest's skew); coil B's is on time. Each result is written a second
        // after capture. Counted at its camera's time, A's image would move stream time past B's window and its grace.
        classifications.pipeInput("A", classified("A", "a1", "L1", T0 + 120_000, true), Instant.ofEpochMilli(T0 + 1_000));
        classifications.pipeInput("B", classified("B", "b1", "L1", T0 + 5_000, true), Instant.ofEpochMilli(T0 + 6_000));
        classifications.pipeInput("B", classified("B", "b2", "L1", T0 + 10_000, false), Instant.ofEpochMilli(T0 + 11_000));

        assertThat(windows(CoilAnalyticsTopology.COIL_WINDOWS_STORE, "B")).containsExactly(KeyValue.pair(T0, new ImageCounts(2, 1)));
    }

    @Test
    void lineWindowsGatherEveryCoilOfTheLineAndUnnamedLinesAsUnknown() {
        classifications.pipeInput("X", classified("X", "x1", "L7", T0, true));
        classifications.pipeInput("Y", classified("Y", "y1", "L7", T0 + 1_000, false));
        classifications.pipeInput("Y", classified("Y", "y2", "L7", T0 + 2_000, false));
        classifications.pipeInput("Z", classified("Z", "z1", null, T0 + 3_000, true));

        assertThat(windows(CoilAnalyticsTopology.LINE_WINDOWS_STORE, "L7")).containsExactly(KeyValue.pair(T0, new ImageCounts(3, 1)));
        assertThat(windows(CoilAnalyticsTopology.LINE_WINDOWS_STORE, CoilAnalyticsTopology.UNKNOWN_LINE))
                .containsExactly(KeyValue.pair(T0, new ImageCounts(1, 1)));
    }

    @Test
    void onlyTheLatestDefectsAndImagesOfEachCoilAreKept() {
        for (int i = 0; i < 5; i++) {
            // Out of order on purpose: the store keeps the newest by when the workers processed them (here at capture),
            // not by the order they reached coil-analytics.
            long t = T0 + (i == 2 ? 10 : i) * 1000;
            defects.pipeInput("R", segmented("R", "r" + i, null, t, 1, "1 3"));
            images.pipeInput("R", defectiveImage("R", "r" + i, t, ("png-" + i).getBytes(StandardCharsets.UTF_8), 4, 4));
        }
        defects.pipeInput("S", segmented("S", "s0", null, T0, 1, "1 3"));

        assertThat(imageIds(CoilAnalyticsTopology.RECENT_DEFECTS_STORE, "R")).containsExactly("r3", "r4", "r2");
        assertThat(imageIds(CoilAnalyticsTopology.RECENT_IMAGES_STORE, "R")).containsExactly("r4", "r2");
        assertThat(imageIds(CoilAnalyticsTopology.RECENT_DEFECTS_STORE, "S")).containsExactly("s0");
    }

    @Test
    void aCameraClockSteppedBackDoesNotMakeEachNewDefectTheOldestDeletedAtOnce() {
        for (int i = 0; i < 4; i++) {
            long t = T0 + i * 1000;
            DefectSegmentation s = segmented("K", "k" + i, null, t, 1, "1 3");
            if (i == 3) {
                // NTP stepped the camera's clock back 3 minutes: captured "before" the others, processed after them.
                s.setCapturedAt(Instant.ofEpochMilli(T0 - 180_000));
            }
            defects.pipeInput("K", s);
        }

        assertThat(imageIds(CoilAnalyticsTopology.RECENT_DEFECTS_STORE, "K")).containsExactly("k1", "k2", "k3");
    }

    @Test
    void unreadableRecordsGoToTheDeadLetterTopicWithTheirOriginAndTheNextRecordIsCounted() {
        TestOutputTopic<byte[], byte[]> dlq = driver.createOutputTopic("dlq", new ByteArrayDeserializer(), new ByteArrayDeserializer());
        rawClassifications.pipeInput("D", "not avro at all".getBytes(StandardCharsets.UTF_8));
        byte[] unknownSchema = {0, 0, 0, 0x7f, 0x01, 2, 3};
        rawClassifications.pipeInput("D", unknownSchema);
        classifications.pipeInput("D", classified("D", "d1", null, T0, true));

        List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
        assertThat(dead).hasSize(2);
        assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("not avro at all");
        assertThat(header(dead.get(0), DeadLetters.REASON)).isEqualTo("NOT_CONFLUENT_AVRO");
        assertThat(header(dead.get(0), DeadLetters.STAGE)).isEqualTo("coil-analytics");
        assertThat(header(dead.get(0), DeadLetters.SOURCE_TOPIC)).isEqualTo(TOPICS.classifications());
        assertThat(header(dead.get(0), DeadLetters.SOURCE_OFFSET)).isEqualTo("0");
        assertThat(header(dead.get(1), DeadLetters.REASON)).isEqualTo("UNKNOWN_SCHEMA");
        assertThat(header(dead.get(1), DeadLetters.SOURCE_OFFSET)).isEqualTo("1");
        assertThat(driver.<String, CoilDefectStats>getKeyValueStore(CoilAnalyticsTopology.STATS_STORE).get("D").getImagesInspected())
                .isEqualTo(1);
    }

    @Test
    void aResultPublishedTwiceCountsOnceInTheFiguresTheWindowsAndTheRecentLists() {
        ImageClassified first = classified("P", "p1", "L3", T0, true);
        DefectSegmentation firstMasks = segmented("P", "p1", "L3", T0, 3, "1 10 300 5");
        DefectiveImage firstImage = defectiveImage("P", "p1", T0, "png-1".getBytes(StandardCharsets.UTF_8), 4, 4);
        for (int copy = 0; copy < 2; copy++) { // a producer retry or a replay upstream: the same image's records again
            classifications.pipeInput("P", first, Instant.ofEpochMilli(T0 + copy * 1_000));
            defects.pipeInput("P", firstMasks, Instant.ofEpochMilli(T0 + copy * 1_000));
            images.pipeInput("P", firstImage, Instant.ofEpochMilli(T0 + copy * 1_000));
        }
        classifications.pipeInput("P", classified("P", "p2", "L3", T0 + 2_000, false), Instant.ofEpochMilli(T0 + 2_000));

        CoilDefectStats p = driver.<String, CoilDefectStats>getKeyValueStore(CoilAnalyticsTopology.STATS_STORE).get("P");
        assertThat(p.getImagesInspected()).isEqualTo(2);
        assertThat(p.getDefectiveImages()).isEqualTo(1);
        // The classification and the segmentation of p1 are two records of one image: both count.
        assertThat(p.getClasses()).singleElement().satisfies(c -> {
            assertThat(c.getImages()).isEqualTo(1);
            assertThat(c.getPixels()).isEqualTo(15);
        });
        assertThat(windows(CoilAnalyticsTopology.COIL_WINDOWS_STORE, "P")).containsExactly(KeyValue.pair(T0, new ImageCounts(2, 1)));
        assertThat(windows(CoilAnalyticsTopology.LINE_WINDOWS_STORE, "L3")).containsExactly(KeyValue.pair(T0, new ImageCounts(2, 1)));
        assertThat(imageIds(CoilAnalyticsTopology.RECENT_DEFECTS_STORE, "P")).containsExactly("p1");
        assertThat(imageIds(CoilAnalyticsTopology.RECENT_IMAGES_STORE, "P")).containsExactly("p1");
        // One change per record counted, none for the repeats.
        assertThat(coilStats.readValuesToList()).extracting(CoilDefectStats::getImagesInspected).containsExactly(1L, 1L, 2L);
    }

    @Test
    void aCoilWithoutRecordsForLongerThanTheRetentionLeavesEveryStoreWithTombstonesAndStartsAfreshWhenSeenAgain() {
        classifications.pipeInput("A", classified("A", "a1", "L1", T0, true), Instant.ofEpochMilli(T0));
        defects.pipeInput("A", segmented("A", "a1", "L1", T0, 3, "1 10"), Instant.ofEpochMilli(T0));
        images.pipeInput("A", defectiveImage("A", "a1", T0, "png-a".getBytes(StandardCharsets.UTF_8), 4, 4), Instant.ofEpochMilli(T0));
        // Coil B moves stream time on; just inside A's retention nothing of A goes.
        long insideRetention = T0 + RETENTION.toMillis() - MINUTE;
        classifications.pipeInput("B", classified("B", "b1", "L1", insideRetention, false), Instant.ofEpochMilli(insideRetention));
        KeyValueStore<String, CoilDefectStats> stats = driver.getKeyValueStore(CoilAnalyticsTopology.STATS_STORE);
        assertThat(stats.get("A")).isNotNull();
        assertThat(coilStats.readValuesToList()).doesNotContainNull();

        long pastRetention = T0 + RETENTION.toMillis() + CoilExpiry.scanInterval(RETENTION).toMillis() + MINUTE;
        classifications.pipeInput("B", classified("B", "b2", "L1", pastRetention, false), Instant.ofEpochMilli(pastRetention));

        assertThat(stats.get("A")).isNull();
        assertThat(stats.get("B").getImagesInspected()).isEqualTo(2);
        assertThat(driver.getKeyValueStore(CoilAnalyticsTopology.COIL_PROGRESS_STORE).get("A")).isNull();
        assertThat(driver.getKeyValueStore(CoilAnalyticsTopology.COIL_PROGRESS_STORE).get("B")).isNotNull();
        assertThat(tombstones(CoilAnalyticsTopology.COIL_MAP_STORE)).containsExactly(RecentKeys.imageKey("A", "a1"));
        assertThat(tombstones(CoilAnalyticsTopology.COIL_MASKS_STORE)).containsExactly(RecentKeys.imageKey("A", "a1"));
        for (String store : List.of(CoilAnalyticsTopology.RECENT_DEFECTS_STORE, CoilAnalyticsTopology.RECENT_IMAGES_STORE,
                CoilAnalyticsTopology.SEEN_IMAGES_STORE, CoilAnalyticsTopology.COIL_MAP_STORE, CoilAnalyticsTopology.COIL_MASKS_STORE)) {
            assertThat(prefixedKeys(store, "A")).as(store).isEmpty();
            assertThat(prefixedKeys(store, "B")).as(store).hasSizeLessThanOrEqualTo(2);
        }
        assertThat(prefixedKeys(CoilAnalyticsTopology.SEEN_IMAGES_STORE, "B")).hasSize(2);
        assertThat(driver.<String, Long>getKeyValueStore(CoilAnalyticsTopology.LAST_RECORD_STORE).get("A")).isNull();
        assertThat(driver.<String, Long>getKeyValueStore(CoilAnalyticsTopology.LAST_RECORD_STORE).get("B")).isEqualTo(pastRetention);

        List<KeyValue<String, CoilDefectStats>> published = coilStats.readKeyValuesToList();
        assertThat(published).filteredOn(kv -> kv.value == null).extracting(kv -> kv.key).containsExactly("A");
        assertThat(tombstones(CoilAnalyticsTopology.STATS_STORE)).containsExactly("A");
        assertThat(tombstones(CoilAnalyticsTopology.LAST_RECORD_STORE)).containsExactly("A");
        assertThat(tombstones(CoilAnalyticsTopology.SEEN_IMAGES_STORE)).containsExactlyInAnyOrder(
                OncePerImageProcessor.seenKey("A", "c", "a1"), OncePerImageProcessor.seenKey("A", "s", "a1"),
                OncePerImageProcessor.seenKey("A", "i", "a1"));
        assertThat(tombstones(CoilAnalyticsTopology.RECENT_DEFECTS_STORE)).singleElement().asString().startsWith(RecentKeys.prefix("A"));
        assertThat(tombstones(CoilAnalyticsTopology.RECENT_IMAGES_STORE)).singleElement().asString().startsWith(RecentKeys.prefix("A"));

        // A coil id seen again after its expiry is a new coil: its earlier image counts again, as everything about A is forgotten.
        classifications.pipeInput("A", classified("A", "a1", "L1", pastRetention, false), Instant.ofEpochMilli(pastRetention));
        assertThat(stats.get("A").getImagesInspected()).isEqualTo(1);
        assertThat(stats.get("A").getDefectiveImages()).isZero();
    }

    @Test
    void aReplayOfOldImagesBesideLiveCoilsIsACoilInProgressNotOneToExpire() {
        long now = T0 + RETENTION.toMillis() * 4;
        // Last month's images replayed now: captured long ago, classified now.
        ImageClassified replayed = classified("OLD", "o1", "L1", T0, true);
        replayed.setTimings(new dev.coilsight.schemas.StageTimings(Instant.ofEpochMilli(now), Instant.ofEpochMilli(now), 1.0, 1.0, 1));
        classifications.pipeInput("OLD", replayed, Instant.ofEpochMilli(now));
        // Live coils move stream time to now, and on past the expiry scan.
        classifications.pipeInput("LIVE", classified("LIVE", "l1", "L1", now, false), Instant.ofEpochMilli(now));
        long later = now + CoilExpiry.scanInterval(RETENTION).toMillis() + MINUTE;
        classifications.pipeInput("LIVE", classified("LIVE", "l2", "L1", later, false), Instant.ofEpochMilli(later));

        KeyValueStore<String, CoilDefectStats> stats = driver.getKeyValueStore(CoilAnalyticsTopology.STATS_STORE);
        assertThat(stats.get("OLD")).as("the replayed coil").isNotNull();
        assertThat(stats.get("OLD").getImagesInspected()).isEqualTo(1);
    }

    @Test
    void aCoilKnownOnlyFromItsEndExpiresAfterTheRetentionToo() {
        TestInputTopic<String, CoilEnded> ends = driver.createInputTopic(TOPICS.coilEnds(), new StringSerializer(), serdes.coilEnded().serializer());
        ends.pipeInput("TYPO", new CoilEnded("TYPO", "L1", Instant.ofEpochMilli(T0), null, "test"), Instant.ofEpochMilli(T0));
        KeyValueStore<String, Object> progress = driver.getKeyValueStore(CoilAnalyticsTopology.COIL_PROGRESS_STORE);
        assertThat(progress.get("TYPO")).as("an ended coil without results is watched for its results").isNotNull();

        long pastRetention = T0 + RETENTION.toMillis() + CoilExpiry.scanInterval(RETENTION).toMillis() + MINUTE;
        classifications.pipeInput("B", classified("B", "b1", "L1", pastRetention, false), Instant.ofEpochMilli(pastRetention));

        assertThat(progress.get("TYPO")).isNull();
        assertThat(driver.<String, Long>getKeyValueStore(CoilAnalyticsTopology.LAST_RECORD_STORE).get("TYPO")).isNull();
    }

    @Test
    void aCoilWithFiguresButNoLastRecordTimeExpiresByTheTimeOfItsFigures() {
        // As a release that kept no last-record times left its coils in the stats store.
        CoilDefectStats old = CoilStatsAggregator.add(CoilStatsAggregator.empty("OLD"), classified("OLD", "o1", "L1", T0, true), T0);
        driver.<String, CoilDefectStats>getTimestampedKeyValueStore(CoilAnalyticsTopology.STATS_STORE).put("OLD", ValueAndTimestamp.make(old, T0));
        long insideRetention = T0 + RETENTION.toMillis() - MINUTE;
        classifications.pipeInput("B", classified("B", "b1", "L1", insideRetention, false), Instant.ofEpochMilli(insideRetention));
        assertThat(driver.<String, Long>getKeyValueStore(CoilAnalyticsTopology.LAST_RECORD_STORE).get("OLD")).isEqualTo(T0);

        long pastRetention = insideRetention + CoilExpiry.scanInterval(RETENTION).toMillis() + MINUTE;
        classifications.pipeInput("B", classified("B", "b2", "L1", pastRetention, false), Instant.ofEpochMilli(pastRetention));

        assertThat(driver.<String, CoilDefectStats>getKeyValueStore(CoilAnalyticsTopology.STATS_STORE).get("OLD")).isNull();
        assertThat(coilStats.readKeyValuesToList()).filteredOn(kv -> kv.value == null).extracting(kv -> kv.key).containsExactly("OLD");
    }

    @Test
    void everyStoreOfACoilIsInOneSubTopologyWhateverThePartitionCountOfTheImages() {
        for (int imagePartitions : List.of(0, 5)) {
            TopologyDescription description = CoilAnalyticsTopology.build(TOPICS, settings, QualitySettings.defaults(), serdes, Clock.systemUTC(),
                    QualityListener.NONE, imagePartitions).describe();
            List<Set<String>> storesBySubTopology = new ArrayList<>();
            for (TopologyDescription.Subtopology sub : description.subtopologies()) {
                Set<String> stores = new HashSet<>();
                for (TopologyDescription.Node node : sub.nodes()) {
                    if (node instanceof TopologyDescription.Processor p) {
                        stores.addAll(p.stores());
                    }
                }
                storesBySubTopology.add(stores);
            }
            assertThat(storesBySubTopology).as("with %d image partitions", imagePartitions)
                    .anySatisfy(stores -> assertThat(stores).contains(CoilAnalyticsTopology.STATS_STORE, CoilAnalyticsTopology.SEEN_IMAGES_STORE,
                            CoilAnalyticsTopology.LAST_RECORD_STORE, CoilAnalyticsTopology.COIL_WINDOWS_STORE,
                            CoilAnalyticsTopology.RECENT_DEFECTS_STORE, CoilAnalyticsTopology.RECENT_IMAGES_STORE));
        }
    }

    private List<KeyValue<Long, ImageCounts>> windows(String store, String key) {
        WindowStore<String, ImageCounts> windows = driver.getWindowStore(store);
        List<KeyValue<Long, ImageCounts>> out = new ArrayList<>();
        try (WindowStoreIterator<ImageCounts> it = windows.fetch(key, Instant.EPOCH, Instant.ofEpochMilli(T0 + 3_600_000))) {
            it.forEachRemaining(out::add);
        }
        return out;
    }

    private List<String> imageIds(String store, String coil) {
        KeyValueStore<String, Object> kv = driver.getKeyValueStore(store);
        List<String> out = new ArrayList<>();
        try (KeyValueIterator<String, Object> it = kv.prefixScan(RecentKeys.prefix(coil), new StringSerializer())) {
            it.forEachRemaining(e -> out.add(RecentKeys.imageId(e.key)));
        }
        return out;
    }

    private List<String> prefixedKeys(String store, String coil) {
        KeyValueStore<String, Object> kv = driver.getKeyValueStore(store);
        List<String> out = new ArrayList<>();
        try (KeyValueIterator<String, Object> it = kv.prefixScan(RecentKeys.prefix(coil), new StringSerializer())) {
            it.forEachRemaining(e -> out.add(e.key));
        }
        return out;
    }

    /** The keys deleted from a store, as its changelog topic carries them: records with a null value. */
    private List<String> tombstones(String store) {
        List<String> out = new ArrayList<>();
        for (TestRecord<String, byte[]> r : driver.createOutputTopic(APPLICATION_ID + "-" + store + "-changelog", new StringDeserializer(),
                new ByteArrayDeserializer()).readRecordsToList()) {
            if (r.value() == null) {
                out.add(r.key());
            }
        }
        return out;
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
