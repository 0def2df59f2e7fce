package dev.coilsight.segmenter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.coilsight.serviceruntime.config.Env;
import dev.coilsight.workerruntime.WorkerConfig;

/** A segmenter in shadow keeps apart from the live one, even when started with the live worker's settings copied over. */
class ShadowSettingsTest {

    @Test
    void aShadowWritesToTheShadowTopicInAGroupOfItsOwn() {
        Env env = new Env(Map.of("COILSIGHT_SHADOW", "true"));
        assertThat(WorkerConfig.fromEnv(env, SegmenterService.DEFAULTS).groupId()).isEqualTo("coilsight-segmenter-shadow");
        assertThat(SegmenterService.stage(env).settings()).containsEntry("COILSIGHT_TOPIC_DEFECTS", "steel.defects.shadow");
        assertThat(WorkerConfig.fromEnv(new Env(Map.of()), SegmenterService.DEFAULTS).groupId()).isEqualTo("coilsight-segmenter");
    }

    @Test
    void theLiveWorkersGroupCopiedOverStillGivesAGroupOfItsOwn() {
        Env env = new Env(Map.of("COILSIGHT_SHADOW", "true", "COILSIGHT_GROUP_ID", "plant-segmenter"));
        assertThat(WorkerConfig.fromEnv(env, SegmenterService.DEFAULTS).groupId()).isEqualTo("plant-segmenter-shadow");
    }

    @Test
    void theLiveWorkersTransactionalIdCopiedOverStillGivesIdsOfItsOwn() {
        Env env = new Env(Map.of("COILSIGHT_SHADOW", "true", "COILSIGHT_TRANSACTIONAL_ID", "segmenter-0"));
        assertThat(WorkerConfig.fromEnv(env, SegmenterService.DEFAULTS).transactionalIdPrefix()).isEqualTo("segmenter-0-shadow");
        Env own = new Env(Map.of("COILSIGHT_SHADOW", "true", "COILSIGHT_TRANSACTIONAL_ID", "candidate-shadow-0"));
        assertThat(WorkerConfig.fromEnv(own, SegmenterService.DEFAULTS).transactionalIdPrefix()).isEqualTo("candidate-shadow-0");
        assertThat(WorkerConfig.fromEnv(new Env(Map.of("COILSIGHT_SHADOW", "true")), SegmenterService.DEFAULTS).transactionalIdPrefix())
                .startsWith("coilsight-segmenter-shadow-");
    }

    @ParameterizedTest
    @ValueSource(strings = {"steel.defects", "plant2.defects"})
    void aLiveOutputTopicIsRefusedInShadowNamingTheVariable(String liveTopic) {
        Env env = new Env(Map.of("COILSIGHT_SHADOW", "true", "COILSIGHT_TOPIC_DEFECTS", liveTopic));
        assertThatThrownBy(() -> SegmenterService.stage(env)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("COILSIGHT_TOPIC_DEFECTS=" + liveTopic + " is not a shadow topic");
        assertThat(SegmenterService.stage(new Env(Map.of("COILSIGHT_SHADOW", "true", "COILSIGHT_TOPIC_DEFECTS", "plant2.defects.shadow")))
                .settings()).containsEntry("COILSIGHT_TOPIC_DEFECTS", "plant2.defects.shadow");
    }
}
