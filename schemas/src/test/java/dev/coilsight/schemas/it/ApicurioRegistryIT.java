package dev.coilsight.schemas.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.coilsight.schemas.Contracts;
import dev.coilsight.schemas.ImageCaptured;
import dev.coilsight.schemas.cli.SchemasCommand;
import dev.coilsight.schemas.registry.CompatibilityLevel;
import dev.coilsight.schemas.registry.RegistryClientConfig;
import dev.coilsight.schemas.registry.RestSchemaRegistryClient;
import dev.coilsight.schemas.registry.SchemaRegistryException;
import dev.coilsight.testsupport.RealInfrastructureExtension;
import dev.coilsight.testsupport.TestInfrastructure;
import picocli.CommandLine;

/** The registry client and the deploy command against a real Apicurio 3.0.9 through its ccompat API. */
@ExtendWith(RealInfrastructureExtension.class)
class ApicurioRegistryIT {

    private static RestSchemaRegistryClient client() {
        return new RestSchemaRegistryClient(RegistryClientConfig.forUrl(TestInfrastructure.registry().ccompatUrl()));
    }

    @Test
    void registerLookUpFetchAndConfigure() {
        String subject = "it-basic-value";
        RestSchemaRegistryClient client = client();

        int id = client.register(subject, ImageCaptured.getClassSchema());

        assertThat(client.register(subject, ImageCaptured.getClassSchema())).as("idempotent").isEqualTo(id);
        assertThat(client().idOf(subject, ImageCaptured.getClassSchema())).isEqualTo(id);
        assertThat(client().schemaById(id)).isEqualTo(ImageCaptured.getClassSchema());
        client.setCompatibility(subject, CompatibilityLevel.BACKWARD);
        assertThat(client().compatibility(subject)).contains(CompatibilityLevel.BACKWARD);
    }

    @Test
    void unknownIdAndUnregisteredSchemaAreNotFound() {
        assertThatThrownBy(() -> client().schemaById(987_654))
                .isInstanceOf(SchemaRegistryException.NotFound.class)
                .hasMessageContaining("schema id 987654");
        assertThatThrownBy(() -> client().idOf("it-nothing-here-value", ImageCaptured.getClassSchema()))
                .isInstanceOf(SchemaRegistryException.NotFound.class)
                .hasMessageContaining("it-nothing-here-value");
    }

    @Test
    void incompatibleSchemaIsRefusedWithTheRegistrysReasons() {
        String subject = "it-compat-value";
        RestSchemaRegistryClient client = client();
        client.register(subject, ImageCaptured.getClassSchema());
        client.setCompatibility(subject, CompatibilityLevel.BACKWARD);
        Schema breaking = SchemaBuilder.record("ImageCaptured").namespace("dev.coilsight.schemas").fields()
                .requiredString("imageId").requiredLong("exposureUs").endRecord();

        var check = client.testCompatibility(subject, breaking);
        assertThat(check.compatible()).isFalse();

        assertThatThrownBy(() -> client.register(subject, breaking))
                .isInstanceOf(SchemaRegistryException.Incompatible.class)
                .satisfies(e -> assertThat(((SchemaRegistryException) e).httpStatus()).isEqualTo(409))
                .hasMessageContaining("incompatible");
    }

    @Test
    void schemasRegisterCommandRegistersEveryContractWithBackwardCompatibility() {
        String url = TestInfrastructure.registry().ccompatUrl();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new SchemasCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));

        int exit = cli.execute("register", "--registry", url);

        assertThat(exit).as("stderr: %s", err).isZero();
        RestSchemaRegistryClient client = client();
        for (Contracts.Contract contract : Contracts.all()) {
            assertThat(out.toString()).contains(contract.valueSubject());
            assertThat(client.idOf(contract.valueSubject(), contract.valueSchema())).isPositive();
            assertThat(client.compatibility(contract.valueSubject())).contains(CompatibilityLevel.BACKWARD);
        }
        // Running the deploy step again changes nothing and still succeeds.
        assertThat(new CommandLine(new SchemasCommand()).execute("register", "--registry", url)).isZero();
    }

    @Test
    void schemasRegisterCommandFailsClearlyWhenTheRegistryIsDown() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new SchemasCommand());
        cli.setErr(new PrintWriter(err));

        int exit = cli.execute("register", "--registry", "http://127.0.0.1:1");

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("unreachable").contains("http://127.0.0.1:1");
    }
}
