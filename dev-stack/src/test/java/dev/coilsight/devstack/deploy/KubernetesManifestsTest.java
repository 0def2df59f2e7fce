package dev.coilsight.devstack.deploy;

import static dev.coilsight.devstack.deploy.DeployFiles.at;
import static dev.coilsight.devstack.deploy.DeployFiles.list;
import static dev.coilsight.devstack.deploy.DeployFiles.map;
import static dev.coilsight.devstack.deploy.DeployFiles.string;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.coilsight.serviceruntime.config.Env;
import dev.coilsight.devstack.deploy.DeployFiles.Service;
import dev.coilsight.schemas.Topics;
import dev.coilsight.workerruntime.WorkerConfig;

/**
 * The Kubernetes manifests as `kubectl kustomize` renders them (overlays cpu and gpu, topics, monitoring),
 * checked for what an SRE relies on: probes and resources on every workload, GPUs in the gpu overlay,
 * KEDA scaling the consumer groups the workers really use and never beyond the partitions, no secret
 * values, and COILSIGHT_* settings the services' configuration classes read.
 */
class KubernetesManifestsTest {

    private static final List<String> OVERLAYS = List.of("overlays/cpu", "overlays/gpu");
    private static final Map<String, List<Map<String, Object>>> rendered = new LinkedHashMap<>();

    @BeforeAll
    static void render() throws Exception {
        for (String dir : List.of("base", "overlays/cpu", "overlays/gpu", "topics", "monitoring")) {
            rendered.put(dir, DeployFiles.kustomize(dir));
        }
    }

    private static Stream<Map<String, Object>> kind(String dir, String kind) {
        return rendered.get(dir).stream().filter(d -> kind.equals(d.get("kind")));
    }

    private static String name(Map<String, Object> doc) {
        return string(at(doc, "metadata", "name"));
    }

    private static Map<String, Object> named(String dir, String kind, String name) {
        return kind(dir, kind).filter(d -> name.equals(name(d))).findFirst()
                .orElseThrow(() -> new AssertionError(dir + ": no " + kind + " " + name));
    }

    private static List<Map<String, Object>> workloads(String dir) {
        return rendered.get(dir).stream().filter(d -> d.get("kind").equals("Deployment") || d.get("kind").equals("StatefulSet")).toList();
    }

    private static List<Map<String, Object>> containers(Map<String, Object> workload) {
        return list(at(workload, "spec", "template", "spec", "containers")).stream().map(DeployFiles::map).toList();
    }

    private static Service service(Map<String, Object> workload) {
        return Service.byName(name(workload)).orElseThrow(() -> new AssertionError("unknown workload " + name(workload)));
    }

    /** The environment a container sees: its ConfigMaps (envFrom), then env (secrets as placeholders, $(VAR) expanded). */
    private static Map<String, String> environment(String dir, Map<String, Object> container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (Object source : list(container.get("envFrom"))) {
            String configMap = string(at(map(source), "configMapRef", "name"));
            if (configMap != null) {
                map(named(dir, "ConfigMap", configMap).get("data")).forEach((k, v) -> env.put(k, string(v)));
            }
        }
        for (Object entry : list(container.get("env"))) {
            Map<String, Object> e = map(entry);
            // A value from a Secret stands in as one a secret could hold: a token, or a name=token pair.
            String value = e.containsKey("value") ? DeployFiles.expandDependentVariables(string(e.get("value")))
                    : "from-secret=" + Integer.toHexString(e.get("valueFrom").hashCode()) + "-0123456789abcdef";
            env.put(string(e.get("name")), value);
        }
        return env;
    }

    private static Map<String, Integer> partitions() {
        Map<String, Integer> out = new LinkedHashMap<>();
        kind("topics", "KafkaTopic").forEach(t -> out.put(string(at(t, "spec", "topicName")), ((Number) at(t, "spec", "partitions")).intValue()));
        return out;
    }

