package dev.coilsight.http;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A request body that must have arrived by a deadline. A client sending a byte a second is never idle, so the
 * connection's idle timeout does not end it; this does, at the first read after the deadline.
 */
final class DeadlineInputStream extends FilterInputStream {

    private final long deadlineNanos;
    private final long timeoutMillis;

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
        check();
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        check();
        int n = super.read(b, off, len);
        check();
        return n;
    }
}
