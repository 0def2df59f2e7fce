package dev.coilsight.devstack.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.coilsight.workerruntime.WorkerFixture;

/**
 * An inference worker in a JVM of its own, started again whenever it has exited (as an orchestrator restarts a
 * pod), with every exit status kept: a test can tell the deaths it caused from those it did not.
 */
final class WorkerProcess implements AutoCloseable {

    private static final Pattern ASSIGNED = Pattern.compile("\"assignedPartitions\":(\\d+)");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final String name;
    private final Class<?> main;
    private final Map<String, String> env;
    private final Path logs;
    private final int httpPort;
    private final List<Integer> exits = new ArrayList<>();
    private Process process;
    private int starts;
    private boolean closed;

    WorkerProcess(String name, Class<?> main, Map<String, String> env, Path logs, int httpPort) {
        this.name = name;
        this.main = main;
        this.env = env;
        this.logs = logs;
        this.httpPort = httpPort;
    }

    synchronized void start() {
        try {
            process = WorkerFixture.startJvm(main, env, logs.resolve(name + "-" + (++starts) + ".log"), "1g");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the " + name, e);
        }
    }

    /** Starts the worker again if it has exited; called periodically, as an orchestrator's restart policy. */
    synchronized void restartIfExited() {
        if (!closed && process != null && !process.isAlive()) {
            exits.add(process.exitValue());
            start();
        }
    }

    /** SIGKILL: no shutdown hook runs, a transaction may be open; it is started again by {@link #restartIfExited}. */
    synchronized void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
        restartIfExited();
    }

    /** Exit statuses so far, oldest first (137: SIGKILL; 139: the test's halt, as a native crash). */
    synchronized List<Integer> exits() {
        return List.copyOf(exits);
    }

    /** Input partitions assigned to the running process, from {@code GET /ready}; 0 while nothing answers. */
    int assignedPartitions() {
        Matcher assigned = ASSIGNED.matcher(answer("/ready"));
        return assigned.find() ? Integer.parseInt(assigned.group(1)) : 0;
    }

    /** The status of {@code GET /health}, or -1 while nothing answers. */
    int health() {
        return Integer.parseInt(healthAnswer().split(" ", 2)[0]);
    }

    /** {@code GET /health}'s status and body, e.g. {@code 503 {"status":"DOWN",...}}; {@code -1} while nothing answers. */
    String healthAnswer() {
        return answer("/health");
    }

    /** {@code GET /metrics}'s status and body; {@code -1} while nothing answers. */
    String metricsAnswer() {
        return answer("/metrics");
    }

    private String answer(String path) {
        try {
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() + " " + answer.body();
        } catch (IOException e) {
            return "-1";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "-1";
        }
    }

    @Override
    public synchronized void close() throws InterruptedException {
        closed = true;
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
