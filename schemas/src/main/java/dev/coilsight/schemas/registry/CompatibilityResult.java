package dev.coilsight.schemas.registry;

import java.util.List;

/** The registry's answer to "may this schema be added to the subject?", with its reasons when not. */
public record CompatibilityResult(boolean compatible, List<String> messages) {

    public static CompatibilityResult ok() {
        return new CompatibilityResult(true, List.of());
    }
}
