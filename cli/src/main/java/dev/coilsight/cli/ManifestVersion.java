package dev.coilsight.cli;

import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code --version} of a command ({@code versionProvider = ManifestVersion.class}): {@code coilsight <command> <version>},
 * the version of the jar the command's class comes from, as the build writes it into the manifest.
 */
public final class ManifestVersion implements IVersionProvider {

    @Spec
    CommandSpec command;

    @Override
    public String[] getVersion() {
        String version = command.userObject().getClass().getPackage().getImplementationVersion();
        return new String[] {"coilsight " + command.qualifiedName(" ") + " " + (version == null ? "(development build)" : version)};
    }
}
