package dev.coilsight.trainer.train;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A stop asked for by the process's shutdown (SIGTERM, Ctrl-C). Without it the JVM exits under a running training step
 * and TensorFlow's threads crash it, possibly while a checkpoint is being written. With it the shutdown waits until the
 * training loop has finished its step and closed TensorFlow ({@link #close}); the last finished epoch's checkpoint
 * stays, and {@code --resume} continues from it.
 */
class GracefulStop implements AutoCloseable {

    /** Longest the shutdown waits for the loop: a step, or an epoch's validation and checkpoints, take far less. */
    static final Duration LONGEST_WAIT = Duration.ofMinutes(3);

    private final Thread hook = new Thread(this::requestAndWait, "training-stop");
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile boolean requested;

    /** A stop that the process's shutdown asks for. */
    static GracefulStop onShutdown() {
        GracefulStop stop = new GracefulStop();
        Runtime.getRuntime().addShutdownHook(stop.hook);
        return stop;
    }

    /** What the shutdown does: asks the loop to stop, then waits until it has let go of TensorFlow. */
    void requestAndWait() {
        requested = true;
        try {
            released.await(LONGEST_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    boolean requested() {
        return requested;
    }

    /** Training is done with TensorFlow, finished or stopped: a waiting shutdown goes on. */
    @Override
    public void close() {
        released.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shutdownRunning) {
            // the hook is the one waiting, and returns now; one never registered is simply not removed
        }
    }
}
