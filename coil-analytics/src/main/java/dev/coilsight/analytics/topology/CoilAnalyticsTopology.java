package dev.coilsight.analytics.topology;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.avro.specific.SpecificRecord;

import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;

import dev.coilsight.analytics.quality.QualityListener;
import dev.coilsight.analytics.quality.QualitySettings;
import dev.coilsight.analytics.stats.ImageCounts;
import dev.coilsight.schemas.CoilDefectStats;
import dev.coilsight.schemas.CoilEnded;
import dev.coilsight.schemas.CoilGraded;
import dev.coilsight.schemas.QualityAlert;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.DefectiveImage;
import dev.coilsight.schemas.ImageClassified;

/**
 * The per-coil aggregation:
 * <ul>
 *   <li>{@value #SEEN_IMAGES_STORE} and {@value #LAST_RECORD_STORE}: the images each coil has had results for, so
 *       that everything below counts an image's classification and its segmentation once each however often they
 *       are published, and the time of the coil's latest record;</li>
 *   <li>{@value #STATS_STORE}: classifications and segmentations folded by coil into
 *       {@link CoilDefectStats}, also published to the coil-stats topic;</li>
 *   <li>{@value #COIL_WINDOWS_STORE} and {@value #LINE_WINDOWS_STORE}: images and defective images per
 *       tumbling window of capture time, per coil and per production line, with a grace period for late
 *       results (later ones are dropped and counted by Kafka Streams' dropped-records metric);</li>
 *   <li>{@value #RECENT_DEFECTS_STORE} and {@value #RECENT_IMAGES_STORE}: the latest segmentations and
 *       defective images (bytes included) of each coil, bounded, for the dashboard;</li>
 *   <li>{@value #COIL_MAP_STORE} and {@value #COIL_MASKS_STORE}, {@value #COIL_PROGRESS_STORE} and {@value #COIL_GRADES_STORE}:
 *       each coil's defects on the strip and their masks, where it stands for grading, and its latest grade; grades and alerts go to their topics
 *       ({@link QualityNodes}); {@value #LINE_ALERTS_STORE}: which window each line last alerted for.</li>
 * </ul>
 * Every store is keyed by coil (or line) in the task that reads the coil's partition, so one
 * interactive query finds all of a coil's state on one instance. A coil with no record for
 * {@link Settings#coilRetention} of stream time is removed from every key-value store (tombstones in their
 * changelogs) and from the coil-stats topic (a tombstone); see {@link CoilExpiry}. Windows expire by their own
 * retention, never longer than the coil's.
 */
public final class CoilAnalyticsTopology {

    public static final String STATS_STORE = "coil-stats";
    public static final String COIL_WINDOWS_STORE = "coil-defect-rate-windows";
    public static final String LINE_WINDOWS_STORE = "line-defect-rate-windows";
    public static final String RECENT_DEFECTS_STORE = "coil-recent-defects";
    public static final String RECENT_IMAGES_STORE = "coil-recent-images";
    /** Which images' results each coil has had, so that a result published twice counts once. */
    public static final String SEEN_IMAGES_STORE = "coil-seen-images";
    /** The time of each coil's latest record, by which coils expire. */
    public static final String LAST_RECORD_STORE = "coil-last-record";
    /** Each coil's defects placed on the strip, one entry per segmented image, under the coil's {@link RecentKeys#prefix}. */
    public static final String COIL_MAP_STORE = "coil-map";
    /** The masks of each image on the coil map, keyed as the map. */
    public static final String COIL_MASKS_STORE = "coil-map-masks";
    /** Where each coil stands for grading ({@link dev.coilsight.analytics.quality.CoilProgress}). */
    public static final String COIL_PROGRESS_STORE = "coil-progress";
    /** Each coil's latest grade. */
    public static final String COIL_GRADES_STORE = "coil-grades";
    /** The latest window each line raised a defect-rate alert for. */
    public static final String LINE_ALERTS_STORE = "line-rate-alerts";
    /** Line of records that name none. */
    public static final String UNKNOWN_LINE = "unknown";
    /** Changelog and producer limit for the image store (images of a few MB). */
    public static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;

    /** Topics read and written. */
    public record Topics(String classifications, String defects, String defectiveImages, String coilEnds, String coilStats, String coilGrades,
            String alerts) {
    }

