package dev.coilsight.schemas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

class SchemasCommandTest {

    @Test
    void theRegistryOptionsDefaultToTheVariablesTheServicesRead() {
        CommandSpec register = new CommandLine(new SchemasCommand()).setInterpolateVariables(false).getSubcommands().get("register").getCommandSpec();

        assertThat(register.findOption("--registry").defaultValue()).isEqualTo("${env:COILSIGHT_SCHEMA_REGISTRY_URL}");
        assertThat(register.findOption("--user-info").defaultValue()).isEqualTo("${env:COILSIGHT_SCHEMA_REGISTRY_USER_INFO}");
        assertThat(register.findOption("--truststore").defaultValue()).isEqualTo("${env:COILSIGHT_SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION}");
        assertThat(register.findOption("--truststore-password").defaultValue())
                .isEqualTo("${env:COILSIGHT_SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD}");
    }

    @Test
    void registeringWithoutARegistrySaysHowToNameOne() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new SchemasCommand());
        cli.setErr(new PrintWriter(err));

        int exit = cli.execute("register", "--registry", " ");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--registry").contains("COILSIGHT_SCHEMA_REGISTRY_URL");
    }
}
