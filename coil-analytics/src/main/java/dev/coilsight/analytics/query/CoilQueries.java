package dev.coilsight.analytics.query;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

import dev.coilsight.analytics.coilmap.MappedImage;
import dev.coilsight.analytics.quality.CoilProgress;
import dev.coilsight.analytics.stats.ImageCounts;
import dev.coilsight.analytics.topology.CoilAnalyticsTopology;
import dev.coilsight.analytics.topology.RecentKeys;
import dev.coilsight.schemas.CoilDefectStats;
import dev.coilsight.schemas.CoilGraded;
import dev.coilsight.schemas.DefectSegmentation;
import dev.coilsight.schemas.DefectiveImage;

/** Reads of this instance's own state stores; {@link QueryRouter} decides which instance to ask. */
public final class CoilQueries {

    /** One tumbling window of a coil or a line. */
    public record Window(long startMillis, long endMillis, ImageCounts counts) {
    }

    private static final StringSerializer KEYS = new StringSerializer();

    private final KafkaStreams streams;
    private final long windowSizeMillis;
    private final boolean imagesKept;

    public CoilQueries(KafkaStreams streams, long windowSizeMillis, boolean imagesKept) {
        this.streams = streams;
        this.windowSizeMillis = windowSizeMillis;
        this.imagesKept = imagesKept;
    }

    public Optional<CoilDefectStats> stats(String coilId) {
        return Optional.ofNullable(kv(CoilAnalyticsTopology.STATS_STORE).get(coilId)).map(v -> (CoilDefectStats) v);
    }

    /** The first {@code limit} coils in {@code order} of those whose state this instance holds (active tasks), and their count. */
    public TopCoils.Part topCoils(CoilOrder order, int limit) {
        return TopCoils.of(kv(CoilAnalyticsTopology.STATS_STORE), order, limit);
    }

    /** The last {@code count} windows of a coil (or, with the line store, a line), oldest first. */
    public List<Window> windows(String store, String key, int count) {
        ReadOnlyWindowStore<String, ImageCounts> windows = streams.store(
                StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.<String, ImageCounts>windowStore()));
        List<Window> all = new ArrayList<>();
        try (WindowStoreIterator<ImageCounts> it = windows.fetch(key, Instant.EPOCH, Instant.ofEpochMilli(Long.MAX_VALUE / 2))) {
            while (it.hasNext()) {
                KeyValue<Long, ImageCounts> w = it.next();
                all.add(new Window(w.key, w.key + windowSizeMillis, w.value));
            }
        }
        return all.size() <= count ? all : new ArrayList<>(all.subList(all.size() - count, all.size()));
    }

    /** The coil's latest segmentations, newest first. */
    public List<DefectSegmentation> recentDefects(String coilId, int limit) {
        List<DefectSegmentation> out = new ArrayList<>();
        for (KeyValue<String, Object> e : recent(CoilAnalyticsTopology.RECENT_DEFECTS_STORE, coilId)) {
            out.add(0, (DefectSegmentation) e.value);
        }
        return out.size() <= limit ? out : new ArrayList<>(out.subList(0, limit));
    }

    public Optional<DefectSegmentation> defect(String coilId, String imageId) {
        return find(CoilAnalyticsTopology.RECENT_DEFECTS_STORE, coilId, imageId).map(v -> (DefectSegmentation) v);
    }

    public Optional<DefectiveImage> image(String coilId, String imageId) {
        if (!imagesKept) {
            return Optional.empty();
        }
        return find(CoilAnalyticsTopology.RECENT_IMAGES_STORE, coilId, imageId).map(v -> (DefectiveImage) v);
    }

    /** The ids of the coil's images whose bytes are kept: one pass over the store, rather than one per image asked about. */
    public Set<String> imagesKept(String coilId) {
        Set<String> ids = new HashSet<>();
        if (imagesKept) {
            recent(CoilAnalyticsTopology.RECENT_IMAGES_STORE, coilId).forEach(e -> ids.add(RecentKeys.imageId(e.key)));
        }
        return ids;
    }

    /** The coil's images on its map, without their masks, in no particular order. */
    public List<MappedImage> map(String coilId) {
        List<MappedImage> out = new ArrayList<>();
        for (KeyValue<String, Object> e : recent(CoilAnalyticsTopology.COIL_MAP_STORE, coilId)) {
            out.add((MappedImage) e.value);
        }
        return out;
    }

    /** One image on the coil map, with its masks. */
    public Optional<MappedImage> mappedImage(String coilId, String imageId) {
        String key = RecentKeys.imageKey(coilId, imageId);
        return Optional.ofNullable(kv(CoilAnalyticsTopology.COIL_MAP_STORE).get(key)).map(v -> (MappedImage) v)
                .map(image -> Optional.ofNullable(kv(CoilAnalyticsTopology.COIL_MASKS_STORE).get(key))
                        .map(stored -> image.withMasks((MappedImage.Masks) stored)).orElse(image));
    }

    public Optional<CoilGraded> grade(String coilId) {
        return Optional.ofNullable(kv(CoilAnalyticsTopology.COIL_GRADES_STORE).get(coilId)).map(v -> (CoilGraded) v);
    }

    public Optional<CoilProgress> progress(String coilId) {
        return Optional.ofNullable(kv(CoilAnalyticsTopology.COIL_PROGRESS_STORE).get(coilId)).map(v -> (CoilProgress) v);
    }

    private Optional<Object> find(String store, String coilId, String imageId) {
        for (KeyValue<String, Object> e : recent(store, coilId)) {
            if (RecentKeys.imageId(e.key).equals(imageId)) {
                return Optional.of(e.value);
            }
        }
        return Optional.empty();
    }

    private List<KeyValue<String, Object>> recent(String store, String coilId) {
        List<KeyValue<String, Object>> out = new ArrayList<>();
        try (KeyValueIterator<String, Object> it = kv(store).prefixScan(RecentKeys.prefix(coilId), KEYS)) {
            while (it.hasNext()) {
                out.add(it.next());
            }
        }
        return out;
    }

    private ReadOnlyKeyValueStore<String, Object> kv(String name) {
        return streams.store(StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, Object>keyValueStore()));
    }
}