    /**
     * What the aggregation keeps.
     *
     * @param imageRetention how long a quiet coil keeps its images' bytes (at most {@code coilRetention}, which applies to
     *                       the rest of it)
     */
    public record Settings(Duration windowSize, Duration grace, Duration windowRetention, Duration coilRetention, int recentDefectsPerCoil,
            int recentImagesPerCoil, Duration imageRetention) {

        /** Images kept as long as their coil. */
        public Settings(Duration windowSize, Duration grace, Duration windowRetention, Duration coilRetention, int recentDefectsPerCoil,
                int recentImagesPerCoil) {
            this(windowSize, grace, windowRetention, coilRetention, recentDefectsPerCoil, recentImagesPerCoil, coilRetention);
        }

        public Settings {
            if (windowSize.isZero() || windowSize.isNegative()) {
                throw new IllegalArgumentException("window size must be positive, got " + windowSize);
            }
            if (grace.isNegative()) {
                throw new IllegalArgumentException("grace must not be negative, got " + grace);
            }
            if (windowRetention.compareTo(windowSize.plus(grace)) < 0) {
                throw new IllegalArgumentException("window retention (" + windowRetention + ") must be at least window size + grace ("
                        + windowSize.plus(grace) + ")");
            }
            // A coil's windows must not outlive its figures: they could not be asked for, and a coil seen again later
            // would start from zero beside its old windows.
            if (coilRetention.compareTo(windowRetention) < 0) {
                throw new IllegalArgumentException("coil retention (" + coilRetention + ") must be at least the window retention ("
                        + windowRetention + ")");
            }
            if (recentDefectsPerCoil < 1 || recentImagesPerCoil < 0) {
                throw new IllegalArgumentException("keep at least one recent defect per coil and zero or more images");
            }
            if (imageRetention.isZero() || imageRetention.isNegative() || imageRetention.compareTo(coilRetention) > 0) {
                throw new IllegalArgumentException("image retention (" + imageRetention + ") must be positive and at most the coil retention ("
                        + coilRetention + ")");
            }
        }
    }

    /**
     * The Avro serdes of the records read and written. Those used for state stores and repartition
     * topics must register their schemas themselves (nobody deploys schemas for internal topics);
     * {@code statsOut} writes the public coil-stats topic and follows the service's registration policy.
     */
    public record RecordSerdes(Serde<ImageClassified> classified, Serde<DefectSegmentation> segmentation,
            Serde<DefectiveImage> defectiveImage, Serde<CoilEnded> coilEnded, Serde<CoilDefectStats> stats, Serde<CoilDefectStats> statsOut,
            Serde<CoilGraded> graded, Serde<CoilGraded> gradedOut, Serde<QualityAlert> alertOut) {
    }

    private CoilAnalyticsTopology() {
    }

    public static Topology build(Topics topics, Settings settings, QualitySettings quality, RecordSerdes serdes, Clock clock) {
        return build(topics, settings, quality, serdes, clock, QualityListener.NONE, 0);
    }

