package dev.coilsight.testsupport;

import dev.coilsight.embedded.LocalRegistry;
import java.nio.file.Files;

/** A JVM that starts a registry, prints its port and waits: the "test JVM" that the cleanup test kills. */
public final class RegistryHolder {

    private RegistryHolder() {
    }

    public static void main(String[] args) throws Exception {
        LocalRegistry registry = LocalRegistry.start(Files.createTempDirectory("registry-holder-"));
        System.out.println("PORT " + registry.port());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
