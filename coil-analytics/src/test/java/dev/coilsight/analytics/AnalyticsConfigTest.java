package dev.coilsight.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

import dev.coilsight.analytics.review.KafkaReviewSink;
import dev.coilsight.serviceruntime.config.Env;

class AnalyticsConfigTest {

    @Test
    void defaultsAreDocumentedOnes() {
        AnalyticsConfig config = AnalyticsConfig.fromEnv(withTokens(Map.of()));
        assertThat(config.http().port()).isEqualTo(8090);
        assertThat(config.applicationId()).isEqualTo("coilsight-analytics");
        assertThat(config.topics().classifications()).isEqualTo("steel.classifications");
        assertThat(config.settings().windowSize().toMillis()).isEqualTo(60_000);
        assertThat(config.settings().grace().toMillis()).isEqualTo(30_000);
        assertThat(config.settings().coilRetention()).isEqualTo(Duration.ofDays(7));
        Properties streams = config.streamsProperties("host-1:8090");
        assertThat(streams.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(streams.get(StreamsConfig.APPLICATION_SERVER_CONFIG)).isEqualTo("host-1:8090");
    }

    @Test
    void applicationServerWithoutPortTakesTheBoundPort() {
        AnalyticsConfig hostOnly = AnalyticsConfig.fromEnv(withTokens(Map.of("COILSIGHT_APPLICATION_SERVER", "pod-0.analytics")));
        assertThat(hostOnly.advertisedServer(41234)).isEqualTo("pod-0.analytics:41234");
        AnalyticsConfig full = AnalyticsConfig.fromEnv(withTokens(Map.of("COILSIGHT_APPLICATION_SERVER", "pod-0.analytics:8090")));
        assertThat(full.advertisedServer(41234)).isEqualTo("pod-0.analytics:8090");
        assertThatThrownBy(() -> AnalyticsConfig.fromEnv(withTokens(Map.of("COILSIGHT_APPLICATION_SERVER", "pod-0:http"))))
                .hasMessageContaining("COILSIGHT_APPLICATION_SERVER");
    }

    @Test
    void aGroupInstanceIdMakesEveryStreamThreadAStaticMemberAndABadOneNamesTheVariable() {
        Properties dynamic = AnalyticsConfig.fromEnv(withTokens(Map.of())).streamsProperties("host-1:8090");
        assertThat(dynamic).doesNotContainKey(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
        Properties fixed = AnalyticsConfig.fromEnv(withTokens(Map.of("COILSIGHT_GROUP_INSTANCE_ID", "coil-analytics-1")))
                .streamsProperties("host-1:8090");
        assertThat(fixed).containsEntry(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), "coil-analytics-1");
        assertThatThrownBy(() -> AnalyticsConfig.fromEnv(withTokens(Map.of("COILSIGHT_GROUP_INSTANCE_ID", "pod 0"))))
                .hasMessageContaining("COILSIGHT_GROUP_INSTANCE_ID").hasMessageContaining("'pod 0'");
    }

    @Test
    void aStreamThreadIsReplacedUnlessAnotherProcessTookItsMembership() {
        assertThat(AnalyticsService.onThreadFailure(new StreamsException(new IllegalStateException("a bug")), Optional.empty()))
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(AnalyticsService.onThreadFailure(new StreamsException(new FencedInstanceIdException("fenced")), Optional.of("pod-0")))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }

    @Test
    void badWindowsNameTheVariable() {
        assertThatThrownBy(() -> AnalyticsConfig.fromEnv(withTokens(Map.of("COILSIGHT_WINDOW_SIZE_MS", "0"))))
                .hasMessageContaining("COILSIGHT_WINDOW_").hasMessageContaining("window size must be positive");
        assertThatThrownBy(() -> AnalyticsConfig.fromEnv(withTokens(Map.of("COILSIGHT_WINDOW_RETENTION_MS", "1000"))))
                .hasMessageContaining("retention");
        assertThatThrownBy(() -> AnalyticsConfig.fromEnv(withTokens(Map.of("COILSIGHT_COIL_RETENTION_MS", "3600000"))))
                .hasMessageContaining("COILSIGHT_COIL_RETENTION_MS").hasMessageContaining("COILSIGHT_WINDOW_RETENTION_MS");
        assertThatThrownBy(() -> AnalyticsConfig.fromEnv(withTokens(Map.of("COILSIGHT_COIL_RETENTION_MS", "a week"))))
                .hasMessageContaining("COILSIGHT_COIL_RETENTION_MS");
        assertThat(AnalyticsConfig.fromEnv(withTokens(Map.of("COILSIGHT_COIL_RETENTION_MS", "86400000"))).settings().coilRetention())
                .isEqualTo(Duration.ofDays(1));
        assertThat(AnalyticsConfig.fromEnv(withTokens(Map.of("COILSIGHT_COIL_RETENTION_MS", "86400000"))).settings().imageRetention())
                .as("the default cut to a shorter coil retention").isEqualTo(Duration.ofDays(1));
        assertThat(AnalyticsConfig.fromEnv(withTokens(Map.of())).settings().imageRetention()).isEqualTo(Duration.ofDays(2));
        for (String bad : new String[] {"0", "-5", "700000000"}) {
            assertThatThrownBy(() -> AnalyticsConfig.fromEnv(withTokens(Map.of("COILSIGHT_IMAGE_RETENTION_MS", bad))))
                    .as(bad).hasMessageStartingWith("COILSIGHT_IMAGE_RETENTION_MS");
        }
        assertThatThrownBy(() -> AnalyticsConfig.fromEnv(withTokens(Map.of("COILSIGHT_HTTP_PORT", "70000"))))
                .hasMessageContaining("COILSIGHT_HTTP_PORT");
    }

    @Test
    void kafkaPassThroughOverridesAndSecretsAreMasked() {
        Env env = withTokens(Map.of(
                "COILSIGHT_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "COILSIGHT_KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.plain.PlainLoginModule required password=\"s3cret\";",
                "COILSIGHT_SCHEMA_REGISTRY_USER_INFO", "user:pw"));
        AnalyticsConfig config = AnalyticsConfig.fromEnv(env);
        assertThat(config.streamsProperties("h:1").get("security.protocol")).isEqualTo("SASL_SSL");
        assertThat(env.inEffect().toString()).doesNotContain("s3cret").doesNotContain("user:pw").contains("****");
    }

    @Test
    void aPlantsLargerRecordLimitReachesEveryProducerOfCoilAnalytics() {
        assertThat(AnalyticsConfig.fromEnv(withTokens(Map.of())).streamsProperties("h:1").get("producer.max.request.size"))
                .isEqualTo(String.valueOf(16 * 1024 * 1024));
        AnalyticsConfig config = AnalyticsConfig.fromEnv(withTokens(Map.of("COILSIGHT_KAFKA_MAX_REQUEST_SIZE", "33554432")));

        assertThat(config.streamsProperties("h:1").get("producer.max.request.size")).isEqualTo("33554432");
        assertThat(KafkaReviewSink.producerSettings(config.producerSettings(), false)).containsEntry("max.request.size", "33554432");
        assertThat(KafkaReviewSink.producerSettings(AnalyticsConfig.fromEnv(withTokens(Map.of())).producerSettings(), false))
                .containsEntry("max.request.size", 8 * 1024 * 1024 + 64 * 1024);
    }

    @Test
    void withoutTokensItRefusesToStartUnlessAuthIsDisabled() {
        assertThatThrownBy(() -> AnalyticsConfig.fromEnv(new Env(Map.of()))).hasMessageContaining("COILSIGHT_ANALYTICS_TOKEN")
                .hasMessageContaining("COILSIGHT_ANALYTICS_INTERNAL_TOKEN").hasMessageContaining("COILSIGHT_ANALYTICS_AUTH_DISABLED");
        assertThat(AnalyticsConfig.fromEnv(new Env(Map.of("COILSIGHT_ANALYTICS_AUTH_DISABLED", "true"))).authDisabled()).isTrue();
        Env withTokens = withTokens(Map.of());
        AnalyticsConfig.fromEnv(withTokens);
        assertThat(withTokens.inEffect()).containsEntry("COILSIGHT_ANALYTICS_TOKEN", "****")
                .containsEntry("COILSIGHT_ANALYTICS_INTERNAL_TOKEN", "****");
    }

    /** The settings plus the two tokens analytics needs to start. */
    private static Env withTokens(Map<String, String> settings) {
        Map<String, String> env = new java.util.HashMap<>(settings);
        env.put("COILSIGHT_ANALYTICS_TOKEN", "viewer-token-0123456789");
        env.put("COILSIGHT_ANALYTICS_INTERNAL_TOKEN", "internal-token-0123456789");
        return new Env(env);
    }
}
