package dev.coilsight.serviceruntime.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request body that must have arrived by a deadline. A client sending a byte a second is never idle, so the
 * connection's idle timeout does not end it; this does, at the first read after the deadline.
 */
final class DeadlineInputStream extends FilterInputStream {

    /** What is read of an unread rest so its connection can carry the client's next request. */
    static final int MAX_DRAINED_BYTES = 64 * 1024;

    private final long deadlineNanos;
    private final long timeoutMillis;
    private boolean ended;
    private boolean closed;

    DeadlineInputStream(InputStream in, long timeoutMillis) {
        super(in);
        this.timeoutMillis = timeoutMillis;
        this.deadlineNanos = System.nanoTime() + timeoutMillis * 1_000_000L;
    }

    private void check() throws BodyTimeoutException {
        if (System.nanoTime() - deadlineNanos > 0) {
            throw new BodyTimeoutException("the request body did not arrive within " + timeoutMillis + " ms (COILSIGHT_HTTP_REQUEST_TIMEOUT_MS)");
        }
    }

    @Override
    public int read() throws IOException {
        check();
        int b = super.read();
        ended |= b < 0;
        check();
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        check();
        int n = super.read(b, off, len);
        ended |= n < 0;
        check();
        return n;
    }

    /**
     * Reads what is left of the body, up to {@link #MAX_DRAINED_BYTES}; whether all of it has now been read. False for
     * a larger rest, one that stalls past the deadline, or one cut short by closing early.
     */
    boolean drain() {
        if (ended || closed) {
            return ended;
        }
        byte[] buffer = new byte[8192];
        try {
            for (int drained = 0; drained <= MAX_DRAINED_BYTES && !ended; ) {
                drained += Math.max(0, read(buffer, 0, buffer.length));
            }
        } catch (IOException | RuntimeException stalledOrGone) {
            return false;
        }
        return ended;
    }

    /** Drains a small rest first, so that a handler closing its body early still leaves a connection fit for reuse. */
    @Override
    public void close() throws IOException {
        if (!closed) {
            drain();
            closed = true;
            super.close();
        }
    }
}
