package dev.coilsight.core.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The CPU's model and the vector features that decide which kernels oneDNN (inside the TensorFlow natives) may use,
 * from {@code /proc/cpuinfo}; empty where that file cannot be read.
 *
 * @param features the flags of {@link #FLAGS} present
 */
public record CpuFeatures(String model, List<String> features) {

    /** The flags that matter for the models' arithmetic. */
    public static final List<String> FLAGS = List.of("avx2", "fma", "avx512f", "avx512_bf16", "amx_bf16", "amx_tile");

    public static CpuFeatures of(String cpuinfo) {
        String model = cpuinfo.lines().filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst()
                .orElse(System.getProperty("os.arch"));
        List<String> flags = cpuinfo.lines().filter(l -> l.startsWith("flags")).findFirst()
                .map(l -> Arrays.asList(l.substring(l.indexOf(':') + 1).trim().split("\\s+"))).orElse(List.of());
        return new CpuFeatures(model, FLAGS.stream().filter(flags::contains).toList());
    }

    public static CpuFeatures ofThisMachine() {
        try {
            return of(Files.readString(Path.of("/proc/cpuinfo")));
        } catch (IOException e) {
            return of("");
        }
    }

    /** Whether oneDNN has bf16 kernels faster than emulation here: AVX512-BF16 dot products or AMX tiles. */
    public boolean bf16() {
        return features.contains("avx512_bf16") || features.contains("amx_bf16");
    }
}
