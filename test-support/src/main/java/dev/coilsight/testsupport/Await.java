package dev.coilsight.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting for a condition in tests: polls it, never sleeps a fixed time as an assertion. */
public final class Await {

    private Await() {
    }

    /** Waits (polling every 50 ms) until the condition holds, failing with the description after the timeout. */
    public static void until(Duration timeout, BooleanSupplier condition, String description) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting until " + description);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting until " + description, e);
            }
        }
    }
}
