package dev.coilsight.devstack.deploy;

import static dev.coilsight.devstack.deploy.DeployFiles.at;
import static dev.coilsight.devstack.deploy.DeployFiles.list;
import static dev.coilsight.devstack.deploy.DeployFiles.map;
import static dev.coilsight.devstack.deploy.DeployFiles.string;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.coilsight.devstack.deploy.DeployFiles.Run;
import dev.coilsight.devstack.deploy.DeployFiles.Service;
import dev.coilsight.schemas.Topics;
import dev.coilsight.workerruntime.WorkerConfig;

/**
 * docker-compose.yml, checked without a Docker engine: `docker-compose config` accepts it (when the
 * binary is installed) and, parsed as YAML, every service has a health check and an image, the four
 * Coilsight services are built from docker/Dockerfile with their own module and main class, and their
 * COILSIGHT_* variables are ones their configuration classes read, with valid values.
 */
class DockerComposeTest {

    private static final String TOKEN = "compose-test-token-0123456789";
    private static Map<String, Object> compose;

    @BeforeAll
    static void parse() throws Exception {
        compose = DeployFiles.loadMap(DeployFiles.root().resolve("docker-compose.yml"));
    }

    private static Map<String, Object> services() {
        return map(compose.get("services"));
    }

    /** A service's environment after interpolation (the required ingest token set to a test value). */
    private static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> env = new LinkedHashMap<>();
        Object raw = service.get("environment");
        if (raw instanceof Map<?, ?> m) {
            m.forEach((k, v) -> env.put(String.valueOf(k), v == null ? "" : DeployFiles.interpolate(String.valueOf(v), TOKEN)));
        } else {
            for (Object entry : list(raw)) {
                String[] kv = String.valueOf(entry).split("=", 2);
                env.put(kv[0], kv.length > 1 ? DeployFiles.interpolate(kv[1], TOKEN) : "");
            }
        }
        return env;
    }

    @Test
    void dockerComposeConfigAcceptsTheFile() throws Exception {
        Optional<Path> binary = DeployFiles.onPath("docker-compose");
        assumeTrue(binary.isPresent(), "ASSUMPTION: docker-compose is not installed (Debian: apt-get install docker-compose; "
                + ".ci/run installs it), so only the YAML checks ran; the file was not validated by Compose itself");
        for (List<String> profile : List.of(List.<String>of(), List.of("--profile", "monitoring"))) {
            List<String> command = new ArrayList<>(List.of(binary.get().toString(), "-f", "docker-compose.yml"));
            command.addAll(profile);
            command.add("config");
            Run run = DeployFiles.run(command, Map.of("COILSIGHT_INGEST_TOKEN", TOKEN, "COILSIGHT_ANALYTICS_TOKEN", TOKEN,
                    "COILSIGHT_ANALYTICS_INTERNAL_TOKEN", TOKEN));
            assertThat(run.status()).as("docker-compose config %s:\n%s", profile, run.err()).isZero();
            Map<String, Object> resolved = DeployFiles.loadAll(run.out()).get(0);
            assertThat(map(resolved.get("services")).keySet()).as("services rendered by docker-compose %s", profile)
                    .contains("kafka", "schema-registry", "topics-init", "ingest-service", "classifier-stream", "segmenter-stream",
                            "coil-analytics");
        }
        Run missingToken = DeployFiles.run(List.of(binary.get().toString(), "-f", "docker-compose.yml", "config", "-q"),
                Map.of("COILSIGHT_INGEST_TOKEN", "", "COILSIGHT_ANALYTICS_TOKEN", TOKEN, "COILSIGHT_ANALYTICS_INTERNAL_TOKEN", TOKEN));
        assertThat(missingToken.status()).as("without COILSIGHT_INGEST_TOKEN compose refuses to start ingest").isNotZero();
        assertThat(missingToken.err()).contains("COILSIGHT_INGEST_TOKEN");
        Run missingViewerToken = DeployFiles.run(List.of(binary.get().toString(), "-f", "docker-compose.yml", "config", "-q"),
                Map.of("COILSIGHT_INGEST_TOKEN", TOKEN, "COILSIGHT_ANALYTICS_TOKEN", "", "COILSIGHT_ANALYTICS_INTERNAL_TOKEN", TOKEN));
        assertThat(missingViewerToken.status()).as("without COILSIGHT_ANALYTICS_TOKEN compose refuses to start analytics").isNotZero();
        assertThat(missingViewerToken.err()).contains("COILSIGHT_ANALYTICS_TOKEN");
    }

    @Test
    void prometheusGetsEveryRulesFileItsConfigLists() throws Exception {
        Map<String, Object> config = DeployFiles.loadMap(DeployFiles.root().resolve("deploy/prometheus/prometheus-compose.yml"));
        List<String> mounts = list(map(services().get("prometheus")).get("volumes")).stream().map(String::valueOf).toList();
        assertThat(list(config.get("rule_files"))).isNotEmpty().allSatisfy(file -> assertThat(mounts)
                .as("%s mounted into the prometheus container", file).anyMatch(m -> m.endsWith(":" + file + ":ro")
                        && Files.isRegularFile(DeployFiles.root().resolve(m.substring(0, m.indexOf(':'))))));
    }

    @Test
    void onlyIngestIsPublishedBeyondThisMachine() {
        services().forEach((name, raw) -> {
            Object ports = map(raw).get("ports");
            for (Object port : ports == null ? List.of() : list(ports)) {
                if (!name.equals("ingest-service")) {
                    assertThat(string(port)).as("%s publishes %s", name, port).startsWith("127.0.0.1:");
                }
            }
        });
        assertThat(map(at(services(), "grafana", "environment"))).as("Grafana: no admin/admin")
                .containsEntry("GF_SECURITY_DISABLE_INITIAL_ADMIN_CREATION", "true").doesNotContainKey("GF_SECURITY_ADMIN_PASSWORD");
    }

    @Test
    void everyServiceHasAHealthCheckAndAnImage() {
        assertThat(services()).isNotEmpty();
        services().forEach((name, raw) -> {
            Map<String, Object> service = map(raw);
            assertThat(string(service.get("image"))).as("%s: image", name).isNotBlank();
            List<Object> test = list(at(service, "healthcheck", "test"));
            assertThat(test).as("%s: healthcheck.test", name).isNotEmpty();
            assertThat(test.get(0)).as("%s: healthcheck form", name).isIn("CMD", "CMD-SHELL");
        });
    }

    @Test
    void theFourServicesAreBuiltFromTheDockerfileWithTheirModuleAndMainClass() throws Exception {
        Path root = DeployFiles.root();
        for (Service s : Service.values()) {
            Map<String, Object> service = map(services().get(s.module));
            assertThat(service).as("compose service %s", s.module).isNotEmpty();
            assertThat(string(at(service, "build", "context"))).as("%s build context", s.module).isEqualTo(".");
            String dockerfile = string(at(service, "build", "dockerfile"));
            assertThat(root.resolve(dockerfile)).as("%s dockerfile", s.module).isRegularFile();
            Map<String, Object> args = map(at(service, "build", "args"));
            assertThat(string(args.get("MODULE"))).as("%s MODULE", s.module).isEqualTo(s.module);
            assertThat(root.resolve(s.module).resolve("pom.xml")).isRegularFile();
            assertThat(string(args.get("MAIN_CLASS"))).as("%s MAIN_CLASS", s.module).isEqualTo(s.mainClass);
            assertThat(root.resolve(s.module + "/src/main/java/" + s.mainClass.replace('.', '/') + ".java"))
                    .as("%s main class source", s.module).isRegularFile();
            assertThat(string(args.get("TF_NATIVES"))).as("%s TF_NATIVES", s.module).isEqualTo(s.worker() ? "cpu" : "none");
            assertThat(string(service.get("image"))).as("%s image", s.module).contains("/" + s.module + ":");
            assertThat(map(service.get("depends_on")).keySet()).as("%s depends_on", s.module)
                    .contains("kafka", "schema-registry", "topics-init");
        }
        String dockerfile = Files.readString(root.resolve("docker/Dockerfile"));
        assertThat(dockerfile).contains("TENSORFLOW_LIBRARY_PATH=/opt/tensorflow/lib", "ARG TF_NATIVES", "USER 10001");
        assertThat(dockerfile).as("coil-analytics draws text (map captions, the PDF report)").contains("fontconfig fonts-dejavu-core");
        assertThat(Files.readString(root.resolve("docker/entrypoint.sh"))).contains("-Dai.djl.offline=true");
    }

    @Test
    void environmentIsWhatTheConfigClassesReadAndParses() {
        for (Service s : Service.values()) {
            Map<String, Object> service = map(services().get(s.module));
            Map<String, String> env = environment(service);
            assertThat(env).as("%s environment", s.module).containsKeys("COILSIGHT_BOOTSTRAP_SERVERS", "COILSIGHT_SCHEMA_REGISTRY_URL");
            assertThat(DeployFiles.unknownVariables(s, env)).as("%s: COILSIGHT_* variables its config class does not read", s.module)
                    .isEmpty();
            Map<String, String> described = s.describe(env);
            assertThat(env.get("COILSIGHT_BOOTSTRAP_SERVERS")).isEqualTo("kafka:9092");
            assertThat(env.get("COILSIGHT_SCHEMA_REGISTRY_URL")).startsWith("http://schema-registry:8080/");

            // The health check, the published port and the service's own HTTP port agree.
            String port = described.get("COILSIGHT_HTTP_PORT");
            List<Object> test = list(at(service, "healthcheck", "test"));
            assertThat(test).as("%s health check", s.module).contains(port);
            assertThat(list(service.get("ports"))).as("%s ports", s.module).anySatisfy(p -> assertThat(String.valueOf(p)).endsWith(":" + port));
            if (s.worker()) {
                WorkerConfig config = s.workerConfig(env);
                assertThat(config.groupId()).as("%s group id", s.module).isEqualTo(s.workerDefaults().groupId());
                assertThat(config.modelDir().toString()).startsWith("/opt/coilsight/models/");
                assertThat(config.cluster().kafka()).containsEntry("max.request.size", "8388608");
            }
        }
        assertThat(environment(map(services().get("ingest-service")))).containsEntry("COILSIGHT_INGEST_TOKEN", TOKEN);
        String token = string(map(map(services().get("ingest-service")).get("environment")).get("COILSIGHT_INGEST_TOKEN"));
        assertThat(token).as("the ingest token is required from the environment, never written in the file").startsWith("${COILSIGHT_INGEST_TOKEN:?");
    }

    @Test
    void theRegistryKeepsItsSchemasInTheBrokerSoThatARestartKeepsTheirIds() {
        Map<String, Object> registry = map(services().get("schema-registry"));
        Map<String, String> env = environment(registry);

        assertThat(env).containsEntry("APICURIO_STORAGE_KIND", "kafkasql").containsEntry("APICURIO_KAFKASQL_BOOTSTRAP_SERVERS", "kafka:9092");
        assertThat(map(registry.get("depends_on"))).containsKey("kafka");
    }

    @Test
    void topicsInitCreatesEveryTopicWithRoomForImages() {
        String script = String.join("\n", list(map(services().get("topics-init")).get("command")).stream().map(String::valueOf).toList());
        for (String topic : Topics.all()) {
            assertThat(script).as("topics-init creates %s", topic).contains(topic);
        }
        assertThat(script).contains("max.message.bytes=8388608", "cleanup.policy=compact");
        assertThat(map(map(services().get("kafka")).get("environment"))).containsEntry("KAFKA_PROCESS_ROLES", "broker,controller");
    }
}
