package dev.coilsight.serviceruntime.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What an attacker on the plant network can do without a token: connections that send one byte and stall, and an
 * upload whose body trickles in at a byte a second. {@link #assertTheServiceStaysUp} holds a service to the HTTP
 * front's promise while they do.
 */
public final class SlowClients implements AutoCloseable {

    private final List<Socket> stalled = new ArrayList<>();
    private final List<Thread> trickles = new ArrayList<>();

    /** Opens {@code count} connections that each send the first byte of a request and then nothing. */
    public void halfOpen(int port, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            socket.getOutputStream().write('G');
            socket.getOutputStream().flush();
            stalled.add(socket);
        }
    }

    /**
     * Starts a {@code POST path} with the given header lines (each ending in CRLF), announcing {@code length} body bytes
     * and sending one a second; completes with the status line the server answered, or "closed" when it closed the
     * connection without one.
     */
    public CompletableFuture<String> trickle(int port, String path, String headers, int length) {
        return send(port, path, headers, length, true);
    }

    /** As {@link #trickle}, but the announced body never comes: the client waits for the answer after its headers. */
    public CompletableFuture<String> stall(int port, String path, String headers, int length) {
        return send(port, path, headers, length, false);
    }

    private CompletableFuture<String> send(int port, String path, String headers, int length, boolean trickleTheBody) {
        CompletableFuture<String> answer = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
                socket.setSoTimeout(100);
                OutputStream out = socket.getOutputStream();
                out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers + "Content-Length: " + length
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = socket.getInputStream();
                for (int sent = 0; sent < length && !answer.isDone(); sent++) {
                    if (trickleTheBody) {
                        out.write(0);
                        out.flush();
                    }
                    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                    while (System.nanoTime() < until) {
                        String line = statusLine(in);
                        if (line != null) {
                            answer.complete(line);
                            return;
                        }
                    }
                }
                answer.complete("sent everything");
            } catch (IOException e) {
                answer.complete("closed");
            }
        }, "trickle-client");
        thread.setDaemon(true);
        thread.start();
        trickles.add(thread);
        return answer;
    }

    /** The status line if one has arrived; null while nothing has; throws when the server closed the connection. */
    private static String statusLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        try {
            for (int b; (b = in.read()) != '\n'; ) {
                if (b < 0) {
                    throw new IOException("closed");
                }
                line.append((char) b);
            }
            return line.toString().trim();
        } catch (java.net.SocketTimeoutException e) {
            return line.length() == 0 ? null : line.toString().trim();
        }
    }

    /** How many of the stalled connections the server has closed. */
    public int closedByServer() {
        int closed = 0;
        for (Socket socket : stalled) {
            try {
                socket.setSoTimeout(50);
                if (socket.getInputStream().read() < 0) {
                    closed++;
                }
            } catch (java.net.SocketTimeoutException e) {
                // still open
            } catch (IOException e) {
                closed++; // reset
            }
        }
        return closed;
    }

    /** Where the trickling upload goes, with which header lines, and how it must end (a regex over the status line or "closed"). */
    public record Trickle(String path, String headers, String expectedEnd) {
        /** An upload the service reads: it must end with 408, or its connection closed, by the request timeout. */
        public static Trickle upload(String path, String headers) {
            return new Trickle(path, headers, "HTTP/1\\.1 408 .*|closed");
        }
    }

    /**
     * 64 half-open connections and one upload trickling in at a byte a second: {@code /health} still answers within
     * 1 s, {@code normalRequest} (a real client's request) still succeeds, the stalled connections are closed after
     * the idle timeout, and the trickling upload ends as {@code trickle} says by the request timeout.
     */
    public static void assertTheServiceStaysUp(int port, Duration idleTimeout, Duration requestTimeout, Trickle trickle,
                                               Runnable normalRequest) throws Exception {
        try (SlowClients attack = new SlowClients()) {
            attack.halfOpen(port, 64);
            CompletableFuture<String> trickled = attack.trickle(port, trickle.path(), trickle.headers(), 1_000_000);
            Thread.sleep(200);

            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                    .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).as("/health while 64 connections stall: " + health.body()).isEqualTo(200);
            normalRequest.run();

            long deadline = System.nanoTime() + idleTimeout.plusSeconds(5).toNanos();
            while (attack.closedByServer() < 64 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(attack.closedByServer()).as("stalled connections closed after the idle timeout").isEqualTo(64);
            String trickleEnd = trickled.get(requestTimeout.toSeconds() + 10, TimeUnit.SECONDS);
            assertThat(trickleEnd).as("the trickling upload").matches(trickle.expectedEnd());
        }
    }

    @Override
    public void close() {
        for (Socket socket : stalled) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a test socket
            }
        }
        trickles.forEach(Thread::interrupt);
    }
}
