package dev.coilsight.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.junit.jupiter.api.Assumptions;

/**
 * Finds the real data sets in {@code ../shared/data} (beside the project checkout), used in place.
 * Tests that need a data set skip with a message naming the missing folder when it is absent.
 */
public final class SharedData {

    /** Set by the parent POM for surefire/failsafe; overridable for runs from an IDE. */
    public static final String PROPERTY = "coilsight.shared.data";

    private SharedData() {
    }

    /** The root of the shared data, whether or not it exists. */
    public static Path root() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Paths.get(configured).toAbsolutePath().normalize();
        }
        // Walk up from the working directory to the folder holding shared/ (the checkout's parent).
        Path dir = Paths.get("").toAbsolutePath();
        while (dir != null) {
            Path candidate = dir.resolve("shared").resolve("data");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
            dir = dir.getParent();
        }
        return Paths.get("..", "shared", "data").toAbsolutePath().normalize();
    }

    /**
     * A data set folder, e.g. {@code severstal-sample}; the calling test is skipped when it is absent, or fails when
     * {@code COILSIGHT_REQUIRE_SHARED_DATA=true} (as CI sets it: a checkout without the data must not pass green with
     * most integration tests skipped).
     */
    public static Path require(String dataset) {
        Path path = root().resolve(dataset);
        String why = "shared data set " + path + " is absent: this test needs ../shared/data/" + dataset;
        if (!Files.isDirectory(path) && "true".equalsIgnoreCase(System.getenv("COILSIGHT_REQUIRE_SHARED_DATA"))) {
            throw new IllegalStateException(why + " (COILSIGHT_REQUIRE_SHARED_DATA=true)");
        }
        Assumptions.assumeTrue(Files.isDirectory(path), () -> why);
        return path;
    }
}
