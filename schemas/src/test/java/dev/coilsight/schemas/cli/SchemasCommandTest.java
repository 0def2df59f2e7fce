package dev.coilsight.schemas.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.schemas.registry.FakeConfluentRegistry;
import dev.coilsight.schemas.registry.RegistryClientConfig;
import dev.coilsight.schemas.registry.RestSchemaRegistryClient;

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

    private static int register(FakeConfluentRegistry registry, Map<String, String> env, StringWriter err, String... more) {
        CommandLine cli = new CommandLine(new SchemasCommand());
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));
        SchemasCommand.Register register = cli.getSubcommands().get("register").getCommand();
        register.env = env::get;
        List<String> args = new java.util.ArrayList<>(List.of("register", "--registry", registry.url()));
        args.addAll(List.of(more));
        return cli.execute(args.toArray(String[]::new));
    }

    @Test
    void topicsRenamedForTheServicesAreRegisteredUnderTheirNewNames() throws Exception {
        try (FakeConfluentRegistry registry = new FakeConfluentRegistry(null)) {
            StringWriter err = new StringWriter();

            int exit = register(registry, Map.of("COILSIGHT_TOPIC_COIL_GRADES", "plant7.coil-grades"), err);

            assertThat(exit).as(err.toString()).isZero();
            assertThat(registry.subjects()).contains("plant7.coil-grades-value", "steel.images-value").doesNotContain("steel.coil-grades-value");
        }
    }

    @Test
    void theLevelIsSetBeforeTheCheckSoASubjectAProducerRegisteredWithoutOneIsCheckedAtIt() throws Exception {
        try (FakeConfluentRegistry registry = new FakeConfluentRegistry(null)) {
            registry.defaultLevel = "NONE"; // as Apicurio without rules: any schema is compatible
            // A producer registered a version the contract cannot read: it lacks imageId, which has no default.
            ObjectNode older = (ObjectNode) new ObjectMapper().readTree(ImageCaptured.getClassSchema().toString());
            ArrayNode fields = (ArrayNode) older.get("fields");
            for (int i = 0; i < fields.size(); i++) {
                if (fields.get(i).get("name").asText().equals("imageId")) {
                    fields.remove(i);
                    break;
                }
            }
            try (RestSchemaRegistryClient producer = new RestSchemaRegistryClient(RegistryClientConfig.forUrl(registry.url()))) {
                producer.register("steel.images-value", new Schema.Parser().parse(older.toString()));
            }
            StringWriter err = new StringWriter();

            int exit = register(registry, Map.of(), err);

            assertThat(exit).isEqualTo(1);
            assertThat(err.toString()).contains("steel.images-value").contains("NOT compatible");
        }
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
