package dev.coilsight.trainer.export;

import java.nio.file.Path;

import picocli.CommandLine.Option;

/** {@code --name} and {@code --model-version} of a command that writes a model: what its card calls it. */
public final class ModelNaming {

    @Option(names = "--name", description = "Model name for model.json (default: the folder name of --output).")
    String name;

    @Option(names = "--model-version", defaultValue = "1", description = "Model version for model.json (default ${DEFAULT-VALUE}).")
    String version;

    /** The {@code --name} given, or else the name of the folder the model is written to. */
    public String nameFor(Path modelDir) {
        return name != null ? name : modelDir.toAbsolutePath().normalize().getFileName().toString();
    }

    public String version() {
        return version;
    }
}
