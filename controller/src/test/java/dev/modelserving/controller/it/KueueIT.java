package dev.modelserving.controller.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.lws.v1.LwsKeys;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSchedulingGate;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real Kueue (hack/components/kueue.sh, v0.17.0, LeaderWorkerSet integration) queues our
 * LeaderWorkerSets group by group, with the controller unchanged: a ClusterQueue with 16 GPUs and
 * groups of 2 pods x 4 GPUs (8 GPUs a group) admit exactly two groups; the others wait with gated
 * pods and say so in the LWS status; deleting an LWS admits a waiting group; rolling updates and
 * scaling keep to the quota. Skipped when the kueue component does not run ({@code
 * hack/local-cluster.sh up --with kueue}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KueueIT {
  @RegisterExtension static final TestNamespace ns = new TestNamespace("kueue");
  private static final String KUEUE_API = "kueue.x-k8s.io/v1beta2";
  private static final String LOCAL_QUEUE = "gpus";
  private static final int GPUS_PER_POD = 4;
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static ControllerProcess controller;
  private static String clusterQueue;

  private static final String NO_KUEUE =
      "Kueue does not run in the local cluster: start it with `hack/local-cluster.sh up --with kueue` (make test does)";

  @BeforeAll
  static void setUp() {
    if (!LocalCluster.hasComponent("kueue")) {
      return; // each test is skipped with NO_KUEUE (a class-level skip would not show the message)
    }
    controller = ControllerProcess.start("KueueIT");
    clusterQueue = "it-" + ns.name();
    apply(
        "apiVersion: "
            + KUEUE_API
            + "\nkind: ResourceFlavor\nmetadata:\n  name: "
            + clusterQueue
            + "\n");
    apply(
        "apiVersion: "
            + KUEUE_API
            + "\nkind: ClusterQueue\nmetadata:\n  name: "
            + clusterQueue
            + "\nspec:\n"
            + "  namespaceSelector: {}\n  resourceGroups:\n  - coveredResources: [nvidia.com/gpu]\n    flavors:\n"
            + "    - name: "
            + clusterQueue
            + "\n      resources:\n      - name: nvidia.com/gpu\n        nominalQuota: 16\n");
    apply(
        "apiVersion: "
            + KUEUE_API
            + "\nkind: LocalQueue\nmetadata:\n  name: "
            + LOCAL_QUEUE
            + "\n  namespace: "
            + ns.name()
            + "\nspec:\n  clusterQueue: "
            + clusterQueue
            + "\n");
  }

  @BeforeEach
  void requireKueue() {
    assumeTrue(controller != null, NO_KUEUE);
  }

  @AfterAll
  static void tearDown() {
    if (controller != null) {
      controller.close();
    }
    if (clusterQueue != null) {
      client()
          .genericKubernetesResources(KUEUE_API, "ClusterQueue")
          .withName(clusterQueue)
          .delete();
      client()
          .genericKubernetesResources(KUEUE_API, "ResourceFlavor")
          .withName(clusterQueue)
          .delete();
    }
  }

  @Test
  @Order(1)
  void quotaAdmitsExactlyTheGroupsThatFitAndTheRestWaitGated() {
    create(queued("first", 3, false));

    // Kueue makes one Workload per group, owned by the LWS; two fit into 16 GPUs.
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              assertThat(workloads("first")).hasSize(3);
              assertThat(admitted("first")).hasSize(2);
              assertThat(runningGroups("first")).hasSize(2);
              assertThat(status("first").getReadyReplicas()).isEqualTo(2);
            });
    Set<Integer> running = runningGroups("first");
    int waiting =
        Set.of(0, 1, 2).stream().filter(g -> !running.contains(g)).findFirst().orElseThrow();

    // The third group does not run: its pods exist, gated by Kueue, on no node; and it stays so.
    Instant until = Instant.now().plusSeconds(5);
    while (Instant.now().isBefore(until)) {
      for (Pod pod : groupPods("first", waiting)) {
        assertThat(gates(pod))
            .as("gates of %s", pod.getMetadata().getName())
            .contains(LwsKeys.Kueue.ADMISSION_GATE);
        assertThat(pod.getSpec().getNodeName())
            .as("node of gated pod %s", pod.getMetadata().getName())
            .isNull();
      }
      assertThat(groupPods("first", waiting)).hasSize(2);
      assertThat(admitted("first")).hasSize(2);
      sleep(500);
    }

    // The status counts it as not ready and says why.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              LeaderWorkerSet lws = Lws.get(ns.name(), "first");
              assertThat(status("first").getReplicas()).isEqualTo(3);
              assertThat(status("first").getReadyReplicas()).isEqualTo(2);
              assertThat(Lws.condition(lws, "Available").map(c -> c.getStatus()))
                  .as("Available")
                  .isNotEqualTo(java.util.Optional.of("True"));
              assertThat(Lws.condition(lws, "Progressing"))
                  .hasValueSatisfying(
                      c -> {
                        assertThat(c.getStatus()).isEqualTo("True");
                        assertThat(c.getMessage())
                            .contains("first-" + waiting)
                            .contains("held by scheduling gate")
                            .contains(LwsKeys.Kueue.ADMISSION_GATE);
                      });
            });
  }

  @Test
  @Order(2)
  void kueuesTemplateAnnotationsReachThePodsAndEachGroupIsOneWorkload() {
    LeaderWorkerSet lws = Lws.get(ns.name(), "first");
    Map<String, String> template =
        lws.getSpec().getLeaderWorkerTemplate().getWorkerTemplate().getMetadata().getAnnotations();
    assertThat(template)
        .as("annotations Kueue's LWS webhook put on the worker template")
        .containsEntry(
            LwsKeys.Kueue.POD_SUSPENDING_PARENT, "leaderworkerset.x-k8s.io/leaderworkerset")
        .containsEntry(LwsKeys.Kueue.POD_GROUP_SERVING, "true");
    Map<String, GenericKubernetesResource> workloads = workloads("first");
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              for (int g = 0; g < 3; g++) {
                List<Pod> pods = groupPods("first", g);
                assertThat(pods).hasSize(2);
                Set<String> groupNames = new TreeSet<>();
                for (Pod pod : pods) {
                  assertThat(pod.getMetadata().getAnnotations())
                      .containsEntry(
                          LwsKeys.Kueue.POD_SUSPENDING_PARENT,
                          "leaderworkerset.x-k8s.io/leaderworkerset")
                      .containsEntry(LwsKeys.Kueue.POD_GROUP_SERVING, "true")
                      .containsEntry(LwsKeys.Kueue.POD_GROUP_TOTAL_COUNT, "2")
                      .containsEntry(LwsKeys.Kueue.ROLE_HASH, "main");
                  assertThat(pod.getMetadata().getLabels())
                      .containsEntry(LwsKeys.Kueue.QUEUE_NAME, LOCAL_QUEUE)
                      .containsEntry(LwsKeys.Kueue.MANAGED, "true");
                  groupNames.add(pod.getMetadata().getLabels().get(LwsKeys.Kueue.POD_GROUP_NAME));
                }
                assertThat(groupNames).as("pod group of group %d", g).hasSize(1);
                assertThat(workloads).containsKey(groupNames.iterator().next());
              }
            });
    for (GenericKubernetesResource wl : workloads.values()) {
      assertThat(wl.getMetadata().getOwnerReferences())
          .extracting(OwnerReference::getKind, OwnerReference::getName)
          .contains(org.assertj.core.groups.Tuple.tuple("LeaderWorkerSet", "first"));
    }
  }

  @Test
  @Order(3)
  void aGroupBeyondQuotaWaitsUntilAnotherLwsIsDeleted() {
    create(queued("second", 1, true));
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              assertThat(workloads("second")).hasSize(1);
              List<Pod> pods = groupPods("second", 0);
              assertThat(pods).hasSize(2);
              assertThat(pods)
                  .allSatisfy(p -> assertThat(gates(p)).contains(LwsKeys.Kueue.ADMISSION_GATE));
              // With a leader template the Workload has a leader and a worker pod set.
              assertThat(pods)
                  .extracting(p -> p.getMetadata().getAnnotations().get(LwsKeys.Kueue.ROLE_HASH))
                  .containsExactlyInAnyOrder("leader", "worker");
              LeaderWorkerSet lws = Lws.get(ns.name(), "second");
              assertThat(status("second").getReadyReplicas()).isZero();
              assertThat(Lws.condition(lws, "Progressing"))
                  .hasValueSatisfying(
                      c -> assertThat(c.getMessage()).contains(LwsKeys.Kueue.ADMISSION_GATE));
            });
    assertThat(admitted("second")).isEmpty();

    Lws.lwss().inNamespace(ns.name()).withName("first").delete();
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              assertThat(admitted("second")).hasSize(1);
              assertThat(groupPods("second", 0)).allSatisfy(p -> assertThat(gates(p)).isEmpty());
            });
    Lws.awaitReady(ns.name(), "second", 1, 2);
  }

  @Test
  @Order(4)
  void aRollingUpdateOfAQueuedLwsKeepsItsAdmission() {
    // Kueue refuses changes to the pods' resource shape of a queued LWS, not an image change.
    String image = "registry.k8s.io/pause:3.9";
    Edits.edit(
        Lws.lwss().inNamespace(ns.name()).withName("second"),
        l -> {
          l.getSpec()
              .getLeaderWorkerTemplate()
              .getLeaderTemplate()
              .getSpec()
              .getContainers()
              .get(0)
              .setImage(image);
          l.getSpec()
              .getLeaderWorkerTemplate()
              .getWorkerTemplate()
              .getSpec()
              .getContainers()
              .get(0)
              .setImage(image);
          return l;
        });
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              List<Pod> pods = groupPods("second", 0);
              assertThat(pods)
                  .hasSize(2)
                  .allSatisfy(
                      p -> {
                        assertThat(p.getSpec().getContainers().get(0).getImage()).isEqualTo(image);
                        assertThat(gates(p)).isEmpty();
                        assertThat(ModelServingLifecycleIT.isReady(p)).isTrue();
                      });
            });
    Lws.awaitReady(ns.name(), "second", 1, 2);
    assertThat(admitted("second")).hasSize(1);
  }

  @Test
  @Order(5)
  void scalingAQueuedLwsAdmitsNewGroupsWithinQuota() {
    Kubectl.run("scale", "lws", "second", "-n", ns.name(), "--replicas=3");
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              assertThat(workloads("second")).hasSize(3);
              assertThat(admitted("second")).hasSize(2);
              assertThat(runningGroups("second")).hasSize(2).contains(0);
              LeaderWorkerSet lws = Lws.get(ns.name(), "second");
              assertThat(status("second").getReadyReplicas()).isEqualTo(2);
              assertThat(Lws.condition(lws, "Progressing"))
                  .hasValueSatisfying(
                      c -> assertThat(c.getMessage()).contains(LwsKeys.Kueue.ADMISSION_GATE));
            });
    Set<Integer> running = runningGroups("second");
    int waiting = Set.of(1, 2).stream().filter(g -> !running.contains(g)).findFirst().orElseThrow();
    assertThat(groupPods("second", waiting))
        .hasSize(2)
        .allSatisfy(p -> assertThat(gates(p)).contains(LwsKeys.Kueue.ADMISSION_GATE));

    Kubectl.run("scale", "lws", "second", "-n", ns.name(), "--replicas=1");
    await()
        .atMost(WAIT)
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> assertThat(workloads("second")).hasSize(1));
    Lws.awaitReady(ns.name(), "second", 1, 2);
    assertThat(admitted("second")).hasSize(1);
  }

  @Test
  @Order(6)
  void aQueuedLwsWithoutRolloutStrategyIsRefusedByTheApiServerWithTheField() {
    LeaderWorkerSet lws = queued("no-rollout", 1, false);
    lws.getSpec().setRolloutStrategy(null);
    assertThatThrownBy(() -> create(lws))
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.rolloutStrategy.type: Unsupported value: \"\"");
    assertThat(Lws.get(ns.name(), "no-rollout")).isNull();
  }

  @Test
  @Order(7)
  void anLwsWithoutAQueueIsLeftAlone() {
    create(Lws.simple("free", 1, 2, "", ""));
    Lws.awaitReady(ns.name(), "free", 1, 2);
    for (Pod pod : Lws.pods(ns.name(), "free").values()) {
      assertThat(pod.getMetadata().getLabels().keySet())
          .noneMatch(k -> k.startsWith("kueue.x-k8s.io/"));
      assertThat(pod.getMetadata().getAnnotations().keySet())
          .noneMatch(k -> k.startsWith("kueue.x-k8s.io/"));
    }
    assertThat(workloads("free")).isEmpty();
  }

  // ---- helpers ----

  /**
   * An LWS in the local queue: groups of 2 pods with 4 GPUs each, optionally with a leader
   * template.
   */
  private static LeaderWorkerSet queued(String name, int replicas, boolean leaderTemplate) {
    String podSpec =
        "      spec:\n        containers:\n        - name: c\n          image: registry.k8s.io/pause:3.10\n"
            + "          resources:\n            requests: {nvidia.com/gpu: \""
            + GPUS_PER_POD
            + "\"}\n"
            + "            limits: {nvidia.com/gpu: \""
            + GPUS_PER_POD
            + "\"}\n";
    return Lws.fromYaml(
        "apiVersion: leaderworkerset.x-k8s.io/v1\nkind: LeaderWorkerSet\nmetadata:\n  name: "
            + name
            + "\n"
            + "  labels:\n    "
            + LwsKeys.Kueue.QUEUE_NAME
            + ": "
            + LOCAL_QUEUE
            + "\n"
            // Kueue's LWS webhook re-encodes the LWS with LWS v0.8 Go types: without a
            // rolloutStrategy it
            // adds rolloutStrategy.type "" (see the next test); with one, the CRD defaults the type
            // first.
            + "spec:\n  replicas: "
            + replicas
            + "\n  rolloutStrategy: {}\n  leaderWorkerTemplate:\n    size: 2\n"
            + (leaderTemplate ? "    leaderTemplate:\n" + podSpec : "")
            + "    workerTemplate:\n"
            + podSpec);
  }

  /**
   * The LWS's status; an assertion error (retried by await) while the controller has not written
   * one.
   */
  private static dev.modelserving.api.lws.v1.LeaderWorkerSetStatus status(String lws) {
    LeaderWorkerSet live = Lws.get(ns.name(), lws);
    assertThat(live).as("LWS %s", lws).isNotNull();
    assertThat(live.getStatus()).as("status of LWS %s", lws).isNotNull();
    return live.getStatus();
  }

  private static void create(LeaderWorkerSet lws) {
    Lws.lwss().inNamespace(ns.name()).resource(lws).create();
  }

  private static KubernetesClient client() {
    return LocalCluster.client();
  }

  private static void apply(String yaml) {
    client().resource(yaml).create();
  }

  /** The LWS's Workloads by name (Kueue owns them to the LWS). */
  private static Map<String, GenericKubernetesResource> workloads(String lws) {
    return client()
        .genericKubernetesResources(KUEUE_API, "Workload")
        .inNamespace(ns.name())
        .list()
        .getItems()
        .stream()
        .filter(
            w ->
                w.getMetadata().getOwnerReferences() != null
                    && w.getMetadata().getOwnerReferences().stream()
                        .anyMatch(
                            o -> "LeaderWorkerSet".equals(o.getKind()) && lws.equals(o.getName())))
        .collect(
            Collectors.toMap(w -> w.getMetadata().getName(), w -> w, (a, b) -> a, TreeMap::new));
  }

  /** Names of the LWS's Workloads with condition Admitted=True. */
  private static Set<String> admitted(String lws) {
    Set<String> names = new TreeSet<>();
    workloads(lws)
        .forEach(
            (name, wl) -> {
              Object status = wl.getAdditionalProperties().get("status");
              if (status instanceof Map<?, ?> s
                  && s.get("conditions") instanceof List<?> conditions
                  && conditions.stream()
                      .anyMatch(
                          c ->
                              c instanceof Map<?, ?> m
                                  && "Admitted".equals(m.get("type"))
                                  && "True".equals(m.get("status")))) {
                names.add(name);
              }
            });
    return names;
  }

  private static List<Pod> groupPods(String lws, int group) {
    return Lws.pods(ns.name(), lws).values().stream()
        .filter(
            p ->
                String.valueOf(group)
                    .equals(p.getMetadata().getLabels().get(LwsKeys.Labels.GROUP_INDEX)))
        .toList();
  }

  /** Groups whose two pods are on a node, Running and Ready. */
  private static Set<Integer> runningGroups(String lws) {
    Set<Integer> groups = new TreeSet<>();
    for (int g = 0; g < 10; g++) {
      List<Pod> pods = groupPods(lws, g);
      if (pods.size() == 2
          && pods.stream()
              .allMatch(
                  p -> p.getSpec().getNodeName() != null && ModelServingLifecycleIT.isReady(p))) {
        groups.add(g);
      }
    }
    return groups;
  }

  private static List<String> gates(Pod pod) {
    return pod.getSpec().getSchedulingGates() == null
        ? List.of()
        : pod.getSpec().getSchedulingGates().stream().map(PodSchedulingGate::getName).toList();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
