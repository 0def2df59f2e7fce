package dev.coilsight.cli;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A shutdown hook for a long-running command: Ctrl-C asks the command to stop, and the JVM waits (up to a bound) until
 * the command has finished what it does on the way out (its summary printed, its clients flushed and closed) and
 * {@link #close}d this.
 */
public final class GracefulExit implements AutoCloseable {

    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    public GracefulExit(String name, Runnable askToStop, Duration wait) {
        hook = new Thread(() -> {
            askToStop.run();
            try {
                finished.await(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The command has finished: a waiting shutdown goes on; without one, the hook is removed. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down
        }
    }
}
