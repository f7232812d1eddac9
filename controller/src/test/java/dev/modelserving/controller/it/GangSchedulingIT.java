package dev.modelserving.controller.it;

import static dev.modelserving.controller.it.ModelServingSupport.condition;
import static dev.modelserving.controller.it.ModelServingSupport.get;
import static dev.modelserving.controller.it.ModelServingSupport.modelServings;
import static dev.modelserving.controller.it.ModelServingSupport.pods;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.modelserving.api.v1alpha1.ModelServing;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * All-or-nothing placement with the real Volcano scheduler, against the default scheduler's partial
 * placement. Four nodes of this test alone (kwok, tainted for it), 8 GPUs each; a serving group is
 * 4 pods of 8 GPUs, so one group fits at a time, and one node is first held by a "blocker" pod, so
 * at first no group fits at all.
 */
class GangSchedulingIT {
  @RegisterExtension static final TestNamespace ns = new TestNamespace("gang");
  private static final String TEST_KEY = "modelserving.dev/gang-test";
  private static final int NODES = 4;
  private static final int GROUP_SIZE = 4;
  private static final List<String> nodes = new ArrayList<>();
  private static ControllerProcess controller;

  @BeforeAll
  static void nodesAndController() {
    if (!Volcano.running()) {
      return; // each test is skipped with the reason (a class-level skip shows none)
    }
    for (int i = 0; i < NODES; i++) {
      String name = ns.name() + "-node-" + i;
      Map<String, Quantity> capacity =
          Map.of(
              "cpu",
              new Quantity("64"),
              "memory",
              new Quantity("512Gi"),
              "pods",
              new Quantity("110"),
              "nvidia.com/gpu",
              new Quantity("8"));
      Node node =
          new NodeBuilder()
              .withNewMetadata()
              .withName(name)
              .addToAnnotations("kwok.x-k8s.io/node", "fake")
              .addToAnnotations("node.alpha.kubernetes.io/ttl", "0")
              .addToLabels("kubernetes.io/hostname", name)
              .addToLabels("type", "kwok")
              .addToLabels(TEST_KEY, ns.name())
              .endMetadata()
              .withNewSpec()
              .addNewTaint()
              .withKey(TEST_KEY)
              .withValue(ns.name())
              .withEffect("NoSchedule")
              .endTaint()
              .endSpec()
              .withNewStatus()
              .withCapacity(capacity)
              .withAllocatable(capacity)
              .endStatus()
              .build();
      LocalCluster.client().nodes().resource(node).create();
      nodes.add(name);
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(nodes)
                    .allSatisfy(
                        n ->
                            assertThat(
                                    LocalCluster.client()
                                        .nodes()
                                        .withName(n)
                                        .get()
                                        .getStatus()
                                        .getConditions())
                                .anySatisfy(
                                    c ->
                                        assertThat(c.getType() + "=" + c.getStatus())
                                            .isEqualTo("Ready=True"))));
    controller = ControllerProcess.start("GangSchedulingIT");
  }

  @AfterAll
  static void cleanUp() {
    if (controller != null) {
      controller.close();
    }
    for (String n : nodes) {
      LocalCluster.client().nodes().withName(n).delete();
    }
  }

  @BeforeEach
  void volcanoRuns() {
    Volcano.assumeRunning();
  }

