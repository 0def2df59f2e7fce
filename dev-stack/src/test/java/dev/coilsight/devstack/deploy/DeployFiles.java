package dev.coilsight.devstack.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

import dev.coilsight.classifier.ClassifierService;
import dev.coilsight.serviceruntime.config.Env;
import dev.coilsight.analytics.AnalyticsConfig;
import dev.coilsight.ingest.IngestConfig;
import dev.coilsight.segmenter.SegmenterService;
import dev.coilsight.workerruntime.WorkerConfig;

/**
 * What the deployment tests share: the repository's files, YAML parsing, running external tools
 * (kubectl, docker-compose), and each service's view of a set of COILSIGHT_* variables, taken from the
 * services' own configuration classes so that the manifests cannot drift from the code.
 */
final class DeployFiles {

    /** Variables read outside the config classes: docker/logback.xml reads COILSIGHT_LOG_LEVEL. */
    static final Set<String> IMAGE_VARIABLES = Set.of("COILSIGHT_LOG_LEVEL");

    /** The four services: compose service / k8s workload name, Maven module, main class. */
    enum Service {
        INGEST("ingest-service", "dev.coilsight.ingest.IngestService"),
        CLASSIFIER("classifier-stream", "dev.coilsight.classifier.ClassifierService"),
        SEGMENTER("segmenter-stream", "dev.coilsight.segmenter.SegmenterService"),
        ANALYTICS("coil-analytics", "dev.coilsight.analytics.AnalyticsService");

        final String module;
        final String mainClass;

        Service(String module, String mainClass) {
            this.module = module;
            this.mainClass = mainClass;
        }

        static Optional<Service> byName(String name) {
            for (Service s : values()) {
                if (s.module.equals(name)) {
                    return Optional.of(s);
                }
            }
            return Optional.empty();
        }

        boolean worker() {
            return this == CLASSIFIER || this == SEGMENTER;
        }

        WorkerConfig.Defaults workerDefaults() {
            return switch (this) {
                case CLASSIFIER -> ClassifierService.DEFAULTS;
                case SEGMENTER -> SegmenterService.DEFAULTS;
                default -> throw new IllegalStateException(module + " is not a worker");
            };
        }

        /**
         * The settings this service reads from {@code env}, with the values in effect as its start-up log shows them
         * (reading them also checks that every value parses). Names it does not read are absent from the result.
         */
        Map<String, String> describe(Map<String, String> env) {
            Env e = new Env(env);
            switch (this) {
                case INGEST -> IngestConfig.fromEnv(e);
                case CLASSIFIER -> {
                    WorkerConfig.fromEnv(e, ClassifierService.DEFAULTS);
                    ClassifierService.stage(e);
                }
                case SEGMENTER -> {
                    WorkerConfig.fromEnv(e, SegmenterService.DEFAULTS);
                    SegmenterService.stage(e);
                }
                case ANALYTICS -> AnalyticsConfig.fromEnv(e);
            }
            return e.inEffect();
        }

        /** The worker's configuration (group id, input topic, threads...) from {@code env}. */
        WorkerConfig workerConfig(Map<String, String> env) {
            return WorkerConfig.fromEnv(new Env(env), workerDefaults());
        }
    }

    /** COILSIGHT_* names in {@code env} that the service does not read (through its config class or the image). */
    static Set<String> unknownVariables(Service service, Map<String, String> env) {
        Map<String, String> described = service.describe(env);
        Set<String> unknown = new TreeSet<>();
        for (String name : env.keySet()) {
            if (name.startsWith("COILSIGHT_") && !described.containsKey(name) && !IMAGE_VARIABLES.contains(name)) {
                unknown.add(name);
            }
        }
        return unknown;
    }

    private DeployFiles() {
    }

    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("docker-compose.yml")) && Files.isDirectory(d.resolve("k8s"))) {
                return d;
            }
        }
        throw new IllegalStateException("repository root (with docker-compose.yml and k8s/) not found above " + dir);
    }

    static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(200);
        return new Yaml(options);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> loadMap(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return (Map<String, Object>) yaml().load(in);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> loadAll(String text) {
        List<Map<String, Object>> docs = new ArrayList<>();
        for (Object doc : yaml().loadAll(text)) {
            if (doc != null) {
                docs.add((Map<String, Object>) doc);
            }
        }
        return docs;
    }

    /** An executable on PATH, if any. */
    static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The result of a command: exit status, standard output and standard error. */
    record Run(int status, String out, String err) {
    }

    static Run run(List<String> command, Map<String, String> extraEnv) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).directory(root().toFile());
        builder.environment().putAll(extraEnv);
        Process process = builder.start();
        process.getOutputStream().close();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(String.join(" ", command) + " did not finish within 120 s");
        }
        return new Run(process.exitValue(), out.join(), err.join());
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** kubectl: $COILSIGHT_KUBECTL, else kubectl on PATH; a missing kubectl fails the test with what to install. */
    static String kubectl() {
        String configured = System.getenv("COILSIGHT_KUBECTL");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        return onPath("kubectl").map(Path::toString).orElseGet(() -> fail(
                "kubectl is not on PATH: the Kubernetes manifests are rendered with `kubectl kustomize`. "
                        + "Install it (Debian: apt-get install kubernetes-client; .ci/run does) or set COILSIGHT_KUBECTL"));
    }

    /** `kubectl kustomize k8s/<dir>` parsed into its documents. */
    static List<Map<String, Object>> kustomize(String dir) throws IOException, InterruptedException {
        Run run = run(List.of(kubectl(), "kustomize", "k8s/" + dir), Map.of());
        if (run.status() != 0) {
            fail("kubectl kustomize k8s/" + dir + " failed (status " + run.status() + "):\n" + run.err());
        }
        return loadAll(run.out());
    }

    private static final Pattern COMPOSE_VARIABLE = Pattern.compile("\\$\\{([A-Za-z0-9_]+)(?:(:?[-?])([^}]*))?}");

    /**
     * Compose interpolation as `docker-compose config` does it, with no variables set: ${X:-default} is the
     * default, ${X:?message} (a required variable) is {@code required}, $$ is $.
     */
    static String interpolate(String value, String required) {
        Matcher m = COMPOSE_VARIABLE.matcher(value.replace("$$", "\u0000"));
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String op = m.group(2);
            String replacement = op == null ? "" : op.endsWith("-") ? m.group(3) : required;
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString().replace('\u0000', '$');
    }

    /** Kubernetes $(VAR) references resolved with a placeholder, as the kubelet would with real values. */
    static String expandDependentVariables(String value) {
        return value.replaceAll("\\$\\(([A-Za-z0-9_]+)\\)", "placeholder");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        return value == null ? List.of() : (List<Object>) value;
    }

    @SuppressWarnings("unchecked")
    static <T> T at(Map<String, Object> node, String... path) {
        Object current = node;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> m)) {
                return null;
            }
            current = m.get(key);
        }
        return (T) current;
    }

    static String string(Object value) {
        return value == null ? null : String.valueOf(value);
    }
}
