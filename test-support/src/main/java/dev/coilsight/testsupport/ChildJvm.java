package dev.coilsight.testsupport;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A {@code main} class in a JVM of its own, on the running test's classpath, with its output in a log file: for tests
 * that kill a process as a crash or the OOM killer would, which no thread of the test's own JVM can stand in for.
 */
public final class ChildJvm {

    private ChildJvm() {
    }

    /**
     * Starts {@code main} with {@code args}; {@code jvmOptions} before the class (e.g. {@code -Xmx512m}), {@code env}
     * added to this process's environment, stdout and stderr together into {@code log}.
     */
    public static Process start(Class<?> main, List<String> jvmOptions, List<String> args, Map<String, String> env, Path log)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(main.getName());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        builder.redirectErrorStream(true).redirectOutput(log.toFile());
        return builder.start();
    }
}
