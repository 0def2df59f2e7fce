package dev.coilsight.testsupport;

import dev.coilsight.embedded.LocalRegistry;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A registry never outlives the JVM that started it, even when that JVM is killed with SIGKILL. */
class ApicurioRegistryCleanupIT {

    @Test
    @Timeout(120)
    void theRegistryDiesWithAKilledTestJvm() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                RegistryHolder.class.getName())).redirectErrorStream(true).start();
        int port = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream()))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("PORT ")) {
                    port = Integer.parseInt(line.substring(5).trim());
                    break;
                }
            }
            assertThat(port).as("the holder JVM started a registry").isPositive();
            assertThat(listening(port)).isTrue();

            holder.destroyForcibly(); // SIGKILL: no shutdown hooks run
            holder.waitFor(10, TimeUnit.SECONDS);

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (listening(port) && System.nanoTime() < deadline) {
                Thread.sleep(250);
            }
            assertThat(listening(port)).as("registry on port %d still running after its JVM was killed", port).isFalse();
        } finally {
            holder.destroyForcibly();
        }
    }

    @Test
    void registryStopsAndRestartsOnTheSamePort(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        try (LocalRegistry registry = LocalRegistry.start(dir)) {
            int port = registry.port();
            registry.stop();
            assertThat(listening(port)).isFalse();
            registry.restart();
            assertThat(registry.port()).isEqualTo(port);
            assertThat(listening(port)).isTrue();
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