    /** The variables docker/Dockerfile sets in the one image every service runs from ({@code ENV KEY=VALUE \\} lines). */
    private static Map<String, String> imageEnvironment() throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        boolean inEnv = false;
        for (String line : java.nio.file.Files.readAllLines(DeployFiles.root().resolve("docker/Dockerfile"))) {
            String text = line.trim();
            if (text.startsWith("ENV ")) {
                inEnv = true;
                text = text.substring(4).trim();
            }
            if (inEnv) {
                String pair = text.endsWith("\\") ? text.substring(0, text.length() - 1).trim() : text;
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    env.put(pair.substring(0, eq), pair.substring(eq + 1).replace("\"", ""));
                }
                inEnv = text.endsWith("\\");
            }
        }
        return env;
    }

    @Test
    void theImageKeepsTheLibraryFoldersWhereGpuDriversPutLibcuda() throws Exception {
        assertThat(imageEnvironment().get("LD_LIBRARY_PATH").split(":")).contains("/opt/tensorflow/lib", "/usr/local/nvidia/lib64");
    }

    @Test
    void everyServiceKeepsItsStateOnAWritableMountUnderItsReadOnlyRoot() throws Exception {
        Map<String, String> image = imageEnvironment();
        assertThat(image).as("the image's own environment was read").containsKey("DJL_CACHE_DIR");
        for (String dir : OVERLAYS) {
            for (Map<String, Object> workload : workloads(dir)) {
                for (Map<String, Object> c : containers(workload)) {
                    if (!Boolean.TRUE.equals(at(c, "securityContext", "readOnlyRootFilesystem"))) {
                        continue;
                    }
                    Map<String, String> env = new LinkedHashMap<>(image);
                    env.putAll(environment(dir, c));
                    // Unset, a service keeps its state in coilsight-<service> under the JVM's temporary folder.
                    String state = env.getOrDefault("COILSIGHT_STATE_DIR", "/tmp/coilsight-" + name(workload));
                    List<String> mounts = list(c.get("volumeMounts")).stream().map(m -> string(map(m).get("mountPath"))).toList();
                    assertThat(mounts).as("%s %s: COILSIGHT_STATE_DIR %s lies on a mounted volume", dir, name(workload), state)
                            .anySatisfy(m -> assertThat(state + "/").startsWith(m.endsWith("/") ? m : m + "/"));
                }
            }
        }
    }

    @Test
    void bothOverlaysRenderTheFourServices() {
        for (String dir : OVERLAYS) {
            assertThat(workloads(dir).stream().map(KubernetesManifestsTest::name).toList())
                    .as(dir).containsExactlyInAnyOrder("ingest-service", "classifier-stream", "segmenter-stream", "coil-analytics");
            assertThat(kind(dir, "Namespace").map(KubernetesManifestsTest::name).toList()).containsExactly("coilsight");
            workloads(dir).forEach(w -> assertThat(string(at(w, "metadata", "namespace"))).isEqualTo("coilsight"));
        }
        assertThat(named("overlays/cpu", "StatefulSet", "coil-analytics")).isNotNull();
    }

    @Test
    void everyWorkloadHasProbesResourcesAndADisruptionBudget() {
        for (String dir : OVERLAYS) {
            for (Map<String, Object> workload : workloads(dir)) {
                String what = dir + " " + workload.get("kind") + " " + name(workload);
                for (Map<String, Object> c : containers(workload)) {
                    for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                        assertThat(string(at(c, probe, "httpGet", "path"))).as("%s %s path", what, probe).isIn("/health", "/ready");
                        assertThat(string(at(c, probe, "httpGet", "port"))).as("%s %s port", what, probe).isEqualTo("http");
                    }
                    assertThat(string(at(c, "readinessProbe", "httpGet", "path"))).as("%s readiness", what).isEqualTo("/ready");
                    assertThat(string(at(c, "livenessProbe", "httpGet", "path"))).as("%s liveness", what).isEqualTo("/health");
                    for (String kind : List.of("requests", "limits")) {
                        assertThat(map(at(c, "resources", kind))).as("%s resources.%s", what, kind).containsKeys("cpu", "memory");
                    }
                    assertThat((Object) at(c, "securityContext", "allowPrivilegeEscalation")).as("%s privilege escalation", what).isEqualTo(false);
                }
                assertThat((Object) at(workload, "spec", "template", "spec", "securityContext", "runAsNonRoot")).as(what).isEqualTo(true);
                Map<String, Object> labels = map(at(workload, "spec", "selector", "matchLabels"));
                List<Map<String, Object>> budgets = kind(dir, "PodDisruptionBudget")
                        .filter(p -> map(at(p, "spec", "selector", "matchLabels")).equals(labels)).toList();
                assertThat(budgets).as("%s: a PodDisruptionBudget selects its pods", what).hasSize(1);
                if (!"coil-analytics".equals(name(workload))) {
                    // Unready because the brokers are away or a replica has no partition: no reason to hold up a node drain.
                    assertThat(string(at(budgets.get(0), "spec", "unhealthyPodEvictionPolicy"))).as("%s: unready pods may be evicted", what)
                            .isEqualTo("AlwaysAllow");
                }
            }
        }
    }

    @Test
    void theGpuOverlayRequestsGpusOnGpuNodesWithTheGpuImagesAndTheCpuOverlayDoesNot() {
        for (String worker : List.of("classifier-stream", "segmenter-stream")) {
            Map<String, Object> gpu = named("overlays/gpu", "Deployment", worker);
            Map<String, Object> c = containers(gpu).get(0);
            assertThat(string(at(c, "resources", "limits", "nvidia.com/gpu"))).as("%s gpu limit", worker).isEqualTo("1");
            assertThat(string(c.get("image"))).as("%s image", worker).endsWith("-gpu");
            assertThat(map(at(gpu, "spec", "template", "spec", "nodeSelector"))).as("%s node selector", worker).containsKey("nvidia.com/gpu.present");
            assertThat(list(at(gpu, "spec", "template", "spec", "tolerations"))).as("%s tolerations", worker)
                    .anySatisfy(t -> assertThat(map(t)).containsEntry("key", "nvidia.com/gpu"));
            WorkerConfig config = service(gpu).workerConfig(environment("overlays/gpu", c));
            assertThat(config.requireGpu()).as("%s COILSIGHT_REQUIRE_GPU", worker).isTrue();

            Map<String, Object> cpu = named("overlays/cpu", "Deployment", worker);
            Map<String, Object> cc = containers(cpu).get(0);
            assertThat(map(at(cc, "resources", "limits"))).as("cpu overlay %s", worker).doesNotContainKey("nvidia.com/gpu");
            assertThat(string(cc.get("image"))).doesNotEndWith("-gpu");
            assertThat(service(cpu).workerConfig(environment("overlays/cpu", cc)).requireGpu()).isFalse();
        }
        for (String other : List.of("ingest-service", "coil-analytics")) {
            Map<String, Object> w = workloads("overlays/gpu").stream().filter(d -> other.equals(name(d))).findFirst().orElseThrow();
            assertThat(map(at(containers(w).get(0), "resources", "limits"))).as(other).doesNotContainKey("nvidia.com/gpu");
        }
    }

    @Test
    void kedaScalesTheWorkersConsumerGroupsOnTheirInputTopicsNeverBeyondThePartitions() {
        Map<String, Integer> partitions = partitions();
        for (String dir : OVERLAYS) {
            List<Map<String, Object>> scaled = kind(dir, "ScaledObject").toList();
            assertThat(scaled.stream().map(KubernetesManifestsTest::name).toList()).as(dir).containsExactlyInAnyOrder("classifier-stream", "segmenter-stream");
            Set<String> auths = new HashSet<>(kind(dir, "TriggerAuthentication").map(KubernetesManifestsTest::name).toList());
            for (Map<String, Object> so : scaled) {
                String target = string(at(so, "spec", "scaleTargetRef", "name"));
                Map<String, Object> deployment = named(dir, "Deployment", target);
                assertThat((Object) at(deployment, "spec", "replicas")).as("%s %s: KEDA owns the replica count", dir, target).isNull();
                WorkerConfig config = service(deployment).workerConfig(environment(dir, containers(deployment).get(0)));
                List<Object> triggers = list(at(so, "spec", "triggers"));
                assertThat(triggers).as("%s %s triggers", dir, target).isNotEmpty();
                for (Object t : triggers) {
                    Map<String, Object> trigger = map(t);
                    assertThat(trigger.get("type")).isEqualTo("kafka");
                    Map<String, Object> meta = map(trigger.get("metadata"));
                    assertThat(string(meta.get("consumerGroup"))).as("%s %s: KEDA group = the worker's group id", dir, target)
                            .isEqualTo(config.groupId());
                    assertThat(string(meta.get("topic"))).as("%s %s: KEDA topic = the worker's input", dir, target).isEqualTo(config.inputTopic());
                    assertThat(string(meta.get("bootstrapServers"))).as("%s %s bootstrap", dir, target).isEqualTo(config.cluster().bootstrapServers());
                    assertThat(Integer.parseInt(string(meta.get("lagThreshold")))).as("%s %s lagThreshold", dir, target).isPositive();
                    if (config.inputTopic().equals(Topics.DEFECTIVE_IMAGES)) {
                        // Written in the classifier's transactions: a commit marker ends each partition, a lag of 1 that never clears.
                        assertThat(string(meta.get("excludePersistentLag"))).as("%s %s excludePersistentLag", dir, target).isEqualTo("true");
                    }
                    assertThat(auths).as("%s %s authenticationRef", dir, target).contains(string(at(trigger, "authenticationRef", "name")));
                }
                int max = ((Number) at(so, "spec", "maxReplicaCount")).intValue();
                int min = ((Number) at(so, "spec", "minReplicaCount")).intValue();
                Integer topicPartitions = partitions.get(config.inputTopic());
                assertThat(topicPartitions).as("k8s/topics defines %s", config.inputTopic()).isNotNull();
                assertThat(max * config.threads()).as("%s %s: maxReplicaCount x COILSIGHT_WORKER_THREADS <= partitions of %s",
                        dir, target, config.inputTopic()).isLessThanOrEqualTo(topicPartitions);
                assertThat(min).isBetween(0, max);
            }
        }
        assertThat(((Number) at(named("overlays/gpu", "ScaledObject", "classifier-stream"), "spec", "maxReplicaCount")).intValue())
                .as("the gpu overlay may use every partition").isEqualTo(partitions.get(Topics.IMAGES));
    }

    @Test
    void noSecretValuesInThePlainManifests() {
        for (Map.Entry<String, List<Map<String, Object>>> e : rendered.entrySet()) {
            String dir = e.getKey();
            assertThat(kind(dir, "Secret").toList()).as("%s: Secrets are created by operators, never committed", dir).isEmpty();
            kind(dir, "ConfigMap").forEach(cm -> map(cm.get("data")).keySet().forEach(key ->
                    assertThat(Env.secret(key)).as("%s ConfigMap %s holds secret-like %s", dir, name(cm), key).isFalse()));
            for (Map<String, Object> workload : workloads(dir)) {
                for (Map<String, Object> c : containers(workload)) {
                    for (Object entry : list(c.get("env"))) {
                        Map<String, Object> env = map(entry);
                        if (Env.secret(string(env.get("name")))) {
                            assertThat(env).as("%s %s: %s comes from a Secret", dir, name(workload), env.get("name")).doesNotContainKey("value");
                            assertThat(map(at(env, "valueFrom", "secretKeyRef"))).as("%s %s", dir, env.get("name")).containsKeys("name", "key");
                        }
                    }
                }
            }
            kind(dir, "TriggerAuthentication").forEach(ta -> assertThat(map(ta.get("spec")).keySet())
                    .as("%s TriggerAuthentication %s reads secrets only", dir, name(ta)).containsOnly("secretTargetRef"));
        }
        Map<String, Object> ingest = containers(named("overlays/gpu", "Deployment", "ingest-service")).get(0);
        assertThat(list(ingest.get("env"))).anySatisfy(v -> assertThat(map(at(map(v), "valueFrom", "secretKeyRef"))).containsEntry("key", "token"));
    }

    @Test
    void coilsightSettingsAreWhatTheConfigClassesReadAndPortsAgree() {
        for (String dir : OVERLAYS) {
            for (Map<String, Object> workload : workloads(dir)) {
                Service s = service(workload);
                Map<String, Object> c = containers(workload).get(0);
                Map<String, String> env = environment(dir, c);
                String what = dir + " " + s.module;
                assertThat(DeployFiles.unknownVariables(s, env)).as("%s: COILSIGHT_* variables its config class does not read", what).isEmpty();
                Map<String, String> described = s.describe(env);
                String port = described.get("COILSIGHT_HTTP_PORT");
                assertThat(list(c.get("ports"))).as("%s container port", what)
                        .anySatisfy(p -> assertThat(String.valueOf(map(p).get("containerPort"))).isEqualTo(port));
                assertThat(string(at(workload, "spec", "template", "metadata", "annotations", "prometheus.io/port")))
                        .as("%s scrape port", what).isEqualTo(port);
                if (s.worker()) {
                    assertThat(Integer.parseInt(env.getOrDefault("JAVA_MAX_RAM_PERCENTAGE", "75"))).as("%s heap share: TensorFlow's memory "
                            + "is outside the heap", what).isLessThanOrEqualTo(50);
                    WorkerConfig config = s.workerConfig(env);
                    assertThat(config.threads()).as("%s threads", what).isEqualTo(1);
                    assertThat(config.modelDir().toString()).as("%s model", what).startsWith("/opt/coilsight/models/");
                    assertThat(Long.parseLong(config.cluster().kafka().get("max.request.size")))
                            .as("%s producer room for image records", what).isGreaterThanOrEqualTo(8L << 20);
                }
            }
        }
    }

    @Test
    void networkPoliciesDenyByDefaultAndOpenOnlyIngestToAnyone() {
        for (String dir : List.of("overlays/cpu", "overlays/gpu")) {
            List<Map<String, Object>> policies = kind(dir, "NetworkPolicy").toList();
            assertThat(policies).as(dir).anySatisfy(p -> {
                assertThat(map(at(p, "spec", "podSelector"))).as("selects every pod").isEmpty();
                Object ingress = at(p, "spec", "ingress");
                assertThat(ingress).as("and lets nothing in").isNull();
            });
            for (Map<String, Object> policy : policies) {
                Object ingress = at(policy, "spec", "ingress");
                for (Object rule : ingress == null ? List.of() : list(ingress)) {
                    if (map(rule).get("from") == null) {
                        // A rule without sources admits anyone: only ingest, which the plant network uploads to, may have one.
                        assertThat(map(at(policy, "spec", "podSelector", "matchLabels"))).as(dir + " " + name(policy))
                                .containsEntry("app.kubernetes.io/name", "ingest-service");
                    }
                }
            }
            // Every selector names labels the pod templates really carry.
            List<Map<String, String>> podLabels = workloads(dir).stream()
                    .map(w -> DeployFiles.<Map<String, String>>at(w, "spec", "template", "metadata", "labels")).toList();
            for (Map<String, Object> policy : policies) {
                Map<String, Object> selected = map(at(policy, "spec", "podSelector", "matchLabels"));
                assertThat(podLabels).as(dir + " " + name(policy) + " selects some pod").anySatisfy(labels ->
                        assertThat(labels).containsAllEntriesOf(selected.entrySet().stream()
                                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> String.valueOf(e.getValue())))));
            }
            assertThat(policies).as(dir + ": a policy selects coil-analytics' pods and names who may call them").anySatisfy(p -> {
                assertThat(map(at(p, "spec", "podSelector", "matchLabels"))).containsEntry("app.kubernetes.io/name", "coil-analytics");
                assertThat(list(at(p, "spec", "ingress"))).allSatisfy(rule -> assertThat(map(rule).get("from")).isNotNull());
            });
        }
    }

    @Test
    void analyticsIsAStatefulSetWithAHeadlessServiceForInteractiveQueries() {
        for (String dir : OVERLAYS) {
            Map<String, Object> sts = named(dir, "StatefulSet", "coil-analytics");
            String serviceName = string(at(sts, "spec", "serviceName"));
            Map<String, Object> headless = named(dir, "Service", serviceName);
            assertThat(string(at(headless, "spec", "clusterIP"))).isEqualTo("None");
            assertThat((Object) at(headless, "spec", "publishNotReadyAddresses")).isEqualTo(true);
            Map<String, Object> c = containers(sts).get(0);
            Map<String, String> env = environment(dir, c);
            Map<String, String> raw = new LinkedHashMap<>();
            list(c.get("env")).forEach(v -> raw.put(string(map(v).get("name")), string(map(v).get("value"))));
            assertThat(raw.get("COILSIGHT_APPLICATION_SERVER")).isEqualTo("$(POD_NAME)." + serviceName + ".$(POD_NAMESPACE).svc:"
                    + Service.ANALYTICS.describe(env).get("COILSIGHT_HTTP_PORT"));
            assertThat(raw.get("COILSIGHT_GROUP_INSTANCE_ID")).isEqualTo("$(POD_NAME)");
            String stateDir = env.get("COILSIGHT_STATE_DIR");
            assertThat(list(c.get("volumeMounts"))).anySatisfy(m -> assertThat(map(m)).containsEntry("mountPath", stateDir));
            assertThat(list(at(sts, "spec", "volumeClaimTemplates"))).hasSize(1);
            Map<String, Object> hpa = named(dir, "HorizontalPodAutoscaler", "ingest-service");
            assertThat(string(at(hpa, "spec", "scaleTargetRef", "name"))).isEqualTo("ingest-service");
            assertThat(list(at(hpa, "spec", "metrics"))).anySatisfy(m -> assertThat(string(at(map(m), "resource", "name"))).isEqualTo("cpu"));
        }
    }

    @Test
    void topicsAreStrimziKafkaTopicsWithRoomForImages() {
        List<Map<String, Object>> topics = kind("topics", "KafkaTopic").toList();
        assertThat(partitions().keySet()).containsExactlyInAnyOrderElementsOf(Topics.all());
        for (Map<String, Object> t : topics) {
            assertThat(map(at(t, "metadata", "labels"))).containsKey("strimzi.io/cluster");
            String topic = string(at(t, "spec", "topicName"));
            Map<String, Object> config = map(at(t, "spec", "config"));
            if (List.of(Topics.IMAGES, Topics.DEFECTIVE_IMAGES, Topics.DLQ).contains(topic)) {
                assertThat(((Number) config.get("max.message.bytes")).longValue()).as("%s max.message.bytes", topic)
                        .isGreaterThanOrEqualTo(8L << 20);
            }
        }
        assertThat(map(at(named("topics", "KafkaTopic", "steel.coil-stats"), "spec", "config"))).containsEntry("cleanup.policy", "compact");
    }

    @Test
    void theTopicsTakeEveryRecordTheServicesMayWriteAndTheWorkersMayFetchAndSendWhatTheirTopicsHold() {
        // The broker's own default when a topic sets none (1 MiB + record batch overhead).
        long brokerDefault = 1048588;
        Map<String, Long> maxMessageBytes = new LinkedHashMap<>();
        kind("topics", "KafkaTopic").forEach(t -> {
            Object configured = map(at(t, "spec", "config")).get("max.message.bytes");
            maxMessageBytes.put(string(at(t, "spec", "topicName")), configured == null ? brokerDefault : ((Number) configured).longValue());
        });
        Map<Service, Map<String, String>> env = new LinkedHashMap<>();
        for (Map<String, Object> workload : workloads("base")) {
            env.put(service(workload), environment("base", containers(workload).get(0)));
        }
        // An image ingest accepts travels in ImageCaptured, DefectiveImage and dead letters: with its fields, under 64 KiB more.
        long largestImageRecord = Long.parseLong(env.get(Service.INGEST).get("COILSIGHT_MAX_IMAGE_BYTES")) + (64 << 10);
        for (String topic : List.of(Topics.IMAGES, Topics.DEFECTIVE_IMAGES, Topics.DLQ)) {
            assertThat(maxMessageBytes.get(topic)).as("%s max.message.bytes vs ingest's largest image record", topic)
                    .isGreaterThanOrEqualTo(largestImageRecord);
        }
        Map<Service, String> input = Map.of(Service.CLASSIFIER, Topics.IMAGES, Service.SEGMENTER, Topics.DEFECTIVE_IMAGES);
        Map<Service, String> imagesWritten = Map.of(Service.CLASSIFIER, Topics.DEFECTIVE_IMAGES, Service.SEGMENTER, Topics.DLQ);
        for (Service worker : input.keySet()) {
            Map<String, String> settings = env.get(worker);
            assertThat(Long.parseLong(settings.getOrDefault("COILSIGHT_KAFKA_MAX_PARTITION_FETCH_BYTES", "1048576")))
                    .as("%s fetches the largest record of %s", worker, input.get(worker)).isGreaterThanOrEqualTo(maxMessageBytes.get(input.get(worker)));
            assertThat(Long.parseLong(settings.getOrDefault("COILSIGHT_KAFKA_MAX_REQUEST_SIZE", "1048576")))
                    .as("%s may send the largest image record to %s (else it is dead-lettered TOO_LARGE)", worker, imagesWritten.get(worker))
                    .isGreaterThanOrEqualTo(largestImageRecord);
        }
    }

    @Test
    void streamsOwnTopicsAreReplicatedAsThePublicOnes() {
        Map<String, String> analytics = null;
        for (Map<String, Object> workload : workloads("base")) {
            if (service(workload) == Service.ANALYTICS) {
                analytics = environment("base", containers(workload).get(0));
            }
        }
        assertThat(analytics).isNotNull();
        for (Map<String, Object> topic : kind("topics", "KafkaTopic").toList()) {
            Map<String, Object> spec = map(at(topic, "spec"));
            assertThat(Integer.parseInt(analytics.getOrDefault("COILSIGHT_KAFKA_REPLICATION_FACTOR", "-1")))
                    .as("the changelogs' replication (broker default otherwise) against %s", string(at(topic, "spec", "topicName")))
                    .isEqualTo(((Number) spec.get("replicas")).intValue());
            Object minInsync = map(spec.get("config")).get("min.insync.replicas");
            assertThat(analytics.get("COILSIGHT_KAFKA_TOPIC_MIN_INSYNC_REPLICAS")).isEqualTo(String.valueOf(minInsync));
        }
    }

    @Test
    void aWorkerRestartedByItsCrashLoopBackOffKeepsItsPartitionsAndSoItsCrashJournal() {
        for (Map<String, Object> workload : workloads("base")) {
            Service service = service(workload);
            if (service != Service.CLASSIFIER && service != Service.SEGMENTER) {
                continue;
            }
            Map<String, String> settings = environment("base", containers(workload).get(0));
            // The kubelet waits 20 s before a third start; a minute more to start the JVM and load the model.
            assertThat(Long.parseLong(settings.getOrDefault("COILSIGHT_KAFKA_SESSION_TIMEOUT_MS", "45000")))
                    .as("%s's session as a static member", service).isGreaterThanOrEqualTo(80_000);
        }
    }

    @Test
    void everyKindOfQualityAlertHasAPrometheusRuleOnMetricsCoilAnalyticsExports() throws Exception {
        Map<String, Object> rule = named("monitoring", "PrometheusRule", "coilsight-quality");
        List<String> expressions = new ArrayList<>();
        for (Object group : list(at(rule, "spec", "groups"))) {
            for (Object r : list(map(group).get("rules"))) {
                expressions.add(string(map(r).get("expr")));
                assertThat(map(map(r).get("labels"))).containsKey("severity");
            }
        }
        for (dev.coilsight.schemas.AlertKind kind : dev.coilsight.schemas.AlertKind.values()) {
            assertThat(expressions).as("a rule for %s", kind).anyMatch(e -> e.contains("kind=\"" + kind + "\""));
        }
        assertThat(expressions).as("a counter's series appears at 1, where increase() sees no first event")
                .allSatisfy(e -> assertThat(e).doesNotContain("increase(").contains("timestamp_seconds"));
        Map<String, Object> plain = DeployFiles.loadMap(DeployFiles.root().resolve("deploy/prometheus/coilsight-rules.yml"));
        assertThat(plain.get("groups")).as("the rules for Prometheus without the Operator").isEqualTo(at(rule, "spec", "groups"));
        String sources = sources(DeployFiles.root(), List.of("coil-analytics"));
        for (String e : expressions) {
            Matcher m = Pattern.compile("\\b(coilsight_[a-z_]+?)(_total)?\\{").matcher(e);
            assertThat(m.find()).as(e).isTrue();
            String metric = m.group(1);
            assertThat(sources.contains("\"" + metric + "_total\"") || sources.contains("\"" + metric + "\""))
                    .as("coil-analytics registers %s", metric).isTrue();
        }
    }

    private static String sources(Path root, List<String> modules) throws IOException {
        StringBuilder sources = new StringBuilder();
        for (String module : modules) {
            Path main = root.resolve(module).resolve("src/main/java");
            if (Files.isDirectory(main)) {
                try (Stream<Path> files = Files.walk(main)) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                        sources.append(Files.readString(f));
                    }
                }
            }
        }
        return sources.toString();
    }

    @Test
    void theDashboardShowsOnlyMetricsTheServicesExport() throws Exception {
        Path root = DeployFiles.root();
        Map<String, Object> configMap = named("monitoring", "ConfigMap", "coilsight-grafana-dashboard");
        assertThat(map(at(configMap, "metadata", "labels"))).containsEntry("grafana_dashboard", "1");
        String json = string(map(configMap.get("data")).get("coilsight-dashboard.json"));
        assertThat(json).isEqualTo(Files.readString(root.resolve("k8s/monitoring/coilsight-dashboard.json")));
        @SuppressWarnings("unchecked")
        Map<String, Object> dashboard = (Map<String, Object>) DeployFiles.yaml().load(json);
        Set<String> used = new TreeSet<>();
        Matcher m = Pattern.compile("\\b(coilsight_[a-z_]+)").matcher(json);
        while (m.find()) {
            used.add(m.group(1).replaceAll("_(bucket|sum|count)$", ""));
        }
        assertThat(used).as("metrics on the dashboard").isNotEmpty();
        String sources = sources(root, List.of("ingest-service", "worker-runtime", "coil-analytics"));
        List<String> missing = new ArrayList<>();
        for (String metric : used) {
            if (!sources.contains("\"" + metric + "\"")) {
                missing.add(metric);
            }
        }
        assertThat(missing).as("dashboard metrics no service registers").isEmpty();
        assertThat(list(dashboard.get("panels"))).hasSizeGreaterThan(5);
        assertThat(kind("monitoring", "PodMonitor").map(KubernetesManifestsTest::name).toList())
                .containsExactlyInAnyOrder("ingest-service", "classifier-stream", "segmenter-stream", "coil-analytics");
    }
}
