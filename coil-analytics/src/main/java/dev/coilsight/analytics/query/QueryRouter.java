package dev.coilsight.analytics.query;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Which instance holds a key's state, from Kafka Streams' metadata and every instance's
 * {@code application.server}: a query is answered locally or sent to that instance.
 */
public final class QueryRouter {

    /** No instance holds the key's partition right now (a rebalance is going on). */
    public static final class Unavailable extends RuntimeException {
        public Unavailable(String message) {
            super(message);
        }
    }

    private static final StringSerializer KEYS = new StringSerializer();

    private final KafkaStreams streams;
    private final HostInfo self;

    public QueryRouter(KafkaStreams streams, HostInfo self) {
        this.streams = streams;
        this.self = self;
    }

    public HostInfo self() {
        return self;
    }

    /** The instance whose active task holds {@code key} in {@code store}. */
    public HostInfo owner(String store, String key) {
        requireRunning();
        KeyQueryMetadata metadata = streams.queryMetadataForKey(store, key, KEYS);
        if (metadata == null || metadata == KeyQueryMetadata.NOT_AVAILABLE || metadata.activeHost() == null
                || metadata.activeHost().port() < 0) {
            throw new Unavailable("no instance holds " + store + " for '" + key + "' right now (rebalancing); retry shortly");
        }
        return metadata.activeHost();
    }

    public boolean isSelf(HostInfo host) {
        return self.equals(host);
    }

    /** Every instance whose active tasks hold part of {@code store}, this one included. */
    public List<HostInfo> instancesWith(String store) {
        requireRunning();
        return activeHosts(streams.streamsMetadataForStore(store), store);
    }

    /**
     * The hosts among {@code metadata} with an active task on {@code store}. Kafka Streams also lists instances that hold
     * only standby copies (a new replica warming up, for minutes): asked for their part, they cannot read the store.
     */
    static List<HostInfo> activeHosts(Collection<StreamsMetadata> metadata, String store) {
        List<HostInfo> hosts = new ArrayList<>();
        for (StreamsMetadata m : metadata) {
            if (m.stateStoreNames().contains(store)) {
                hosts.add(m.hostInfo());
            }
        }
        return hosts;
    }

    private void requireRunning() {
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING) {
            throw new Unavailable("the aggregation is " + state + ", not RUNNING; retry shortly");
        }
    }
}
