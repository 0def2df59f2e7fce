package dev.coilsight.schemas.registry;

import java.util.Set;

/** Lets tests in other packages use the package-private {@link FakeConfluentRegistry}. */
public final class FakeRegistryAccess implements AutoCloseable {

    private final FakeConfluentRegistry registry;

    private FakeRegistryAccess(FakeConfluentRegistry registry) {
        this.registry = registry;
    }

    public static FakeRegistryAccess start() throws java.io.IOException {
        return new FakeRegistryAccess(new FakeConfluentRegistry(null));
    }

    public String url() {
        return registry.url();
    }

    public Set<String> subjects() {
        return registry.subjects();
    }

    @Override
    public void close() {
        registry.close();
    }
}
