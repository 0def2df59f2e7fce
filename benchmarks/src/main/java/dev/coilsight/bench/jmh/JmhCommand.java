package dev.coilsight.bench.jmh;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import dev.coilsight.bench.BenchInputs;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./coilsight bench jmh}: the JMH micro-benchmarks of this module (never run by the build), then
 * a summary with the RLE figures as GB/s of mask bytes against the 1 GB/s target. The forked JVMs get
 * the shared data folder and project root of this one.
 */
@Command(name = "jmh", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Run the JMH micro-benchmarks: RLE encode/decode (real and worst-case masks), image decode + pre-processing,",
                "Avro serde of a 300 KB ImageCaptured, post-processing of a 4-class probability map; then print a summary."})
public final class JmhCommand implements Callable<Integer> {

    /** Target: RLE encode of a 256x1600 mask at this many bytes of mask per second. */
    public static final double RLE_ENCODE_TARGET_GBPS = 1.0;

    @Option(names = "--include", defaultValue = "dev\\.coilsight\\.bench\\.jmh\\..*",
            description = "Regular expression of the benchmarks to run (default: all of them).")
    String include;

    @Option(names = "--forks", defaultValue = "1", description = "Forked JVMs per benchmark (default: ${DEFAULT-VALUE}).")
    int forks;

    @Option(names = "--warmup-iterations", defaultValue = "3", description = "Warm-up iterations (default: ${DEFAULT-VALUE}).")
    int warmupIterations;

    @Option(names = "--iterations", defaultValue = "5", description = "Measured iterations (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--time-ms", defaultValue = "1000", description = "Length of each iteration, ms (default: ${DEFAULT-VALUE}).")
    int timeMs;

    @Option(names = "--result", paramLabel = "FILE", description = "Also write JMH's JSON results to this file.")
    Path result;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(include)
                .forks(forks)
                .warmupIterations(warmupIterations)
                .measurementIterations(iterations)
                .warmupTime(TimeValue.milliseconds(timeMs))
                .measurementTime(TimeValue.milliseconds(timeMs))
                .jvmArgsAppend("-Dcoilsight.shared.data=" + BenchInputs.sharedData(), "-Djava.awt.headless=true", "-Xmx2g");
        if (result != null) {
            options.result(result.toString()).resultFormat(ResultFormatType.JSON);
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        var out = spec.commandLine().getOut();
        out.println();
        out.println("summary:");
        for (RunResult run : results) {
            out.println(summary(run));
        }
        out.flush();
        return 0;
    }

    static String summary(RunResult run) {
        String name = run.getParams().getBenchmark().replace("dev.coilsight.bench.jmh.", "");
        String params = run.getParams().getParamsKeys().stream().map(k -> k + "=" + run.getParams().getParam(k))
                .reduce((a, b) -> a + "," + b).map(p -> " [" + p + "]").orElse("");
        Result<?> primary = run.getPrimaryResult();
        String line = String.format(Locale.ROOT, "  %-58s %12.3f ± %.3f %s", name + params, primary.getScore(), primary.getScoreError(),
                primary.getScoreUnit());
        if (name.startsWith("RleBenchmark.") && primary.getScoreUnit().equals("us/op")) {
            double gbps = gigabytesPerSecond(JmhData.MASK_BYTES, primary.getScore());
            line += String.format(Locale.ROOT, "  = %.2f GB/s of mask bytes%s", gbps, name.endsWith(".encode")
                    ? String.format(Locale.ROOT, " (target >= %.1f: %s)", RLE_ENCODE_TARGET_GBPS, gbps >= RLE_ENCODE_TARGET_GBPS ? "met" : "NOT met")
                    : "");
        }
        return line;
    }

    /** Bytes per operation over microseconds per operation, in 10^9 bytes per second. */
    public static double gigabytesPerSecond(long bytesPerOp, double microsPerOp) {
        return bytesPerOp / (microsPerOp * 1e-6) / 1e9;
    }
}
