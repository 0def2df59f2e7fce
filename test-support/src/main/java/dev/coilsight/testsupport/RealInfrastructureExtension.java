package dev.coilsight.testsupport;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that starts the real broker and registry once per test JVM and registers
 * their shutdown with the root context, so they stop when the run ends whether tests failed or not.
 */
public final class RealInfrastructureExtension implements BeforeAllCallback {

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(RealInfrastructureExtension.class, key -> {
                    TestInfrastructure.kafka();
                    TestInfrastructure.registry();
                    return (ExtensionContext.Store.CloseableResource) TestInfrastructure::shutdown;
                });
    }
}
