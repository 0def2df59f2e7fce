package dev.coilsight.testsupport;

import dev.coilsight.embedded.LocalKafka;
import dev.coilsight.embedded.LocalRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The shared real infrastructure of one test JVM: one KRaft broker and one Apicurio registry,
 * each started on first use and stopped when the JVM exits (tests passed or not). Tests that need
 * them declare {@code @ExtendWith(RealInfrastructureExtension.class)} or call these methods.
 */
public final class TestInfrastructure {

    private static LocalKafka kafka;
    private static LocalRegistry registry;
    private static Path workDir;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TestInfrastructure::shutdown, "test-infrastructure-stop"));
    }

    private TestInfrastructure() {
    }

    /** The demo's own broker ({@link LocalKafka}), on a free port, its log in this JVM's temporary folder. */
    public static synchronized LocalKafka kafka() {
        if (kafka == null) {
            kafka = LocalKafka.start(workDir().resolve("kafka"), 0);
        }
        return kafka;
    }

    public static synchronized LocalRegistry registry() {
        if (registry == null) {
            registry = LocalRegistry.start(workDir().resolve("apicurio"));
        }
        return registry;
    }

    /** Stops everything started; safe to call more than once. */
    public static synchronized void shutdown() {
        if (registry != null) {
            registry.close();
            registry = null;
        }
        if (kafka != null) {
            kafka.close();
            kafka = null;
        }
        if (workDir != null) {
            deleteQuietly(workDir);
            workDir = null;
        }
    }

    private static synchronized Path workDir() {
        if (workDir == null) {
            try {
                workDir = Files.createTempDirectory("coilsight-test-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return workDir;
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // temp folder; the OS cleans it eventually
        }
    }
}
