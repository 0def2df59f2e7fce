package dev.coilsight.ingest.drop;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Run in a child JVM by the tests: prints whether another process holds the lock on the given file. */
public final class LockProbe {

    private LockProbe() {
    }

    public static void main(String[] args) throws Exception {
        try (FileChannel channel = FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            System.out.println(lock == null ? "held" : "free");
        }
    }

    /** What a separate process sees of the lock: "held" or "free". */
    static String probe(Path lockFile) throws Exception {
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LockProbe.class.getName(), lockFile.toString())
                .redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes()).trim();
        if (process.waitFor() != 0) {
            throw new AssertionError("lock probe failed: " + out);
        }
        return out;
    }
}
