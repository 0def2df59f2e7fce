package dev.coilsight.schemas.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.coilsight.cli.ManifestVersion;
import dev.coilsight.schemas.Contracts;
import dev.coilsight.schemas.registry.CompatibilityLevel;
import dev.coilsight.schemas.registry.CompatibilityResult;
import dev.coilsight.schemas.registry.RegistryClientConfig;
import dev.coilsight.schemas.registry.RestSchemaRegistryClient;
import dev.coilsight.schemas.registry.SchemaRegistryClient;
import dev.coilsight.schemas.registry.SchemaRegistryException;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./coilsight schemas ...}: the deploy step for a registry where producers do not auto-register. */
@Command(name = "schemas", mixinStandardHelpOptions = true, versionProvider = ManifestVersion.class,
        description = "Manage Coilsight's Avro contracts in a schema registry (Confluent API: Confluent, Apicurio ccompat, Karapace).",
        subcommands = {SchemasCommand.Register.class, SchemasCommand.ListContracts.class})
public final class SchemasCommand {

    /** Options that reach a registry. */
    static final class RegistryOptions {
        // The defaults are the variables the services read, so that the deploy step and the services reach the registry alike.
        @Option(names = "--registry", paramLabel = "URL", defaultValue = "${env:COILSIGHT_SCHEMA_REGISTRY_URL}",
                description = "Registry base URL(s), comma-separated, e.g. http://localhost:8081 or http://host:8080/apis/ccompat/v7 "
                        + "(default: $COILSIGHT_SCHEMA_REGISTRY_URL; one of the two is required).")
        String url;

        @Option(names = "--user-info", paramLabel = "USER:PASSWORD", defaultValue = "${env:COILSIGHT_SCHEMA_REGISTRY_USER_INFO}",
                description = "Basic-auth credentials (default: $COILSIGHT_SCHEMA_REGISTRY_USER_INFO).")
        String userInfo;

        @Option(names = "--truststore", paramLabel = "FILE", defaultValue = "${env:COILSIGHT_SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION}",
                description = "Trust store (PKCS12) for an https registry with a private CA (default: $COILSIGHT_SCHEMA_REGISTRY_SSL_TRUSTSTORE_LOCATION).")
        String truststore;

        @Option(names = "--truststore-password", paramLabel = "PASSWORD", defaultValue = "${env:COILSIGHT_SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD}",
                description = "Trust store password (default: $COILSIGHT_SCHEMA_REGISTRY_SSL_TRUSTSTORE_PASSWORD).")
        String truststorePassword;

        SchemaRegistryClient client(CommandLine commandLine) {
            if (url == null || url.isBlank()) {
                throw new CommandLine.ParameterException(commandLine, "no registry: pass --registry URL or set COILSIGHT_SCHEMA_REGISTRY_URL");
            }
            Map<String, Object> configs = new LinkedHashMap<>();
            configs.put(RegistryClientConfig.URL, url);
            if (userInfo != null && !userInfo.isBlank()) {
                configs.put(RegistryClientConfig.CREDENTIALS_SOURCE, "USER_INFO");
                configs.put(RegistryClientConfig.USER_INFO, userInfo);
            }
            if (truststore != null) {
                configs.put(RegistryClientConfig.TRUSTSTORE_LOCATION, truststore);
                configs.put(RegistryClientConfig.TRUSTSTORE_PASSWORD, truststorePassword);
            }
            return new RestSchemaRegistryClient(RegistryClientConfig.fromMap(configs));
        }
    }

    @Command(name = "register", mixinStandardHelpOptions = true,
            description = {"Register every Coilsight schema under its topic's subject (<topic>-value) and set the subject's compatibility.",
                    "Topics renamed for the services with COILSIGHT_TOPIC_* are registered under their new names.",
                    "Each schema is first checked against the subject's latest version; an incompatible one is reported with the registry's reasons and nothing is registered for it.",
                    "Exit code 0 when every schema is registered, 1 when one is not, 2 on bad input (no or a malformed registry URL)."})
    static final class Register implements Callable<Integer> {
        @CommandLine.Mixin
        RegistryOptions registry = new RegistryOptions();

