package dev.coilsight.serviceruntime.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The HTTP front on real sockets: limits, the request bound, probes that always answer, and the one error body. */
class HttpFrontTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration IDLE = Duration.ofSeconds(2);
    private static final Duration REQUEST = Duration.ofSeconds(3);
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<HttpFront> fronts = new ArrayList<>();

    @AfterEach
    void stop() {
        fronts.forEach(HttpFront::close);
    }

    private HttpFront front(int maxRequests) {
        HttpFront front = new HttpFront("test", new HttpSettings("127.0.0.1", 0, maxRequests, IDLE, REQUEST, 4096, 256),
                () -> new HttpFront.Status(true, "{\"status\":\"UP\"}"), () -> new HttpFront.Status(false, "{\"ready\":false}"),
                () -> "# metrics\n".getBytes(StandardCharsets.UTF_8));
        fronts.add(front);
        return front;
    }

    private HttpResponse<String> get(HttpFront front, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + front.port() + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void idleAndTricklingClientsCannotBlindIt() throws Exception {
        HttpFront front = front(4);
        front.route("/upload", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            ErrorBody.send(exchange, 200, "ok", body.length + " bytes");
        });
        front.start();

        SlowClients.assertTheServiceStaysUp(front.port(), IDLE, REQUEST, SlowClients.Trickle.upload("/upload", "Content-Type: image/png\r\n"), () -> {
            try {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + front.port() + "/upload"))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[100_000])).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).isEqualTo(200);
                assertThat(answer.body()).contains("100000 bytes");
            } catch (IOException | InterruptedException e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void aHeadTricklingInAByteAtATimeIsClosedAfterTheHeaderTimeoutOnANewAndOnAKeptAliveConnection() throws Exception {
        HttpFront front = front(4); // header timeout = IDLE
        front.start();
        try (Socket fresh = new Socket("127.0.0.1", front.port()); Socket keptAlive = new Socket("127.0.0.1", front.port())) {
            keptAlive.getOutputStream().write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            keptAlive.setSoTimeout(5_000);
            byte[] answer = new byte[4096];
            assertThat(new String(answer, 0, keptAlive.getInputStream().read(answer), StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");

            double freshSeconds = secondsUntilClosedWhileTrickling(fresh, front);
            double keptAliveSeconds = secondsUntilClosedWhileTrickling(keptAlive, front);

            // A byte every 250 ms is never idle for IDLE (2 s); only the header deadline ends it.
            assertThat(freshSeconds).isBetween(IDLE.toMillis() / 1000.0 - 0.3, IDLE.toMillis() / 1000.0 + 3);
            assertThat(keptAliveSeconds).as("the deadline counts from the last answer, not from the connection's opening")
                    .isLessThan(IDLE.toMillis() / 1000.0 + 3);
        }
    }

    /** Sends a request head a byte every 250 ms (never complete) until the server closes; checks /health meanwhile. */
    private double secondsUntilClosedWhileTrickling(Socket socket, HttpFront front) throws Exception {
        byte[] head = ("GET /health HTTP/1.1\r\nX-Pad: " + "a".repeat(200)).getBytes(StandardCharsets.ISO_8859_1);
        socket.setSoTimeout(250);
        long started = System.nanoTime();
        for (int i = 0; System.nanoTime() - started < TimeUnit.SECONDS.toNanos(15); i++) {
            try {
                socket.getOutputStream().write(head[i % head.length]);
                socket.getOutputStream().flush();
                if (socket.getInputStream().read() < 0) {
                    return (System.nanoTime() - started) / 1e9;
                }
            } catch (java.net.SocketTimeoutException e) {
                // still open, nothing to read: go on trickling
            } catch (IOException e) {
                return (System.nanoTime() - started) / 1e9; // reset by the server
            }
            if (i % 8 == 0) {
                assertThat(get(front, "/health").statusCode()).isEqualTo(200);
            }
        }
        throw new AssertionError("a head trickling for 15 s was never closed");
    }

    @Test
    void requestsBeyondTheBoundGet503WithRetryAfterWhileTheProbesStillAnswer() throws Exception {
        HttpFront front = front(2);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch inside = new CountDownLatch(2);
        front.route("/slow", exchange -> {
            inside.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ErrorBody.send(exchange, 200, "ok", "done");
        });
        front.start();
        List<CompletableFuture<HttpResponse<String>>> busy = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            busy.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + front.port() + "/slow")).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

        HttpResponse<String> third = get(front, "/slow");
        assertThat(third.statusCode()).isEqualTo(503);
        assertThat(third.headers().firstValue("Retry-After")).hasValue("1");
        JsonNode body = JSON.readTree(third.body());
        assertThat(body.get("status").asInt()).isEqualTo(503);
        assertThat(body.get("reason").asText()).isEqualTo("busy");
        assertThat(get(front, "/health").statusCode()).isEqualTo(200);
        assertThat(get(front, "/ready").statusCode()).isEqualTo(503);
        assertThat(get(front, "/metrics").body()).isEqualTo("# metrics\n");

        release.countDown();
        for (CompletableFuture<HttpResponse<String>> answer : busy) {
            assertThat(answer.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aStopLetsTheRequestsInFlightFinishBeforeTheServerGoes() throws Exception {
        HttpFront front = front(4);
        CountDownLatch inFlight = new CountDownLatch(1);
        front.route("/slow", exchange -> {
            inFlight.countDown();
            try {
                Thread.sleep(1_500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Answers.send(exchange, 202, "application/json", "{\"accepted\":true}".getBytes(StandardCharsets.UTF_8));
        });
        front.start();
        CompletableFuture<HttpResponse<String>> slow = http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + front.port() + "/slow")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(inFlight.await(5, TimeUnit.SECONDS)).isTrue();

        long started = System.nanoTime();
        front.close();

        assertThat(slow.get(5, TimeUnit.SECONDS).statusCode()).as("the request in flight got its answer").isEqualTo(202);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the stop waited for it").isGreaterThan(Duration.ofMillis(1_000));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("and no longer").isLessThan(REQUEST);
    }

    @Test
    void everyErrorIsTheOneJsonBody() throws Exception {
        HttpFront front = front(4);
        front.route("/boom", exchange -> {
            throw new IllegalStateException("a bug");
        });
        front.start();

        HttpResponse<String> boom = get(front, "/boom");
        assertThat(boom.statusCode()).as("a handler that throws answers 500, not an empty 200").isEqualTo(500);
        assertThat(JSON.readTree(boom.body()).get("reason").asText()).isEqualTo("internal_error");

        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + front.port() + "/health"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(JSON.readTree(post.body()).get("error").asText()).isEqualTo("Method Not Allowed");

        String huge = raw(front.port(), "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(8000) + "\r\n\r\n");
        assertThat(huge).startsWith("HTTP/1.1 431");
        assertThat(huge.substring(huge.indexOf("\r\n\r\n") + 4)).contains("\"status\":431");

        String badEncoding = raw(front.port(), "GET /v1/%zz HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(badEncoding).startsWith("HTTP/1.1 400");
        assertThat(badEncoding).contains("\"status\":400");

        for (String query : List.of("x=%zz", "a=|", "q=<x>", "token=%")) {
            String badQuery = raw(front.port(), "GET /boom?" + query + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(badQuery).as("?" + query + " is answered before any handler, not as an empty 200").startsWith("HTTP/1.1 400");
            assertThat(badQuery).contains("\"reason\":\"bad_request\"");
        }
    }

    @Test
    void anAnswerGivenBeforeTheBodyArrivedNeverLeavesAKeptAliveConnectionThatIsThenDropped() throws Exception {
        HttpFront front = front(4);
        front.route("/guarded", exchange -> ErrorBody.send(exchange, 401, "unauthorized", "no token")); // never reads the body
        front.start();
        try (Socket socket = new Socket("127.0.0.1", front.port())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            for (int request = 1; request <= 2; request++) {
                // The JDK client writes head and body separately, so a body may arrive after the handler has answered.
                try {
                    out.write("POST /guarded HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 12\r\n\r\n"
                            .getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (IOException e) {
                    throw new AssertionError("the server dropped a connection after an answer that did not say \"Connection: close\"", e);
                }
                Thread.sleep(200);
                try {
                    out.write("{\"a\":\"bcd\"}".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (IOException refused) {
                    // an answer that ends the connection before the body is allowed, if the answer says so
                }
                String answer = readAnswer(socket);
                assertThat(answer).as("answer %d", request).startsWith("HTTP/1.1 401");
                if (answer.toLowerCase(java.util.Locale.ROOT).contains("connection: close")) {
                    return; // said plainly: a client opens a new connection, which is correct too
                }
            }
        }
    }

    /** One answer's head and JSON body from a kept-alive connection; empty if the server closed it first. */
    private static String readAnswer(Socket socket) throws IOException {
        StringBuilder answer = new StringBuilder();
        byte[] buffer = new byte[8192];
        for (int n; answer.indexOf("}") < 0 && (n = socket.getInputStream().read(buffer)) > 0; ) {
            answer.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
        }
        return answer.toString();
    }

    /** Sends raw bytes and returns what came back until the server closed or went quiet. */
    private static String raw(int port, String request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2_000);
            socket.setSoTimeout(2_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            StringBuilder answer = new StringBuilder();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = socket.getInputStream().read(buffer)) > 0; ) {
                    answer.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                    if (answer.indexOf("}") > 0) {
                        break;
                    }
                }
            } catch (java.net.SocketTimeoutException e) {
                // what arrived is the answer
            }
            return answer.toString();
        }
    }
}
