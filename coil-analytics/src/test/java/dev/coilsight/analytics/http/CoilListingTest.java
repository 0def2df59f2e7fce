package dev.coilsight.analytics.http;

import static dev.coilsight.analytics.TopologyDrivers.TOPICS;
import static dev.coilsight.analytics.Records.classified;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import dev.coilsight.analytics.AnalyticsService;
import dev.coilsight.analytics.quality.QualitySettings;
import dev.coilsight.schemas.registry.InMemorySchemaRegistry;
import dev.coilsight.analytics.TopologyDrivers;
import dev.coilsight.analytics.query.CoilOrder;
import dev.coilsight.analytics.query.TopCoils;
import dev.coilsight.analytics.topology.CoilAnalyticsTopology;
import dev.coilsight.schemas.ImageClassified;

/**
 * The coil list over 50,000 coils in the real stats store (the topology in TopologyTestDriver), split over two
 * instances as partitions would split them: each instance sends only its first {@code (page + 1) * size} coils,
 * and the merged page equals the one a sort of everything the test sent gives.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CoilListingTest {

    private static final int COILS = 50_000;
    private static final long T0 = Instant.parse("2026-11-29T00:00:00Z").toEpochMilli();

    /** What the test sent for a coil, as the list must show it. */
    private record Sent(String coilId, long images, long defective, long lastCapturedAt) {
        double rate() {
            return (double) defective / images;
        }
    }

    private final CoilAnalyticsTopology.RecordSerdes serdes = AnalyticsService.serdes(new InMemorySchemaRegistry(), true);
    private final List<TopologyTestDriver> instances = new ArrayList<>();
    private final List<Sent> sent = new ArrayList<>();

    @BeforeAll
    void loadFiftyThousandCoilsIntoTwoInstances(@TempDir Path stateDir) {
        for (int i = 0; i < 2; i++) {
            instances.add(driver(stateDir.resolve("instance-" + i)));
        }
        List<TestInputTopic<String, ImageClassified>> inputs = new ArrayList<>();
        for (TopologyTestDriver d : instances) {
            inputs.add(d.createInputTopic(TOPICS.classifications(), new StringSerializer(), serdes.classified().serializer()));
        }
        for (int c = 0; c < COILS; c++) {
            String coil = String.format("coil-%05d", c);
            // Capture times repeat every 20,000 coils and rates take few values: the orders' tie-breaks decide often.
            long base = T0 + (c * 7_919L % 20_000) * 1_000;
            int images = 1 + c % 2;
            long defective = 0;
            long last = 0;
            for (int j = 0; j < images; j++) {
                long t = base + j * 100;
                boolean isDefective = (c * 31 + j * 17) % 5 < 2;
                defective += isDefective ? 1 : 0;
                last = Math.max(last, t);
                inputs.get(c % 2).pipeInput(coil, classified(coil, coil + "-" + j, "L1", t, isDefective), Instant.ofEpochMilli(t));
            }
            sent.add(new Sent(coil, images, defective, last));
        }
    }

    @AfterAll
    void close() {
        instances.forEach(TopologyTestDriver::close);
    }

    @Test
    void everyOrderGivesTheRightPagesAndTotalWhileEachInstanceSendsOnlyThePageDepth() throws IOException {
        Map<String, Comparator<Sent>> expectedOrders = Map.of(
                "defectRate", Comparator.comparingDouble(Sent::rate).reversed()
                        .thenComparing(Comparator.comparingLong(Sent::lastCapturedAt).reversed()).thenComparing(Sent::coilId),
                "recent", Comparator.comparingLong(Sent::lastCapturedAt).reversed().thenComparing(Sent::coilId),
                "coilId", Comparator.comparing(Sent::coilId));
        int checked = 0;
        for (Map.Entry<String, Comparator<Sent>> sort : expectedOrders.entrySet()) {
            List<Sent> expected = new ArrayList<>(sent);
            expected.sort(sort.getValue());
            for (int[] pageAndSize : new int[][] {{0, 50}, {3, 500}, {19, 500}, {0, 1}}) {
                CoilListing.Request request = CoilListing.request(Map.of("sort", sort.getKey(),
                        "page", String.valueOf(pageAndSize[0]), "size", String.valueOf(pageAndSize[1])));
                List<CoilListing.Part> parts = new ArrayList<>();
                for (TopologyTestDriver instance : instances) {
                    TopCoils.Part top = TopCoils.of(statsStore(instance), request.order(), request.depth());
                    assertThat(top.total()).isEqualTo(COILS / 2);
                    assertThat(top.coils()).hasSize(request.depth());
                    // As another instance answers /internal/v1/coils: through JSON.
                    parts.add(CoilListing.read(HttpAnswers.JSON.writeValueAsBytes(CoilListing.body(CoilListing.part(top)))));
                }

                Map<String, Object> page = CoilListing.page(request, parts);

                int from = request.page() * request.size();
                List<Sent> want = expected.subList(from, from + request.size());
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> coils = (List<Map<String, Object>>) page.get("coils");
                assertThat(page.get("total")).isEqualTo((long) COILS);
                assertThat(page.get("sort")).isEqualTo(sort.getKey());
                assertThat(coils).extracting(m -> m.get("coilId")).as("sort=%s page %d of %d", sort.getKey(), request.page(), request.size())
                        .containsExactlyElementsOf(want.stream().map(Sent::coilId).toList());
                for (int k = 0; k < coils.size(); k++) {
                    assertThat(((Number) coils.get(k).get("imagesInspected")).longValue()).isEqualTo(want.get(k).images());
                    assertThat(((Number) coils.get(k).get("defectiveImages")).longValue()).isEqualTo(want.get(k).defective());
                    assertThat(coils.get(k).get("lastCapturedAt")).isEqualTo(Instant.ofEpochMilli(want.get(k).lastCapturedAt()).toString());
                }
                checked++;
            }
        }
        assertThat(checked).isEqualTo(12);
    }

    @Test
    void aPagePastTheListsDepthOrABadParameterIsRefusedNamingTheParameter() {
        assertThat(CoilListing.request(Map.of("page", "19", "size", "500")).depth()).isEqualTo(CoilListing.MAX_DEPTH);
        assertRefused(Map.of("page", "20", "size", "500"), "page");
        assertRefused(Map.of("page", "-1"), "page");
        assertRefused(Map.of("page", "2147483647", "size", "500"), "page");
        assertRefused(Map.of("size", "0"), "size");
        assertRefused(Map.of("size", "501"), "size");
        assertRefused(Map.of("size", "x"), "size");
        assertRefused(Map.of("sort", "colour"), "sort");
        assertThatThrownBy(() -> CoilListing.limit(Map.of("limit", "10001"))).hasMessageStartingWith("limit");
        assertThat(CoilListing.order(Map.of())).isEqualTo(CoilOrder.DEFECT_RATE);
    }

    @Test
    void anAnswerOfAnInstanceWithoutTotalIsAnErrorAndAPlainArrayIsEveryCoilItHolds() throws IOException {
        assertThatThrownBy(() -> CoilListing.read("{\"coils\":[]}".getBytes())).isInstanceOf(IOException.class).hasMessageContaining("total");
        CoilListing.Part all = CoilListing.read("[{\"coilId\":\"x\"},{\"coilId\":\"y\"}]".getBytes());
        assertThat(all.total()).isEqualTo(2);
        assertThat(all.coils()).extracting(m -> m.get("coilId")).containsExactly("x", "y");
    }

    private static void assertRefused(Map<String, String> query, String parameter) {
        assertThatThrownBy(() -> CoilListing.request(query)).isInstanceOfSatisfying(Requests.Failure.class, f -> {
            assertThat(f.status).isEqualTo(400);
            assertThat(f.getMessage()).startsWith(parameter);
        });
    }

    private static ReadOnlyKeyValueStore<String, Object> statsStore(TopologyTestDriver driver) {
        return driver.getKeyValueStore(CoilAnalyticsTopology.STATS_STORE);
    }

    private TopologyTestDriver driver(Path state) {
        CoilAnalyticsTopology.Settings settings = new CoilAnalyticsTopology.Settings(Duration.ofMinutes(1), Duration.ofSeconds(30),
                Duration.ofHours(1), Duration.ofDays(7), 3, 2);
        return new TopologyTestDriver(CoilAnalyticsTopology.build(TOPICS, settings, QualitySettings.defaults(), serdes, Clock.systemUTC()),
                TopologyDrivers.properties("listing-test", state));
    }
}