    /**
     * @param imagePartitions when the defective-images topic has another partition count than the results
     *     topics, their count: the images are repartitioned by coil into as many partitions, so that every
     *     store holds a coil in the same task and one instance answers everything about it; 0 when they agree
     */
    public static Topology build(Topics topics, Settings settings, QualitySettings quality, RecordSerdes serdes, Clock clock,
            QualityListener listener, int imagePartitions) {
        StreamsBuilder builder = new StreamsBuilder();
        CapturedAtTimestampExtractor eventTime = new CapturedAtTimestampExtractor();
        Serde<String> keys = Serdes.String();

        KStream<String, ImageClassified> classifications = builder.stream(topics.classifications(),
                Consumed.with(keys, serdes.classified()).withTimestampExtractor(eventTime).withName("classifications"));
        KStream<String, DefectSegmentation> defects = builder.stream(topics.defects(),
                Consumed.with(keys, serdes.segmentation()).withTimestampExtractor(eventTime).withName("defects"));
        KStream<String, DefectiveImage> images = builder.stream(topics.defectiveImages(),
                Consumed.with(keys, serdes.defectiveImage()).withTimestampExtractor(eventTime).withName("defective-images"));

        // Each image's result once, before anything counts it; the two stores connect every node below into one
        // sub-topology, whose tasks hold one coil's state together (PartitionLayout checks that the partition counts agree).
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(SEEN_IMAGES_STORE), keys, Serdes.Long()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LAST_RECORD_STORE), keys, Serdes.Long()));
        KStream<String, ImageClassified> classificationsOnce = classifications.processValues(
                () -> new OncePerImageProcessor<ImageClassified>("c", ImageClassified::getImageId,
                        c -> c.getTimings().getCompletedAt().toEpochMilli()), Named.as("classifications-once"),
                SEEN_IMAGES_STORE, LAST_RECORD_STORE);
        KStream<String, DefectSegmentation> defectsOnce = defects.processValues(
                () -> new OncePerImageProcessor<DefectSegmentation>("s", DefectSegmentation::getImageId,
                        d -> d.getTimings().getCompletedAt().toEpochMilli()), Named.as("defects-once"),
                SEEN_IMAGES_STORE, LAST_RECORD_STORE);

        builder.addStateStore(Stores.timestampedKeyValueStoreBuilder(Stores.persistentTimestampedKeyValueStore(STATS_STORE), keys,
                serdes.stats()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RECENT_DEFECTS_STORE), keys, serdes.segmentation()));
        QualityNodes.addStores(builder, serdes);
        List<String> coilStores = new ArrayList<>(List.of(STATS_STORE, LAST_RECORD_STORE, SEEN_IMAGES_STORE, RECENT_DEFECTS_STORE));
        coilStores.addAll(QualityNodes.COIL_STORES);
        List<String> emptiedByPrefix = new ArrayList<>(List.of(SEEN_IMAGES_STORE, RECENT_DEFECTS_STORE, COIL_MAP_STORE,
                COIL_MASKS_STORE));
        if (settings.recentImagesPerCoil() > 0) {
            builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(RECENT_IMAGES_STORE), keys, serdes.defectiveImage())
                    .withLoggingEnabled(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(MAX_RECORD_BYTES))));
            coilStores.add(RECENT_IMAGES_STORE);
            emptiedByPrefix.add(RECENT_IMAGES_STORE);
        }
        classificationsOnce.<SpecificRecord>mapValues(c -> c, Named.as("classifications-as-results"))
                .merge(defectsOnce.<SpecificRecord>mapValues(s -> s, Named.as("defects-as-results")), Named.as("results"))
                .process(() -> new CoilStatsProcessor(clock, settings.coilRetention(), emptiedByPrefix, QualityNodes.EMPTIED_BY_COIL,
                                settings.recentImagesPerCoil() > 0 ? RECENT_IMAGES_STORE : null, settings.imageRetention()),
                        Named.as("coil-stats-aggregate"),
                        coilStores.toArray(String[]::new))
                .to(topics.coilStats(), Produced.with(keys, serdes.statsOut()).withName("coil-stats-out"));

        TimeWindows windows = TimeWindows.ofSizeAndGrace(settings.windowSize(), settings.grace());
        classificationsOnce.groupByKey(Grouped.with("classifications-by-coil", keys, serdes.classified()))
                .windowedBy(windows)
                .aggregate(() -> ImageCounts.NONE, (coil, image, counts) -> counts.add(image.getDefective()),
                        Named.as("coil-windows-aggregate"),
                        Materialized.<String, ImageCounts, WindowStore<Bytes, byte[]>>as(COIL_WINDOWS_STORE)
                                .withKeySerde(keys).withValueSerde(ImageCounts.serde()).withRetention(settings.windowRetention()));

        KStream<String, CoilEnded> ends = builder.stream(topics.coilEnds(),
                        Consumed.with(keys, serdes.coilEnded()).withTimestampExtractor(eventTime).withName("coil-ends"))
                .processValues(LastRecordProcessor::new, Named.as("coil-ends-last-record"), LAST_RECORD_STORE);
        QualityNodes.addCoilQuality(topics, quality, serdes, clock, listener, classificationsOnce, defectsOnce, ends);

        KTable<Windowed<String>, ImageCounts> lineWindows = classificationsOnce
                .map((coil, image) -> KeyValue.pair(lineOf(image), image.getDefective()), Named.as("classifications-to-lines"))
                .groupByKey(Grouped.with("classifications-by-line", keys, Serdes.Boolean()))
                .windowedBy(windows)
                .aggregate(() -> ImageCounts.NONE, (line, defective, counts) -> counts.add(defective),
                        Named.as("line-windows-aggregate"),
                        Materialized.<String, ImageCounts, WindowStore<Bytes, byte[]>>as(LINE_WINDOWS_STORE)
                                .withKeySerde(keys).withValueSerde(ImageCounts.serde()).withRetention(settings.windowRetention()));
        QualityNodes.addLineRateAlerts(builder, topics, quality, serdes, clock, listener, lineWindows);

        defectsOnce.process(() -> new KeepRecentProcessor<DefectSegmentation>(RECENT_DEFECTS_STORE, settings.recentDefectsPerCoil(),
                s -> s.getTimings().getCompletedAt().toEpochMilli(), DefectSegmentation::getImageId), Named.as("keep-recent-defects"), RECENT_DEFECTS_STORE);

        if (settings.recentImagesPerCoil() > 0) {
            KStream<String, DefectiveImage> imagesByCoil = imagePartitions <= 0 ? images
                    : images.repartition(Repartitioned.<String, DefectiveImage>as("defective-images-by-coil")
                            .withKeySerde(keys).withValueSerde(serdes.defectiveImage()).withNumberOfPartitions(imagePartitions));
            // Through the seen-images store like the results: that puts the images in the sub-topology of the coil's
            // figures, so that the instance owning a coil's figures also holds its images, and an image sent twice is kept once.
            imagesByCoil.processValues(() -> new OncePerImageProcessor<DefectiveImage>("i", d -> d.getImage().getImageId(),
                            d -> d.getClassification().getTimings().getCompletedAt().toEpochMilli()),
                            Named.as("defective-images-once"), SEEN_IMAGES_STORE, LAST_RECORD_STORE)
                    .process(() -> new KeepRecentProcessor<DefectiveImage>(RECENT_IMAGES_STORE, settings.recentImagesPerCoil(),
                            d -> d.getClassification().getTimings().getCompletedAt().toEpochMilli(), d -> d.getImage().getImageId()), Named.as("keep-recent-images"),
                            RECENT_IMAGES_STORE);
        }
        return builder.build();
    }

    static String lineOf(ImageClassified image) {
        String line = image.getLineId();
        return line == null || line.isBlank() ? UNKNOWN_LINE : line;
    }
}
