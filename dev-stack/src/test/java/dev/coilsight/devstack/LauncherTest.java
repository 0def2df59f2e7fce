package dev.coilsight.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code coilsight} launcher in a checkout of its own, with a stand-in {@code mvn} that counts its builds and a
 * stand-in {@code java}: which Java it runs, and when it builds.
 */
class LauncherTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    /** A process's exit code and what it wrote. */
    private record Ran(int exitCode, String out, String err) {
    }

    @TempDir
    Path dir;
    private Path checkout;
    private Path bin;

    @BeforeEach
    void checkout() throws IOException {
        checkout = Files.createDirectories(dir.resolve("check out"));
        Files.copy(ROOT.resolve("coilsight"), checkout.resolve("coilsight"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.writeString(checkout.resolve("pom.xml"), "<project/>\n");
        Path sources = Files.createDirectories(checkout.resolve("model-trainer/src/main/java/dev/coilsight"));
        Files.writeString(sources.resolve("A.java"), "class A {}\n");
        Files.writeString(sources.resolve("B.java"), "class B {}\n");
        bin = Files.createDirectories(dir.resolve("bin"));
        // Counts its builds, takes FAKE_MVN_SECONDS, and leaves the module's jar and a classpath naming an existing file.
        script(bin.resolve("mvn"), """
                echo build >> "$COUNT"
                sleep "${FAKE_MVN_SECONDS:-0}"
                mkdir -p model-trainer/target
                touch model-trainer/target/model-trainer-1.jar
                printf '%s' "$PWD/pom.xml" > model-trainer/target/classpath.txt
                """);
        script(bin.resolve("java"), javaPrinting("17.0.9", "ran on the java on PATH"));
    }

    private static String javaPrinting(String version, String ran) {
        return "if [ \"$1\" = -version ]; then echo 'openjdk version \"" + version + "\" 2023-10-17' >&2; exit 0; fi\necho '" + ran + "'\n";
    }

    private static void script(Path file, String body) throws IOException {
        Files.writeString(file, "#!/bin/bash\n" + body, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Process start(Map<String, String> env) throws IOException {
        ProcessBuilder launcher = new ProcessBuilder(checkout.resolve("coilsight").toString(), "score", "--help").directory(dir.toFile());
        launcher.environment().remove("JAVA_HOME");
        launcher.environment().put("PATH", bin + ":/usr/bin:/bin");
        launcher.environment().put("COUNT", dir.resolve("builds").toString());
        launcher.environment().putAll(env);
        return launcher.start();
    }

    private Ran run(Map<String, String> env) throws Exception {
        Process process = start(env);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Ran(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private long builds() throws IOException {
        return Files.exists(dir.resolve("builds")) ? Files.readAllLines(dir.resolve("builds")).size() : 0;
    }

    @Test
    void aJavaOlderThan17IsRefusedNamingItsVersionAndWhereItIs() throws Exception {
        script(bin.resolve("java"), javaPrinting("11.0.2", "ran"));

        Ran ran = run(Map.of());

        assertThat(ran.exitCode()).isEqualTo(2);
        assertThat(ran.err()).contains("needs Java 17 or newer, found 11.0.2 at " + bin.resolve("java")).contains("JAVA_HOME");
        assertThat(ran.out()).isEmpty();
        assertThat(builds()).isZero();
    }

    @Test
    void aJavaThatCannotSayItsVersionIsRefusedWithAMessage() throws Exception {
        script(bin.resolve("java"), "echo 'cannot execute binary file: Exec format error' >&2\nexit 126\n"); // another architecture

        Ran ran = run(Map.of());

        assertThat(ran.exitCode()).isEqualTo(2);
        assertThat(ran.err()).contains("needs Java 17 or newer, found an unknown version at " + bin.resolve("java"));
    }

    @Test
    void theJavaOfJavaHomeRunsTheCommandAsItBuildsIt() throws Exception {
        Path jdk = Files.createDirectories(dir.resolve("jdk/bin"));
        script(jdk.resolve("java"), javaPrinting("21", "ran on the java of JAVA_HOME"));

        Ran ran = run(Map.of("JAVA_HOME", jdk.getParent().toString()));

        assertThat(ran.exitCode()).as(ran.err()).isZero();
        assertThat(ran.out()).isEqualTo("ran on the java of JAVA_HOME\n");
    }

    @Test
    void itBuildsOnceAndAgainWhenASourceIsDeletedOrItsClasspathIsGone() throws Exception {
        assertThat(run(Map.of()).out()).isEqualTo("ran on the java on PATH\n");
        assertThat(run(Map.of()).exitCode()).isZero();
        assertThat(builds()).as("built once, then up to date").isEqualTo(1);

        Files.delete(checkout.resolve("model-trainer/src/main/java/dev/coilsight/B.java"));
        assertThat(run(Map.of()).exitCode()).isZero();
        assertThat(builds()).as("a deleted source changes the build").isEqualTo(2);

        Files.writeString(checkout.resolve("model-trainer/target/classpath.txt"), checkout.resolve("gone.jar").toString());
        assertThat(run(Map.of()).exitCode()).isZero();
        assertThat(builds()).as("a jar on the classpath is gone (a purged ~/.m2)").isEqualTo(3);
    }

    @Test
    void twoLaunchersStartedTogetherBuildOnce() throws Exception {
        List<Process> both = List.of(start(Map.of("FAKE_MVN_SECONDS", "2")), start(Map.of("FAKE_MVN_SECONDS", "2")));
        for (Process process : both) {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).as(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        }
        assertThat(builds()).as("the second waited for the first's build and used it").isEqualTo(1);
    }
}
