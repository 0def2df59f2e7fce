package dev.coilsight.serviceruntime.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * How often a log line that clients cause may be written: the first of each kind (a status and reason, say), then at most
 * one per interval carrying how many were left out meanwhile. Whoever sends bad requests must not be able to fill the log;
 * the metrics count every one.
 */
public final class LogRate {

    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final Map<String, long[]> kinds = new ConcurrentHashMap<>();

    public LogRate(Duration interval) {
        this(interval, System::nanoTime);
    }

    LogRate(Duration interval, LongSupplier nanoTime) {
        this.intervalNanos = interval.toNanos();
        this.nanoTime = nanoTime;
    }

    /**
     * Whether a line of this kind may be written now.
     *
     * @return -1 when it may not; else how many lines of the kind were left out since the last one written
     */
    public long admit(String kind) {
        long now = nanoTime.getAsLong();
        long[] state = kinds.computeIfAbsent(kind, k -> new long[] {now - intervalNanos, 0});
        synchronized (state) {
            if (now - state[0] < intervalNanos) {
                state[1]++;
                return -1;
            }
            long left = state[1];
            state[0] = now;
            state[1] = 0;
            return left;
        }
    }

    /** " (N more like it in the last S s)" for a line that follows left-out ones, else "". */
    public String suffix(long leftOut) {
        return leftOut > 0 ? " (" + leftOut + " more like it in the last " + Duration.ofNanos(intervalNanos).toSeconds() + " s)" : "";
    }
}
