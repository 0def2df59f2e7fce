package dev.coilsight.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.RewriterConfig;

/** bf16 runs where the CPU has bf16 instructions, gives nearly the fp32 probabilities, and falls back to fp32 elsewhere. */
class PrecisionTest {

    private static final Path SEGMENTER = Path.of("..", "models", "severstal-resunet");

    @Test
    void theCpuFeaturesThatDecideBf16AreReadFromCpuinfo() {
        String amd = "processor\t: 0\nmodel name\t: AMD EPYC 9R14\nflags\t\t: fpu sse avx2 fma avx512f avx512_bf16 avx512_vnni\n";
        String old = "processor\t: 0\nmodel name\t: Intel Xeon E5\nflags\t\t: fpu sse avx2 fma\n";
        String sapphire = "model name\t: Intel Xeon Platinum 8488C\nflags\t\t: avx2 fma avx512f amx_bf16 amx_tile\n";

        assertThat(CpuFeatures.of(amd)).isEqualTo(new CpuFeatures("AMD EPYC 9R14", List.of("avx2", "fma", "avx512f", "avx512_bf16")));
        assertThat(CpuFeatures.of(amd).bf16()).isTrue();
        assertThat(CpuFeatures.of(old).bf16()).isFalse();
        assertThat(CpuFeatures.of(sapphire).bf16()).isTrue();
        assertThat(CpuFeatures.of("").features()).isEmpty();
    }

    @Test
    void precisionIsFp32OrBf16InAnyCaseAndAnythingElseIsNamed() {
        assertThat(Precision.parse(" BF16 ")).isEqualTo(Precision.BF16);
        assertThat(Precision.parse("fp32")).isEqualTo(Precision.FP32);
        assertThatThrownBy(() -> Precision.parse("fp16")).hasMessage("precision must be fp32 or bf16, got 'fp16'");
    }

    @Test
    void bf16AsksTensorFlowForItsOnednnBfloat16RewriteAndKeepsDjlsThreadSettings() throws Exception {
        ConfigProto bf16 = ConfigProto.parseFrom(Base64.getDecoder().decode(Precision.BF16.sessionConfig()));
        assertThat(bf16.getGraphOptions().getRewriteOptions().getAutoMixedPrecisionOnednnBfloat16()).isEqualTo(RewriterConfig.Toggle.ON);
        ConfigProto fp32 = ConfigProto.parseFrom(Base64.getDecoder().decode(Precision.FP32.sessionConfig()));
        assertThat(fp32.getGraphOptions().getRewriteOptions().getAutoMixedPrecisionOnednnBfloat16()).isNotEqualTo(RewriterConfig.Toggle.ON);
        System.setProperty("ai.djl.tensorflow.num_intraop_threads", "3");
        try {
            assertThat(ConfigProto.parseFrom(Base64.getDecoder().decode(Precision.BF16.sessionConfig())).getIntraOpParallelismThreads()).isEqualTo(3);
        } finally {
            System.clearProperty("ai.djl.tensorflow.num_intraop_threads");
        }
    }

    @Test
    void theSegmenterInBf16RunsWhereTheCpuCanAndGivesNearlyTheSameMasks() {
        Preprocessor.Prepared image = randomImage();
        float[] fp32;
        float[] bf16;
        Precision ran;
        try (LoadedModel model = LoadedModel.load(SEGMENTER, Precision.FP32); LoadedModel.Session session = model.newSession()) {
            assertThat(model.precision()).isEqualTo(Precision.FP32);
            fp32 = session.predict(List.of(image)).get(0);
        }
        try (LoadedModel model = LoadedModel.load(SEGMENTER, Precision.BF16); LoadedModel.Session session = model.newSession()) {
            ran = model.precision();
            bf16 = session.predict(List.of(image)).get(0);
        }
        boolean bf16Here = CpuFeatures.ofThisMachine().bf16() && !LoadedModel.gpuAvailable();
        assertThat(ran).isEqualTo(bf16Here ? Precision.BF16 : Precision.FP32);
        double max = 0;
        int flipped = 0;
        for (int i = 0; i < fp32.length; i++) {
            max = Math.max(max, Math.abs(fp32[i] - bf16[i]));
            flipped += (fp32[i] > 0.5f) != (bf16[i] > 0.5f) ? 1 : 0;
        }
        if (bf16Here) {
            // bfloat16 keeps 8 bits of mantissa: the rewrite shows in the probabilities, but hardly in the masks.
            assertThat(max).isGreaterThan(1e-4);
            assertThat((double) flipped / fp32.length).isLessThan(0.005);
        } else {
            assertThat(max).isZero();
        }
    }

    private static Preprocessor.Prepared randomImage() {
        int height = 128;
        int width = 256;
        float[] values = new float[height * width];
        Random random = new Random(3);
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextFloat();
        }
        return new Preprocessor.Prepared(values, height, width, 1, height, width);
    }
}
