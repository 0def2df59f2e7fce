package dev.coilsight.cli;

import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/**
 * A one-line progress bar for long CLI work, redrawn in place on a terminal and printed every
 * 10 % otherwise (CI logs stay short). Shows count, rate and time left; for work without an end
 * ({@link #UNBOUNDED}, e.g. a replay in a loop) count and rate only, printed every minute off a terminal.
 */
public final class ProgressBar implements AutoCloseable {

    private static final int WIDTH = 30;
    /** The total of work that goes on until stopped. */
    public static final long UNBOUNDED = Long.MAX_VALUE;
    private static final long UNBOUNDED_PRINT_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final PrintStream out;
    private final String task;
    private final long total;
    private final boolean interactive;
    private final long started = System.nanoTime();
    private long done;
    private long lastDrawn;
    private int lastDecile = -1;
    private volatile String status = "";

    public ProgressBar(String task, long total, PrintStream out) {
        this.task = task;
        this.total = Math.max(0, total);
        this.out = out;
        this.interactive = System.console() != null;
    }

    public ProgressBar(String task, long total) {
        this(task, total, System.err);
    }

    /** A short live figure shown after the bar (e.g. the running loss). */
    public void status(String text) {
        status = text == null ? "" : " " + text;
    }

    /** Moves the bar to {@code count} done, for work counted elsewhere. */
    public synchronized void update(long count) {
        if (count > done) {
            stepBy(count - done);
        }
    }

    public synchronized void step() {
        stepBy(1);
    }

    public synchronized void stepBy(long n) {
        done += n;
        long now = System.nanoTime();
        if (interactive) {
            if (now - lastDrawn > TimeUnit.MILLISECONDS.toNanos(100) || done >= total) {
                out.print("\r" + line(now));
                out.flush();
                lastDrawn = now;
            }
        } else if (total == UNBOUNDED) {
            if (lastDrawn == 0 || now - lastDrawn > UNBOUNDED_PRINT_NANOS) {
                out.println(line(now));
                lastDrawn = now;
            }
        } else {
            int decile = total == 0 ? 10 : (int) (done * 10 / total);
            if (decile != lastDecile) {
                out.println(line(now));
                lastDecile = decile;
            }
        }
    }

    String line(long now) {
        if (total == UNBOUNDED) {
            double rate = done / Math.max(1e-9, (now - started) / 1e9);
            return String.format("%s %d %.1f/s", task, done, rate) + status;
        }
        double fraction = total == 0 ? 1 : Math.min(1, (double) done / total);
        int filled = (int) Math.round(fraction * WIDTH);
        double seconds = Math.max(1e-9, (now - started) / 1e9);
        double rate = done / seconds;
        String eta = rate > 0 && done < total ? String.format(" eta %ds", (long) Math.ceil((total - done) / rate)) : "";
        return String.format("%s [%s%s] %3d%% %d/%d %.1f/s%s", task, "=".repeat(filled), " ".repeat(WIDTH - filled),
                (int) Math.round(fraction * 100), done, total, rate, eta) + status;
    }

    @Override
    public synchronized void close() {
        if (interactive) {
            out.println();
        }
    }
}
