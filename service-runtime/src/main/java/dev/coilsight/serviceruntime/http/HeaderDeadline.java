package dev.coilsight.serviceruntime.http;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.EventsHandler;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection that has not sent a complete request head within the header timeout of opening or of its last
 * answer. Jetty's idle timeout only ends a connection that sends nothing; one that trickles its headers a byte at a
 * time (slowloris) would hold the connection for ever. Jetty has no header timeout of its own, so this watches
 * connections open (a {@link Connection.Listener} on the connector) and requests reach the handlers (an
 * {@link EventsHandler} around them).
 */
final class HeaderDeadline extends EventsHandler implements Connection.Listener {

    private static final Logger log = LoggerFactory.getLogger(HeaderDeadline.class);

    private final String name;
    private final LogRate logRate;
    private final long timeoutMillis;
    private final Scheduler scheduler;
    /** Connections waiting for a request head, with the {@code System.nanoTime()} at which they were armed. */
    private final Map<Connection, Long> waiting = new ConcurrentHashMap<>();

    HeaderDeadline(String name, LogRate logRate, Handler next, Duration timeout, Scheduler scheduler) {
        super(next);
        this.name = name;
        this.logRate = logRate;
        this.timeoutMillis = timeout.toMillis();
        this.scheduler = scheduler;
    }

    @Override
    public void onOpened(Connection connection) {
        arm(connection);
    }

    @Override
    public void onClosed(Connection connection) {
        waiting.remove(connection);
    }

    @Override
    protected void onBeforeHandling(Request request) {
        waiting.remove(request.getConnectionMetaData().getConnection());
    }

    @Override
    protected void onComplete(Request request, Throwable failure) {
        Connection connection = request.getConnectionMetaData().getConnection();
        if (connection.getEndPoint().isOpen()) {
            arm(connection);
        }
    }

    /** Connections now waiting for a request head (for tests). */
    int waiting() {
        return waiting.size();
    }

    private void arm(Connection connection) {
        Long armedAt = System.nanoTime();
        waiting.put(connection, armedAt);
        scheduler.schedule(() -> expire(connection, armedAt), timeoutMillis, TimeUnit.MILLISECONDS);
    }

    private void expire(Connection connection, Long armedAt) {
        // Only if no request began (and no newer deadline replaced this one) since it was armed.
        if (waiting.remove(connection, armedAt)) {
            long leftOut = logRate.admit("slow head");
            if (leftOut >= 0) {
                log.info("{}: closed a connection from {} that sent no complete request head within {} ms (COILSIGHT_HTTP_HEADER_TIMEOUT_MS){}",
                        name, connection.getEndPoint().getRemoteSocketAddress(), timeoutMillis, logRate.suffix(leftOut));
            }
            connection.close();
        }
    }
}
