package dev.coilsight.bench.ingest;

import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts one phase's acknowledged images. Only those completing inside the measurement window make
 * the rates (warm-up and the drain after it are left out); every acknowledgement is counted in
 * {@link #acknowledged()} too, to compare with what the topic holds afterwards, and every failed send in
 * {@link #errors()}.
 */
final class Meter {

    private final AtomicLong images = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    private volatile boolean measuring;
    private volatile boolean stopped;
    private long windowStartedNanos;
    private double windowSeconds;

    /** One image's outcome; it was sent at {@code sentNanos} ({@link System#nanoTime()}). */
    void completed(boolean acked, int size, long sentNanos) {
        if (!acked) {
            errors.incrementAndGet(); // in or out of the window: a phase that fails while warming up is not a clean run
            return;
        }
        acknowledged.incrementAndGet();
        if (measuring) {
            images.incrementAndGet();
            bytes.addAndGet(size);
            latencies.add(System.nanoTime() - sentNanos);
        }
    }

    void startWindow() {
        windowStartedNanos = System.nanoTime();
        measuring = true;
    }

    void endWindow() {
        measuring = false;
        windowSeconds = (System.nanoTime() - windowStartedNanos) / 1e9;
    }

    /** Tells the senders to finish their current image and end. */
    void stop() {
        stopped = true;
    }

    boolean stopped() {
        return stopped;
    }

    long images() {
        return images.get();
    }

    long bytes() {
        return bytes.get();
    }

    long errors() {
        return errors.get();
    }

    long acknowledged() {
        return acknowledged.get();
    }

    double windowSeconds() {
        return windowSeconds;
    }

    /** Send-to-acknowledgement times inside the window, ms. */
    List<Double> latenciesMs() {
        return latencies.stream().map(n -> n / 1e6).toList();
    }
}