  @AfterEach
  void emptyNamespace() {
    if (!Volcano.running()) {
      return;
    }
    modelServings().inNamespace(ns.name()).delete();
    LocalCluster.client()
        .resources(dev.modelserving.api.lws.v1.LeaderWorkerSet.class)
        .inNamespace(ns.name())
        .delete();
    LocalCluster.client().pods().inNamespace(ns.name()).withName("blocker").delete();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> LocalCluster.client().pods().inNamespace(ns.name()).list().getItems().isEmpty());
  }

  /** Pods of this test: 8 GPUs, only on this test's nodes ({@code node} pins one). */
  static String podSpec(String node) {
    return "{\"nodeSelector\": {\""
        + (node == null ? TEST_KEY + "\": \"" + ns.name() : "kubernetes.io/hostname\": \"" + node)
        + "\"},"
        + " \"tolerations\": [{\"key\": \""
        + TEST_KEY
        + "\", \"operator\": \"Exists\", \"effect\": \"NoSchedule\"}],"
        + " \"containers\": [{\"name\": \"c\", \"image\": \"registry.k8s.io/pause:3.10\","
        + " \"resources\": {\"requests\": {\"nvidia.com/gpu\": \"8\"}, \"limits\": {\"nvidia.com/gpu\": \"8\"}}}]}";
  }

  /** One serving group of an entry pod and 3 workers, 8 GPUs each, with gangPolicy. */
  static ModelServing group(String name, String scheduler) {
    String yaml =
        "apiVersion: workload.serving.volcano.sh/v1alpha1\nkind: ModelServing\nmetadata:\n  name: "
            + name
            + "\n"
            + "spec:\n  replicas: 1\n  schedulerName: "
            + scheduler
            + "\n  template:\n    gangPolicy: {}\n    roles:\n"
            + "    - name: r\n      replicas: 1\n      workerReplicas: "
            + (GROUP_SIZE - 1)
            + "\n"
            + "      entryTemplate:\n        spec: "
            + podSpec(null)
            + "\n"
            + "      workerTemplate:\n        spec: "
            + podSpec(null)
            + "\n";
    return LocalCluster.client().getKubernetesSerialization().unmarshal(yaml, ModelServing.class);
  }

  /** A default-scheduler pod holding all GPUs of the last node. */
  static void block() {
    String yaml =
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: blocker\nspec: "
            + podSpec(nodes.get(NODES - 1))
            + "\n";
    Pod pod = LocalCluster.client().getKubernetesSerialization().unmarshal(yaml, Pod.class);
    LocalCluster.client().pods().inNamespace(ns.name()).resource(pod).create();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        LocalCluster.client()
                            .pods()
                            .inNamespace(ns.name())
                            .withName("blocker")
                            .get()
                            .getSpec()
                            .getNodeName())
                    .isEqualTo(nodes.get(NODES - 1)));
  }

  static void unblock() {
    LocalCluster.client()
        .pods()
        .inNamespace(ns.name())
        .withName("blocker")
        .withGracePeriod(0)
        .delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                LocalCluster.client().pods().inNamespace(ns.name()).withName("blocker").get()
                    == null);
  }

  /** Pods bound to a node, per ModelServing name. */
  static Map<String, Long> bound(String... names) {
    Map<String, Long> out = new HashMap<>();
    for (String name : names) {
      out.put(
          name,
          pods(ns.name(), name).stream().filter(p -> p.getSpec().getNodeName() != null).count());
    }
    return out;
  }

  /**
   * Samples every 200 ms; records a group that stays partly bound (some pods on nodes, others not)
   * for longer than 2 s. Binding a whole group takes a few API calls, so an instant of partial
   * binding is no evidence; a partial group that lasts is.
   */
  static final class PartialPlacementWatch implements AutoCloseable {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final Map<String, Instant> partialSince = new HashMap<>();
    final List<String> lasting = Collections.synchronizedList(new ArrayList<>());

    PartialPlacementWatch(String... names) {
      timer.scheduleAtFixedRate(
          () -> {
            try {
              bound(names)
                  .forEach(
                      (name, n) -> {
                        ModelServing ms = get(ns.name(), name);
                        if (ms == null || ms.getMetadata().getDeletionTimestamp() != null) {
                          partialSince.remove(
                              name); // pods going away one by one are not a placement
                          return;
                        }
                        int existing = pods(ns.name(), name).size();
                        boolean partial = n > 0 && n < GROUP_SIZE || n > 0 && existing < GROUP_SIZE;
                        if (!partial) {
                          partialSince.remove(name);
                        } else {
                          Instant since = partialSince.computeIfAbsent(name, k -> Instant.now());
                          if (Duration.between(since, Instant.now()).toMillis() > 2_000) {
                            lasting.add(
                                name
                                    + ": "
                                    + n
                                    + " of "
                                    + GROUP_SIZE
                                    + " pods bound since "
                                    + since);
                          }
                        }
                      });
            } catch (RuntimeException e) {
              // a transient API error: the next sample tells
            }
          },
          0,
          200,
          TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
      timer.shutdownNow();
    }
  }

  static void hold(Duration d, Runnable check) {
    Instant until = Instant.now().plus(d);
    while (Instant.now().isBefore(until)) {
      check.run();
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Test
  void theDefaultSchedulerBindsPartOfAGroupThatDoesNotFit() {
    block();
    modelServings().inNamespace(ns.name()).resource(group("spread", "default-scheduler")).create();
    // 3 nodes are free: 3 pods of the group hold 24 GPUs while the fourth cannot be placed.
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(bound("spread")).containsEntry("spread", 3L));
    hold(
        Duration.ofSeconds(5),
        () -> {
          assertThat(pods(ns.name(), "spread")).hasSize(GROUP_SIZE);
          assertThat(bound("spread")).as("partial placement lasts").containsEntry("spread", 3L);
        });
    // gangPolicy without Volcano is said, not silently dropped.
    assertThat(condition(get(ns.name(), "spread"), "GangScheduling"))
        .hasValueSatisfying(
            c -> {
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getReason()).isEqualTo("SchedulerNotVolcano");
            });
  }

  @Test
  void volcanoBindsWholeGroupsOnlyAndStartsTheWaitingOneWhenCapacityFrees() {
    block();
    try (PartialPlacementWatch watch = new PartialPlacementWatch("a", "b")) {
      modelServings().inNamespace(ns.name()).resource(group("a", "volcano")).create();
      modelServings().inNamespace(ns.name()).resource(group("b", "volcano")).create();
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                assertThat(pods(ns.name(), "a")).hasSize(GROUP_SIZE);
                assertThat(pods(ns.name(), "b")).hasSize(GROUP_SIZE);
                assertThat(Volcano.podGroups(ns.name())).containsOnlyKeys("a-0", "b-0");
              });
      // 3 free nodes, 4 pods per group: neither group starts, no pod of either is placed.
      hold(
          Duration.ofSeconds(10),
          () -> assertThat(bound("a", "b")).containsEntry("a", 0L).containsEntry("b", 0L));

      unblock();
      // 4 free nodes: exactly one group starts, whole; the other keeps waiting, with no pod placed.
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> assertThat(bound("a", "b").values()).containsExactlyInAnyOrder(0L, 4L));
      Map<String, Long> now = bound("a", "b");
      String running = now.get("a") == 4L ? "a" : "b";
      String waiting = running.equals("a") ? "b" : "a";
      hold(
          Duration.ofSeconds(5),
          () -> assertThat(bound("a", "b")).containsEntry(running, 4L).containsEntry(waiting, 0L));

      // The running group goes: the waiting one starts, whole.
      modelServings().inNamespace(ns.name()).withName(running).delete();
      await()
          .atMost(Duration.ofSeconds(90))
          .untilAsserted(() -> assertThat(bound(waiting)).containsEntry(waiting, 4L));
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(condition(get(ns.name(), waiting), "Available"))
                      .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True")));
      assertThat(watch.lasting).as("groups that stayed partly bound under Volcano").isEmpty();
    }
  }

  @Test
  void volcanoHoldsALeaderWorkerSetGroupUntilItFitsWhole() {
    block();
    String yaml =
        "apiVersion: leaderworkerset.x-k8s.io/v1\nkind: LeaderWorkerSet\nmetadata:\n  name: big\n"
            + "spec:\n  replicas: 1\n  leaderWorkerTemplate:\n    size: "
            + GROUP_SIZE
            + "\n    workerTemplate:\n      spec: "
            + podSpec(null)
                .replace("{\"nodeSelector\"", "{\"schedulerName\": \"volcano\", \"nodeSelector\"")
            + "\n";
    Lws.lwss().inNamespace(ns.name()).resource(Lws.fromYaml(yaml)).create();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(Lws.pods(ns.name(), "big")).hasSize(GROUP_SIZE);
              assertThat(Volcano.podGroups(ns.name())).hasSize(1);
            });
    hold(
        Duration.ofSeconds(8),
        () ->
            assertThat(Lws.pods(ns.name(), "big").values())
                .allSatisfy(p -> assertThat(p.getSpec().getNodeName()).isNull()));
    unblock();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(Lws.pods(ns.name(), "big").values())
                    .hasSize(GROUP_SIZE)
                    .allSatisfy(p -> assertThat(p.getSpec().getNodeName()).isNotNull()));
    Lws.awaitReady(ns.name(), "big", 1, GROUP_SIZE);
  }
}