        /** Where the services' topic names come from ({@code COILSIGHT_TOPIC_*}). */
        java.util.function.Function<String, String> env = System::getenv;

        @Option(names = "--compatibility", defaultValue = "BACKWARD", paramLabel = "LEVEL",
                description = "Compatibility level to set on every subject (default: ${DEFAULT-VALUE}; one of ${COMPLETION-CANDIDATES}).")
        CompatibilityLevel compatibility;

        @Option(names = "--dry-run", description = "Only check compatibility; register nothing.")
        boolean dryRun;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            var out = spec.commandLine().getOut();
            var err = spec.commandLine().getErr();
            int failures = 0;
            try (SchemaRegistryClient client = registry.client(spec.commandLine())) {
                out.printf("%-28s %-44s %6s  %s%n", "SUBJECT", "SCHEMA", "ID", "COMPATIBILITY");
                for (Contracts.Contract contract : Contracts.all(env)) {
                    String subject = contract.valueSubject();
                    try {
                        // A subject a producer registered has no level on some registries (Apicurio), which then take any
                        // schema: it gets the level before the check. One that has a level is checked at it (never lowered first).
                        boolean levelSet = !dryRun && client.compatibility(subject).isEmpty() && setLevel(client, subject);
                        if (dryRun) {
                            warnIfCheckedAtAnotherLevel(client, subject, err);
                        }
                        CompatibilityResult check = client.testCompatibility(subject, contract.valueSchema());
                        if (!check.compatible()) {
                            failures++;
                            err.printf("%s: %s is NOT compatible with the registered version: %s%n",
                                    subject, contract.valueSchema().getFullName(), String.join("; ", check.messages()));
                            continue;
                        }
                        if (dryRun) {
                            out.printf("%-28s %-44s %6s  %s%n", subject, contract.valueSchema().getFullName(), "-", "compatible");
                            continue;
                        }
                        int id = client.register(subject, contract.valueSchema());
                        if (!levelSet) {
                            client.setCompatibility(subject, compatibility);
                        }
                        out.printf("%-28s %-44s %6d  %s%n", subject, contract.valueSchema().getFullName(), id, compatibility);
                    } catch (SchemaRegistryException e) {
                        failures++;
                        err.printf("%s: %s%n", subject, e.getMessage());
                        if (e instanceof SchemaRegistryException.Unavailable) {
                            break; // no point trying the others
                        }
                    }
                }
            }
            if (failures > 0) {
                err.printf("%d subject(s) failed%n", failures);
                return 1;
            }
            return 0;
        }

        /** Sets the level on a subject that exists; false for a new one (a registry may refuse a level for no subject). */
        private boolean setLevel(SchemaRegistryClient client, String subject) {
            try {
                client.setCompatibility(subject, compatibility);
                return true;
            } catch (SchemaRegistryException.NotFound e) {
                return false;
            }
        }

        private void warnIfCheckedAtAnotherLevel(SchemaRegistryClient client, String subject, java.io.PrintWriter err) {
            var level = client.compatibility(subject);
            if (level.isEmpty() || level.get() != compatibility) {
                err.printf("%s: checked at the registry's level for it (%s), not at %s, which only register sets%n", subject,
                        level.map(Enum::name).orElse("none set on the subject"), compatibility);
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the topics (as COILSIGHT_TOPIC_* rename them), their subjects and record types.")
    static final class ListContracts implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        java.util.function.Function<String, String> env = System::getenv;

        @Override
        public Integer call() {
            var out = spec.commandLine().getOut();
            out.printf("%-24s %-30s %s%n", "TOPIC", "SUBJECT", "RECORD");
            for (Contracts.Contract c : Contracts.all(env)) {
                out.printf("%-24s %-30s %s%n", c.topic(), c.valueSubject(), c.valueSchema().getFullName());
            }
            return 0;
        }
    }
}
