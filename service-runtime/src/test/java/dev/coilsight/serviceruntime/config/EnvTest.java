package dev.coilsight.serviceruntime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class EnvTest {

    @Test
    void typedReadsReturnTheValueOrTheDefaultAndABadValueNamesTheVariable() {
        Env env = new Env(Map.of("COILSIGHT_A", " 1_000 ", "COILSIGHT_B", "yes", "COILSIGHT_C", "  ", "COILSIGHT_D", "x"));

        assertThat(env.number("COILSIGHT_A", 5)).isEqualTo(1000);
        assertThat(env.flag("COILSIGHT_B", false)).isTrue();
        assertThat(env.string("COILSIGHT_C", "fallback")).isEqualTo("fallback");
        assertThat(env.optional("COILSIGHT_C")).isEmpty();
        assertThat(env.millis("COILSIGHT_MISSING", 250)).isEqualTo(Duration.ofMillis(250));
        assertThatThrownBy(() -> env.integer("COILSIGHT_D", 1)).hasMessageContaining("COILSIGHT_D");
        assertThatThrownBy(() -> env.atLeast("COILSIGHT_A", 1, 2000)).hasMessageContaining("COILSIGHT_A must be at least 2000");
    }

    @Test
    void aUrlsPasswordIsMaskedForTheLog() {
        assertThat(Env.maskedUrl("https://svc:s3cr3t@registry.plant:8443/apis/ccompat/v7")).isEqualTo("https://svc:****@registry.plant:8443/apis/ccompat/v7");
        assertThat(Env.maskedUrl("http://localhost:8081")).isEqualTo("http://localhost:8081");
        assertThat(Env.maskedUrl("http://a:x@one:1,http://b:y@two:2")).isEqualTo("http://a:****@one:1,http://b:****@two:2");
        // Passwords holding what ends a URL's authority, and a token alone, are masked whole.
        assertThat(Env.maskedUrl("https://user:pa/ss@reg:8081/apis")).isEqualTo("https://user:****@reg:8081/apis");
        assertThat(Env.maskedUrl("https://user:p@ss#?x@reg:8081")).isEqualTo("https://user:****@reg:8081");
        assertThat(Env.maskedUrl("https://t0ken@reg:8081")).isEqualTo("https://****@reg:8081");
        assertThat(Env.maskedUrl("http://a:x/y@one:1,http://b:y@two:2")).isEqualTo("http://a:****@one:1,http://b:****@two:2");
    }

    @Test
    void everySettingAKafkaClientTypesAsAPasswordIsMaskedThoughItsNameSaysNoSuch() {
        for (var def : List.of(org.apache.kafka.clients.producer.ProducerConfig.configDef(), org.apache.kafka.clients.consumer.ConsumerConfig.configDef(),
                org.apache.kafka.clients.admin.AdminClientConfig.configDef())) {
            def.configKeys().values().stream().filter(key -> key.type == org.apache.kafka.common.config.ConfigDef.Type.PASSWORD)
                    .forEach(key -> assertThat(Env.secret(key.name)).as(key.name).isTrue());
        }
        Env env = new Env(Map.of("COILSIGHT_KAFKA_SASL_OAUTHBEARER_ASSERTION_PRIVATE_KEY_PASSPHRASE", "hunter2", "COILSIGHT_KAFKA_CLIENT_ID", "cam"));
        env.passThrough("COILSIGHT_KAFKA_");
        assertThat(env.inEffect().toString()).doesNotContain("hunter2").contains("cam");
    }

    @Test
    void aValueFromOutsideCannotForgeALogLine() {
        assertThat(Env.logSafe("coil-7\r\n12:00:00 INFO forged")).isEqualTo("coil-7\\u000d\\u000a12:00:00 INFO forged");
        assertThat(Env.logSafe("tab\there\u2028")).isEqualTo("tab\\u0009here\\u2028");
        assertThat(Env.logSafe("x".repeat(500))).hasSize(203).endsWith("...");
    }

    @Test
    void everyReadIsRecordedInTheOrderAskedWithItsDefaultAsAString() {
        Env env = new Env(Map.of("COILSIGHT_HTTP_PORT", "9000"));

        env.string("COILSIGHT_HOST", "0.0.0.0");
        env.integer("COILSIGHT_HTTP_PORT", 8080);
        env.number("COILSIGHT_MAX_BYTES", 1_000_000L);
        env.atLeast("COILSIGHT_THREADS", 1, 1);
        env.flag("COILSIGHT_REQUIRE_GPU", false);
        env.millis("COILSIGHT_POLL_MS", 5_000);
        env.optional("COILSIGHT_TOKEN");

        assertThat(env.reads()).containsExactly(
                entry("COILSIGHT_HOST", "0.0.0.0"),
                entry("COILSIGHT_HTTP_PORT", "8080"),
                entry("COILSIGHT_MAX_BYTES", "1000000"),
                entry("COILSIGHT_THREADS", "1"),
                entry("COILSIGHT_REQUIRE_GPU", "false"),
                entry("COILSIGHT_POLL_MS", "5000"),
                entry("COILSIGHT_TOKEN", null));
    }

    @Test
    void aPassThroughReadIsRecordedAsItsPrefixWithAStar() {
        Env env = new Env(Map.of("COILSIGHT_KAFKA_SECURITY_PROTOCOL", "SASL_SSL"));

        assertThat(env.passThrough("COILSIGHT_KAFKA_")).containsExactly(entry("security.protocol", "SASL_SSL"));
        assertThat(env.reads()).containsExactly(entry("COILSIGHT_KAFKA_*", null));
    }

    @Test
    void aVariableReadTwiceKeepsTheDefaultOfItsFirstRead() {
        Env env = new Env(Map.of());

        env.string("COILSIGHT_TOPIC", "first");
        env.string("COILSIGHT_TOPIC", "second");
        env.optional("COILSIGHT_TOPIC");

        assertThat(env.reads()).containsExactly(entry("COILSIGHT_TOPIC", "first"));
    }

    @Test
    void theRecordIsASnapshotAndReadsAreRecordedEvenWhenTheValueIsBad() {
        Env env = new Env(Map.of("COILSIGHT_N", "many"));
        env.string("COILSIGHT_A", "a");
        Map<String, String> before = env.reads();

        assertThatThrownBy(() -> env.number("COILSIGHT_N", 3)).isInstanceOf(IllegalArgumentException.class);

        assertThat(before).containsOnlyKeys("COILSIGHT_A");
        assertThat(env.reads()).containsOnlyKeys("COILSIGHT_A", "COILSIGHT_N");
        assertThatThrownBy(() -> env.reads().put("COILSIGHT_X", "x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void recordingChangesNoValue() {
        Map<String, String> values = new HashMap<>(Map.of("COILSIGHT_S", "v", "COILSIGHT_KAFKA_ACKS", "all"));
        Env env = new Env(values);
        values.put("COILSIGHT_S", "changed later");

        assertThat(env.optional("COILSIGHT_S")).isEqualTo(Optional.of("v"));
        assertThat(env.string("COILSIGHT_S", "d")).isEqualTo("v");
        assertThat(env.passThrough("COILSIGHT_KAFKA_")).containsExactly(entry("acks", "all"));
    }

    @Test
    void theValuesInEffectAreWhatWasSetElseTheDefaultWithSecretsAndUrlPasswordsMasked() {
        Env env = new Env(Map.of("COILSIGHT_PORT", "9000", "COILSIGHT_INGEST_TOKEN", "t0ken",
                "COILSIGHT_SCHEMA_REGISTRY_URL", "https://svc:pw@registry:8443/apis",
                "COILSIGHT_KAFKA_SASL_JAAS_CONFIG", "x required password=\"p\";", "COILSIGHT_KAFKA_ACKS", "all"));
        env.integer("COILSIGHT_PORT", 8080);
        env.millis("COILSIGHT_TIMEOUT_MS", 5_000);
        env.optional("COILSIGHT_INGEST_TOKEN");
        env.optional("COILSIGHT_DROP_ROOT");
        env.string("COILSIGHT_SCHEMA_REGISTRY_URL", "http://localhost:8081");
        env.passThrough("COILSIGHT_KAFKA_");

        assertThat(env.inEffect()).containsExactly(entry("COILSIGHT_PORT", "9000"), entry("COILSIGHT_TIMEOUT_MS", "5000"),
                entry("COILSIGHT_INGEST_TOKEN", "****"), entry("COILSIGHT_DROP_ROOT", "(none)"),
                entry("COILSIGHT_SCHEMA_REGISTRY_URL", "https://svc:****@registry:8443/apis"),
                entry("COILSIGHT_KAFKA_ACKS", "all"), entry("COILSIGHT_KAFKA_SASL_JAAS_CONFIG", "****"));
        assertThat(env.reads()).containsKey("COILSIGHT_KAFKA_*").doesNotContainKey("COILSIGHT_KAFKA_ACKS");
    }
}
