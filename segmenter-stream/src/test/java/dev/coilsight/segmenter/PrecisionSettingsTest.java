package dev.coilsight.segmenter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.coilsight.serviceruntime.config.Env;
import dev.coilsight.core.model.Precision;
import dev.coilsight.workerruntime.WorkerConfig;

/** COILSIGHT_PRECISION picks the arithmetic of the worker's model; a value it does not know stops the start, named. */
class PrecisionSettingsTest {

    @Test
    void fp32UnlessBf16IsAskedForInAnyCase() {
        Env unset = new Env(Map.of());
        WorkerConfig plain = WorkerConfig.fromEnv(unset, SegmenterService.DEFAULTS);
        assertThat(plain.precision()).isEqualTo(Precision.FP32);
        assertThat(unset.inEffect()).containsEntry("COILSIGHT_PRECISION", "fp32");
        Env asked = new Env(Map.of("COILSIGHT_PRECISION", "BF16"));
        WorkerConfig bf16 = WorkerConfig.fromEnv(asked, SegmenterService.DEFAULTS);
        assertThat(bf16.precision()).isEqualTo(Precision.BF16);
        assertThat(asked.inEffect()).containsEntry("COILSIGHT_PRECISION", "BF16");
    }

    @Test
    void anUnknownPrecisionIsRefusedNamingTheVariable() {
        Env env = new Env(Map.of("COILSIGHT_PRECISION", "fp16"));
        assertThatThrownBy(() -> WorkerConfig.fromEnv(env, SegmenterService.DEFAULTS)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("COILSIGHT_PRECISION: precision must be fp32 or bf16, got 'fp16'");
    }
}
