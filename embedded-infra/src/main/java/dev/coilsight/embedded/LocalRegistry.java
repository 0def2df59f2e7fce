package dev.coilsight.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apicurio Registry 3.0.9 (from Maven Central) running as a child JVM on loopback. Its
 * Confluent-compatible API is at {@link #ccompatUrl()}. Storage is an H2 file in a folder of the
 * caller's, so the registry can be {@link #restart() restarted} and keep its schemas and ids.
 *
 * <p>The child is started through a small shell watchdog that kills it when this JVM dies, even by
 * SIGKILL, so no registry outlives a failed or killed test run or demo.
 */
public final class LocalRegistry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalRegistry.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path runnerJar;
    private final Path dataDir;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;

    private LocalRegistry(Path runnerJar, Path dataDir, int port) {
        this.runnerJar = runnerJar;
        this.dataDir = dataDir;
        this.port = port;
    }

    /** Starts a registry on a free loopback port, storing its data under {@code dataDir}. */
    public static LocalRegistry start(Path dataDir) {
        return start(dataDir, 0);
    }

    /**
     * Starts a registry on loopback {@code port} (0: any free port), storing its data under
     * {@code dataDir}; fails at once, naming the port, when something else listens there.
     */
    public static LocalRegistry start(Path dataDir, int port) {
        if (port != 0) {
            Ports.requireFree(port, "the schema registry");
        }
        LocalRegistry registry = new LocalRegistry(locateRunnerJar(), dataDir, port == 0 ? Ports.free() : port);
        registry.startProcess();
        return registry;
    }

    /** Base URL of the Confluent-compatible API, e.g. {@code http://127.0.0.1:PORT/apis/ccompat/v7}. */
    public String ccompatUrl() {
        return baseUrl() + "/apis/ccompat/v7";
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Stops the registry (SIGTERM, SIGKILL after 10 s) and returns once its JVM is gone and the port is free. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        // The watchdog shell and the registry JVM under it: wait for all of them, not just the shell.
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : tree) {
            try {
                handle.onExit().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                handle.destroyForcibly();
                handle.onExit().completeOnTimeout(handle, 10, TimeUnit.SECONDS).join();
            } catch (java.util.concurrent.ExecutionException e) {
                // already gone
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                handle.destroyForcibly();
            }
        }
        process = null;
        log.info("Apicurio registry on port {} stopped", port);
    }

    /** Stops and starts the registry again on the same port with the same storage. */
    public synchronized void restart() {
        stop();
        startProcess();
    }

    @Override
    public void close() {
        stop();
    }

    private synchronized void startProcess() {
        long started = System.nanoTime();
        try {
            Files.createDirectories(dataDir);
            Path logFile = dataDir.resolve("registry.log");
            String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
            List<String> javaCommand = List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-Dquarkus.http.host=127.0.0.1",
                    "-Dquarkus.http.port=" + port,
                    "-Dquarkus.log.level=WARN",
                    "-Dapicurio.datasource.url=jdbc:h2:file:" + dataDir.resolve("registry-db").toAbsolutePath(),
                    "-jar", runnerJar.toString());
            long parentPid = ProcessHandle.current().pid();
            // Watchdog: when the test JVM is gone, the registry goes too.
            String script = "\"$@\" & child=$!; "
                    + "( while kill -0 " + parentPid + " 2>/dev/null; do sleep 1; done; kill $child 2>/dev/null ) & "
                    + "trap 'kill $child 2>/dev/null' TERM INT; wait $child";
            List<String> command = new ArrayList<>(List.of("sh", "-c", script, "apicurio-watchdog"));
            command.addAll(javaCommand);
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            awaitReady(logFile);
            log.info("Apicurio registry {} ready at {} in {} ms", version(), ccompatUrl(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the Apicurio registry from " + runnerJar, e);
        }
    }

    private void awaitReady(Path logFile) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(ccompatUrl() + "/subjects"))
                .timeout(Duration.ofSeconds(2)).GET().build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the Apicurio registry exited at start (code " + process.exitValue()
                        + "); its log is " + logFile + ":\n" + tail(logFile));
            }
            try {
                if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the registry", e);
            }
            sleep(200);
        }
        stop();
        throw new IllegalStateException("the Apicurio registry was not ready within " + START_TIMEOUT.toSeconds()
                + " s; its log is " + logFile + ":\n" + tail(logFile));
    }

    private static String tail(Path logFile) {
        try {
            List<String> lines = Files.readAllLines(logFile);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    private static String version() {
        return buildProperties().getProperty("apicurio.version", "?");
    }

    /** The runner jar unpacked by this module's build (see its pom). */
    static Path locateRunnerJar() {
        String home = System.getProperty("coilsight.apicurio.home", buildProperties().getProperty("apicurio.home"));
        Path jar = Paths.get(home).resolve("apicurio-registry-app-" + version() + "-runner.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("Apicurio runner jar not found at " + jar
                    + ": build embedded-infra first (mvn -pl embedded-infra package) or set -Dcoilsight.apicurio.home");
        }
        return jar;
    }

    private static Properties buildProperties() {
        Properties props = new Properties();
        try (InputStream in = LocalRegistry.class.getResourceAsStream("/coilsight-embedded-infra.properties")) {
            if (in != null) {
                props.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return props;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
