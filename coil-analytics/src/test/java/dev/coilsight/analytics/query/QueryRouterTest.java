package dev.coilsight.analytics.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.internals.StreamsMetadataImpl;
import org.junit.jupiter.api.Test;

class QueryRouterTest {

    @Test
    void anInstanceHoldingOnlyAStandbyCopyIsNotAskedForItsPartOfAStore() {
        TopicPartition p0 = new TopicPartition("stats-changelog", 0);
        StreamsMetadataImpl active = new StreamsMetadataImpl(new HostInfo("a", 8090), Set.of("coil-stats"), Set.of(p0), Set.of(), Set.of());
        StreamsMetadataImpl warmingUp = new StreamsMetadataImpl(new HostInfo("c", 8090), Set.of(), Set.of(), Set.of("coil-stats"), Set.of(p0));
        StreamsMetadataImpl otherStore = new StreamsMetadataImpl(new HostInfo("b", 8090), Set.of("coil-grades"), Set.of(), Set.of(), Set.of());

        assertThat(QueryRouter.activeHosts(List.of(active, warmingUp, otherStore), "coil-stats")).containsExactly(new HostInfo("a", 8090));
    }
}
