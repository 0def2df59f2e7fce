package dev.coilsight.analytics.shadow;

import java.time.Duration;

import dev.coilsight.serviceruntime.config.Env;
import dev.coilsight.schemas.Topics;

/**
 * The live comparison of a shadow model with the live one (defaults in brackets): {@code COILSIGHT_TOPIC_DEFECTS_SHADOW}
 * [steel.defects.shadow], {@code COILSIGHT_TOPIC_CLASSIFICATIONS_SHADOW} [steel.classifications.shadow],
 * {@code COILSIGHT_SHADOW_IMAGES} [5000]: the latest images each instance keeps for it, {@code COILSIGHT_SHADOW_WINDOW_MS}
 * [86400000]: how far back an instance starts reading when it starts. Reviews are read back at least as far as a retried
 * review is recognised (24 h), whatever this window.
 */
public record ShadowSettings(String defectsTopic, String classificationsTopic, int images, Duration window) {

    public static ShadowSettings fromEnv(Env env) {
        return new ShadowSettings(
                env.string("COILSIGHT_TOPIC_DEFECTS_SHADOW", Topics.DEFECTS_SHADOW),
                env.string("COILSIGHT_TOPIC_CLASSIFICATIONS_SHADOW", Topics.CLASSIFICATIONS_SHADOW),
                env.atLeast("COILSIGHT_SHADOW_IMAGES", 5000, 1),
                env.millis("COILSIGHT_SHADOW_WINDOW_MS", Duration.ofDays(1).toMillis()));
    }
}
