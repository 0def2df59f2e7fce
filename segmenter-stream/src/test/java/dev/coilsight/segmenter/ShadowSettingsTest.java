package dev.coilsight.segmenter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

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
    void aLiveOutputTopicIsRefusedInShadowNamingTheVariable() {
        Env env = new Env(Map.of("COILSIGHT_SHADOW", "true", "COILSIGHT_TOPIC_DEFECTS", "steel.defects"));
        assertThatThrownBy(() -> SegmenterService.stage(env)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("COILSIGHT_TOPIC_DEFECTS=steel.defects is a live topic");
    }
}
