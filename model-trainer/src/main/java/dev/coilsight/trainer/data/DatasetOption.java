package dev.coilsight.trainer.data;

import java.nio.file.Path;

import picocli.CommandLine.Option;

/** {@code --dataset} of the commands that read a labelled data set of either layout (a picocli mixin). */
public final class DatasetOption {

    @Option(names = "--dataset", required = true, paramLabel = "PATH", description = "Dataset folder (layout recognised from its contents).")
    Path folder;

    public Path folder() {
        return folder;
    }
}
