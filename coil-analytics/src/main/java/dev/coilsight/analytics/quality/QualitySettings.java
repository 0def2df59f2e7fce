package dev.coilsight.analytics.quality;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import dev.coilsight.analytics.coilmap.CameraLayout;
import dev.coilsight.analytics.grading.GradingRules;
import dev.coilsight.serviceruntime.config.Env;

/**
 * What the coil map, grading and alerts need, from environment variables (defaults in brackets):
 * <ul>
 *   <li>{@code COILSIGHT_GRADING_RULES} [the rules shipped in coil-analytics]: the grading, periodic-defect and alert
 *       rules file (docs/QUALITY.md)</li>
 *   <li>{@code COILSIGHT_CAMERA_GEOMETRY} [*=1:1:0]: per camera {@code id=mmPerPixelAlong:mmPerPixelAcross:offsetAcrossMm}</li>
 *   <li>{@code COILSIGHT_COIL_IDLE_END_MS} [300000], {@code COILSIGHT_COIL_END_SETTLE_MS} [2000],
 *       {@code COILSIGHT_MAP_MAX_DEFECTS_PER_COIL} [20000]</li>
 * </ul>
 *
 * @param idleEnd a coil without a result for this long (wall-clock) has ended
 * @param settle how long after a coil's end (or its last late result) to wait for results still in flight before grading
 * @param maxMapDefectsPerCoil the most defects a coil's map keeps; further ones are counted, not placed
 * @param rulesFile where the rules were read from; empty for the rules shipped with Coilsight
 */
public record QualitySettings(CameraLayout cameras, GradingRules rules, Duration idleEnd, Duration settle, int maxMapDefectsPerCoil,
        Optional<String> rulesFile) {

    public QualitySettings {
        if (idleEnd.isNegative() || idleEnd.isZero()) {
            throw new IllegalArgumentException("the idle time that ends a coil must be positive, got " + idleEnd);
        }
        if (settle.isNegative()) {
            throw new IllegalArgumentException("the settle time must not be negative, got " + settle);
        }
        if (maxMapDefectsPerCoil < 1) {
            throw new IllegalArgumentException("a coil's map must keep at least one defect, got " + maxMapDefectsPerCoil);
        }
    }

    /** How long a line may send nothing before its coil has ended: its product's {@code idleEndMs}, else {@link #idleEnd}. */
    public Duration idleEnd(String lineId) {
        return rules.forLine(lineId).idleEnd(idleEnd);
    }

    public static QualitySettings fromEnv(Env env) {
        Optional<String> rulesFile = env.optional("COILSIGHT_GRADING_RULES");
        GradingRules rules;
        try {
            rules = rulesFile.map(f -> GradingRules.read(Path.of(f))).orElseGet(GradingRules::defaults);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("COILSIGHT_GRADING_RULES: " + e.getMessage(), e);
        }
        return new QualitySettings(
                CameraLayout.parse(env.string("COILSIGHT_CAMERA_GEOMETRY", "*=1:1:0"), "COILSIGHT_CAMERA_GEOMETRY"),
                rules,
                env.millis("COILSIGHT_COIL_IDLE_END_MS", Duration.ofMinutes(5).toMillis()),
                env.millis("COILSIGHT_COIL_END_SETTLE_MS", 2_000),
                env.atLeast("COILSIGHT_MAP_MAX_DEFECTS_PER_COIL", 20_000, 1),
                rulesFile);
    }

    public static QualitySettings defaults() {
        return fromEnv(new Env(Map.of()));
    }
}
