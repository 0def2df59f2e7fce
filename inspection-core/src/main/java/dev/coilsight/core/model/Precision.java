package dev.coilsight.core.model;

import java.util.Base64;
import java.util.Locale;

import org.tensorflow.proto.ConfigProto;

import ai.djl.tensorflow.engine.javacpp.JavacppUtils;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.RewriterConfig;

/**
 * The arithmetic a model runs in. bf16 is TensorFlow's oneDNN mixed-precision rewrite of the session's graph:
 * convolutions and most element-wise ops in bfloat16 (8 bits of mantissa), inputs, outputs and numerically sensitive
 * ops in float32. It pays only on CPUs with bf16 instructions ({@link CpuFeatures#bf16()}).
 */
public enum Precision {
    FP32, BF16;

    /** "fp32" or "bf16", any case. */
    public static Precision parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("precision must be fp32 or bf16, got '" + text + "'");
        }
    }

    /**
     * The session configuration DJL's TensorFlow engine takes as option {@code ConfigProto} (base64): DJL's own
     * (thread counts from its system properties) plus the rewrite.
     */
    String sessionConfig() {
        ConfigProto.Builder config = JavacppUtils.getSessionConfig().toBuilder();
        if (this == BF16) {
            config.setGraphOptions(GraphOptions.newBuilder().setRewriteOptions(
                    RewriterConfig.newBuilder().setAutoMixedPrecisionOnednnBfloat16(RewriterConfig.Toggle.ON)));
        }
        return Base64.getEncoder().encodeToString(config.build().toByteArray());
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
