package dev.coilsight.bench;

import java.io.PrintStream;
import java.util.concurrent.Callable;

/** Stdout for a bench's report alone, as one JSON object or as lines, whatever the libraries it runs print. */
public final class BenchOutput {

    private BenchOutput() {
    }

    /**
     * Runs {@code measure} with {@code System.out} sent to stderr: libraries print there (the broker its storage format),
     * and stdout carries only the report (--json is parsed).
     */
    public static <T> T offStdout(Callable<T> measure) throws Exception {
        PrintStream stdout = System.out;
        System.setOut(System.err);
        try {
            return measure.call();
        } finally {
            System.setOut(stdout);
        }
    }
}
