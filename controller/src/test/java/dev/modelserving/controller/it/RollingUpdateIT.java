package dev.modelserving.controller.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.modelserving.api.v1alpha1.ModelServing;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A template change is rolled out, not ignored: groups are replaced one at a time (maxUnavailable
 * 1), the highest ordinal first, groups below the partition keep their pods, and the status says
 * so. (The full rollout semantics, surge and revisions, are a later step.)
 */
class RollingUpdateIT {
  @RegisterExtension static final TestNamespace ns = new TestNamespace("rolling");
  private static ControllerProcess controller;

  @BeforeAll
  static void startController() {
    controller = ControllerProcess.start("RollingUpdateIT");
  }

  @AfterAll
  static void stopController() {
    if (controller != null) {
      controller.close();
    }
  }

  /**
   * Follows every pod event of a ModelServing (polling would miss kwok's millisecond transitions)
   * and records the most groups unavailable at once and the order in which groups lost a pod.
   */
  static final class RolloutRecorder implements io.fabric8.kubernetes.client.Watcher<Pod> {
    private final String ms;
    private final int groups;
    private final int size;
    private final Map<String, Boolean> ready = new TreeMap<>();
    final List<Integer> order = Collections.synchronizedList(new ArrayList<>());
    final Set<String> seen = Collections.synchronizedSet(new TreeSet<>());
    volatile int worst;

    RolloutRecorder(String ms, int groups, int size) {
      this.ms = ms;
      this.groups = groups;
      this.size = size;
    }

    @Override
    public synchronized void eventReceived(Action action, Pod pod) {
      String name = pod.getMetadata().getName();
      seen.add(name);
      boolean gone = action == Action.DELETED || pod.getMetadata().getDeletionTimestamp() != null;
      if (gone) {
        ready.remove(name);
        int g = Integer.parseInt(name.substring(ms.length() + 1).split("-")[0]);
        if (!order.contains(g)) {
          order.add(g);
        }
      } else {
        ready.put(name, ModelServingLifecycleIT.isReady(pod));
      }
      // Availability as the strategy counts it: ready groups, surge groups included, against
      // replicas.
      int readyGroups = 0;
      for (int g = 0; g < groups + 8; g++) {
        String prefix = ms + "-" + g + "-";
        long up =
            ready.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix) && e.getValue())
                .count();
        if (up >= size) {
          readyGroups++;
        }
      }
      worst = Math.max(worst, Math.max(0, groups - readyGroups));
    }

    @Override
    public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {}
  }

  @Test
  void aTemplateChangeRollsGroupsOneAtATimeHighestFirstAndKeepsThePartition() throws Exception {
    ModelServing ms =
        ModelServingYaml.of(
            "roll",
            4,
            "  rolloutStrategy:\n    type: ServingGroupRollingUpdate\n    rollingUpdateConfiguration:\n      maxUnavailable: 1\n      partition: 1",
            ModelServingYaml.role("r", 1, 1));
    ModelServingSupport.modelServings().inNamespace(ns.name()).resource(ms).create();
    ModelServingSupport.awaitAvailable(
        ns.name(), "roll", 4, ModelServingSupport.expectedPodNames(ms));
    Map<String, String> before = ModelServingSupport.podUids(ns.name(), "roll");

    RolloutRecorder recorder = new RolloutRecorder("roll", 4, 2);
    // Start from the current pods (all Ready), then follow changes.
    ModelServingSupport.pods(ns.name(), "roll")
        .forEach(p -> recorder.eventReceived(io.fabric8.kubernetes.client.Watcher.Action.ADDED, p));
    recorder.worst = 0;
    var pods =
        LocalCluster.client()
            .pods()
            .inNamespace(ns.name())
            .withLabel("modelserving.volcano.sh/name", "roll");
    io.fabric8.kubernetes.client.Watch watch =
        pods.watch(
            new io.fabric8.kubernetes.api.model.ListOptionsBuilder()
                .withResourceVersion(pods.list().getMetadata().getResourceVersion())
                .build(),
            recorder);
    Edits.edit(
        ModelServingSupport.modelServings().inNamespace(ns.name()).withName("roll"),
        m -> {
          m.getSpec()
              .getTemplate()
              .getRoles()
              .get(0)
              .getEntryTemplate()
              .getSpec()
              .getContainers()
              .get(0)
              .setEnv(List.of(new EnvVar("MODEL_VERSION", "2", null)));
          return m;
        });
    try {
      await()
          .atMost(Duration.ofSeconds(90))
          .untilAsserted(
              () -> {
                ModelServing live = ModelServingSupport.get(ns.name(), "roll");
                assertThat(live.getStatus().getUpdatedReplicas()).isEqualTo(3);
                assertThat(ModelServingSupport.condition(live, "UpdateInProgress"))
                    .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("False"));
                assertThat(ModelServingSupport.condition(live, "Available"))
                    .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
                assertThat(live.getStatus().getAvailableReplicas()).isEqualTo(4);
              });
    } finally {
      watch.close();
    }
    Map<String, String> after = ModelServingSupport.podUids(ns.name(), "roll");
    assertThat(after.get("roll-0-r-0-0"))
        .as("group 0 is below the partition")
        .isEqualTo(before.get("roll-0-r-0-0"));
    for (int g = 1; g < 4; g++) {
      assertThat(after.get("roll-" + g + "-r-0-0"))
          .as("group %d replaced", g)
          .isNotEqualTo(before.get("roll-" + g + "-r-0-0"));
    }
    assertThat(recorder.worst).as("most serving groups unavailable at once").isEqualTo(1);
    assertThat(recorder.order).as("order in which groups were replaced").containsExactly(3, 2, 1);
  }

  /** Creates the ModelServing, waits for it, changes the entry template and records the rollout. */
  private static RolloutRecorder rollOut(
      String name,
      int groups,
      String strategyYaml,
      java.util.function.Consumer<ModelServing> whileRolling)
      throws Exception {
    ModelServing ms =
        ModelServingYaml.of(name, groups, strategyYaml, ModelServingYaml.role("r", 1, 1));
    ModelServingSupport.modelServings().inNamespace(ns.name()).resource(ms).create();
    ModelServingSupport.awaitAvailable(
        ns.name(), name, groups, ModelServingSupport.expectedPodNames(ms));
    RolloutRecorder recorder = new RolloutRecorder(name, groups, 2);
    ModelServingSupport.pods(ns.name(), name)
        .forEach(p -> recorder.eventReceived(io.fabric8.kubernetes.client.Watcher.Action.ADDED, p));
    recorder.worst = 0;
    var pods =
        LocalCluster.client()
            .pods()
            .inNamespace(ns.name())
            .withLabel("modelserving.volcano.sh/name", name);
    try (var watch =
        pods.watch(
            new io.fabric8.kubernetes.api.model.ListOptionsBuilder()
                .withResourceVersion(pods.list().getMetadata().getResourceVersion())
                .build(),
            recorder)) {
      Edits.edit(
          ModelServingSupport.modelServings().inNamespace(ns.name()).withName(name),
          m -> {
            m.getSpec()
                .getTemplate()
                .getRoles()
                .get(0)
                .getEntryTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .setEnv(List.of(new EnvVar("MODEL_VERSION", "2", null)));
            return m;
          });
      whileRolling.accept(ms);
      await()
          .atMost(Duration.ofSeconds(120))
          .untilAsserted(
              () -> {
                ModelServing live = ModelServingSupport.get(ns.name(), name);
                assertThat(live.getStatus().getUpdatedReplicas()).isEqualTo(groups);
                assertThat(live.getStatus().getAvailableReplicas()).isEqualTo(groups);
                assertThat(live.getStatus().getReplicas()).isEqualTo(groups);
                assertThat(ModelServingSupport.condition(live, "UpdateInProgress"))
                    .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("False"));
                assertThat(ModelServingSupport.podNames(ns.name(), name))
                    .as("no surge group left")
                    .isEqualTo(ModelServingSupport.expectedPodNames(ms));
              });
    }
    return recorder;
  }

  @Test
  void withMaxUnavailable2AndMaxSurge1AtMostTwoGroupsAreDownAndTheSurgeGroupGoesAway()
      throws Exception {
    RolloutRecorder recorder =
        rollOut(
            "surge",
            4,
            "  rolloutStrategy:\n    type: ServingGroupRollingUpdate\n    rollingUpdateConfiguration:\n      maxUnavailable: 2\n      maxSurge: 1",
            ms -> {});
    assertThat(recorder.seen)
        .as("the surge group existed during the rollout")
        .contains("surge-4-r-0-0", "surge-4-r-0-1");
    assertThat(recorder.worst)
        .as("most serving groups unavailable at once (replicas minus ready groups)")
        .isLessThanOrEqualTo(2);
    assertThat(recorder.order)
        .as("groups replaced, highest first; the surge group goes last")
        .startsWith(3, 2)
        .containsSubsequence(1, 0, 4);
    assertThat(ModelServingSupport.get(ns.name(), "surge").getStatus().getCurrentRevision())
        .isEqualTo(ModelServingSupport.get(ns.name(), "surge").getStatus().getUpdateRevision());
  }

  @org.junit.jupiter.params.ParameterizedTest(
      name = "replicas 4, maxUnavailable {1}, maxSurge {2}, partition {3}")
  @org.junit.jupiter.params.provider.CsvSource({
    "ms-mu1, 1, 0, 0",
    "ms-mu2-ms1, 2, 1, 0",
    "ms-part2, 1, 0, 2"
  })
  void servingGroupRolloutsKeepTheirBudgetOrderAndPartition(
      String name, int maxUnavailable, int maxSurge, int partition) throws Exception {
    ModelServing ms =
        ModelServingYaml.of(
            name,
            4,
            "  rolloutStrategy:\n    type: ServingGroupRollingUpdate\n    rollingUpdateConfiguration:\n"
                + "      maxUnavailable: "
                + maxUnavailable
                + "\n      maxSurge: "
                + maxSurge
                + "\n      partition: "
                + partition,
            ModelServingYaml.role("r", 1, 1));
    ModelServingSupport.modelServings().inNamespace(ns.name()).resource(ms).create();
    ModelServingSupport.awaitAvailable(
        ns.name(), name, 4, ModelServingSupport.expectedPodNames(ms));
    Map<String, String> before = ModelServingSupport.podUids(ns.name(), name);
    RolloutRecorder recorder = new RolloutRecorder(name, 4, 2);
    ModelServingSupport.pods(ns.name(), name)
        .forEach(p -> recorder.eventReceived(io.fabric8.kubernetes.client.Watcher.Action.ADDED, p));
    recorder.worst = 0;
    List<String> middle = Collections.synchronizedList(new ArrayList<>());
    var pods =
        LocalCluster.client()
            .pods()
            .inNamespace(ns.name())
            .withLabel("modelserving.volcano.sh/name", name);
    var resource = ModelServingSupport.modelServings().inNamespace(ns.name()).withName(name);
    try (var watch =
            pods.watch(
                new io.fabric8.kubernetes.api.model.ListOptionsBuilder()
                    .withResourceVersion(pods.list().getMetadata().getResourceVersion())
                    .build(),
                recorder);
        var statusWatch =
            resource.watch(
                new io.fabric8.kubernetes.client.Watcher<ModelServing>() {
                  @Override
                  public void eventReceived(Action action, ModelServing live) {
                    var update = ModelServingSupport.condition(live, "UpdateInProgress");
                    if (update.isPresent() && "True".equals(update.get().getStatus())) {
                      middle.add(
                          live.getStatus().getUpdatedReplicas()
                              + "/"
                              + live.getStatus().getReplicas());
                    }
                  }

                  @Override
                  public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {}
                })) {
      setEnv(resource, List.of(new EnvVar("MODEL_VERSION", "2", null)));
      await()
          .atMost(Duration.ofSeconds(120))
          .untilAsserted(
              () -> {
                ModelServing live = ModelServingSupport.get(ns.name(), name);
                assertThat(live.getStatus().getUpdatedReplicas()).isEqualTo(4 - partition);
                assertThat(live.getStatus().getAvailableReplicas()).isEqualTo(4);
                assertThat(ModelServingSupport.condition(live, "UpdateInProgress"))
                    .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("False"));
                assertThat(ModelServingSupport.condition(live, "Available"))
                    .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
                assertThat(ModelServingSupport.podNames(ns.name(), name))
                    .as("no surge group left")
                    .isEqualTo(ModelServingSupport.expectedPodNames(ms));
              });
    }
    Map<String, String> after = ModelServingSupport.podUids(ns.name(), name);
    for (int g = 0; g < 4; g++) {
      String entry = name + "-" + g + "-r-0-0";
      if (g < partition) {
        assertThat(after.get(entry))
            .as("group %d below the partition", g)
            .isEqualTo(before.get(entry));
      } else {
        assertThat(after.get(entry)).as("group %d replaced", g).isNotEqualTo(before.get(entry));
      }
    }
    assertThat(recorder.worst)
        .as("most groups unavailable at once")
        .isLessThanOrEqualTo(maxUnavailable);
    assertThat(recorder.order.stream().filter(g -> g < 4).toList())
        .as("highest ordinal first")
        .isSortedAccordingTo(Collections.reverseOrder());
    assertThat(middle)
        .as("UpdateInProgress=True with fewer groups updated, mid-rollout")
        .isNotEmpty();
  }

  @Test
  void roleRollingUpdateKeepsEachRolesBudget() throws Exception {
    String name = "role-budget";
    ModelServing ms =
        ModelServingYaml.of(
            name,
            1,
            "  rolloutStrategy:\n    type: RoleRollingUpdate",
            ModelServingYaml.role("r", 4, 1));
    ModelServingSupport.modelServings().inNamespace(ns.name()).resource(ms).create();
    ModelServingSupport.awaitAvailable(
        ns.name(), name, 1, ModelServingSupport.expectedPodNames(ms));
    Map<String, Boolean> ready = new java.util.concurrent.ConcurrentHashMap<>();
    ModelServingSupport.pods(ns.name(), name)
        .forEach(p -> ready.put(p.getMetadata().getName(), ModelServingLifecycleIT.isReady(p)));
    int[] worst = {0};
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    var pods =
        LocalCluster.client()
            .pods()
            .inNamespace(ns.name())
            .withLabel("modelserving.volcano.sh/name", name);
    try (var watch =
        pods.watch(
            new io.fabric8.kubernetes.api.model.ListOptionsBuilder()
                .withResourceVersion(pods.list().getMetadata().getResourceVersion())
                .build(),
            new io.fabric8.kubernetes.client.Watcher<Pod>() {
              @Override
              public synchronized void eventReceived(Action action, Pod pod) {
                String roleId =
                    pod.getMetadata().getLabels().get("modelserving.volcano.sh/role-id");
                if (action == Action.DELETED || pod.getMetadata().getDeletionTimestamp() != null) {
                  ready.remove(pod.getMetadata().getName());
                  if (!order.contains(roleId)) {
                    order.add(roleId);
                  }
                } else {
                  ready.put(pod.getMetadata().getName(), ModelServingLifecycleIT.isReady(pod));
                }
                int down = 0;
                for (int r = 0; r < 4; r++) {
                  String prefix = name + "-0-r-" + r + "-";
                  long up =
                      ready.entrySet().stream()
                          .filter(e -> e.getKey().startsWith(prefix) && e.getValue())
                          .count();
                  down += up < 2 ? 1 : 0;
                }
                worst[0] = Math.max(worst[0], down);
              }

              @Override
              public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {}
            })) {
      setEnv(
          ModelServingSupport.modelServings().inNamespace(ns.name()).withName(name),
          List.of(new EnvVar("MODEL_VERSION", "2", null)));
      await()
          .atMost(Duration.ofSeconds(120))
          .untilAsserted(
              () -> {
                ModelServing live = ModelServingSupport.get(ns.name(), name);
                // A status of the new generation: the one from before the edit says the same
                // numbers.
                assertThat(live.getStatus().getObservedGeneration())
                    .isEqualTo(live.getMetadata().getGeneration());
                assertThat(live.getStatus().getUpdatedReplicas()).isEqualTo(1);
                assertThat(live.getStatus().getAvailableReplicas()).isEqualTo(1);
                assertThat(order).hasSize(4);
              });
    }
    assertThat(worst[0]).as("role replicas down at once (role maxUnavailable 1)").isEqualTo(1);
    assertThat(order)
        .as("role replicas replaced, highest first")
        .containsExactly("r-3", "r-2", "r-1", "r-0");
  }

  @Test
  void roleRollingUpdateReplacesRoleReplicasWithinTheirBudget() throws Exception {
    RolloutRecorder recorder =
        rollOut("roles", 3, "  rolloutStrategy:\n    type: RoleRollingUpdate", ms -> {});
    assertThat(recorder.order).containsExactlyInAnyOrder(0, 1, 2);
  }

  @Test
  void aControllerKilledDuringARolloutFinishesItAfterARestart() throws Exception {
    var client = LocalCluster.client();
    ControllerProcess first = ControllerProcess.start("RollingUpdateIT-killed");
    controller.close(); // only the one started here acts now
    try {
      rollOut(
          "killed",
          4,
          "  rolloutStrategy:\n    type: ServingGroupRollingUpdate\n    rollingUpdateConfiguration:\n      maxUnavailable: 1\n      maxSurge: 1",
          ms -> {
            await()
                .atMost(Duration.ofSeconds(30))
                .until(
                    () ->
                        ModelServingSupport.pods(ns.name(), "killed").stream()
                            .anyMatch(
                                p ->
                                    "2"
                                        .equals(
                                            p.getSpec().getContainers().get(0).getEnv().stream()
                                                .filter(e -> "MODEL_VERSION".equals(e.getName()))
                                                .map(EnvVar::getValue)
                                                .findFirst()
                                                .orElse(null))));
            first.kill();
            controller = ControllerProcess.start("RollingUpdateIT-restarted");
          });
    } finally {
      first.close();
    }
    var revisions =
        client
            .apps()
            .controllerRevisions()
            .inNamespace(ns.name())
            .withLabel("modelserving.volcano.sh/name", "killed")
            .list()
            .getItems();
    String update = ModelServingSupport.get(ns.name(), "killed").getStatus().getUpdateRevision();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        client
                            .apps()
                            .controllerRevisions()
                            .inNamespace(ns.name())
                            .withLabel("modelserving.volcano.sh/name", "killed")
                            .list()
                            .getItems())
                    .as("old revisions cleaned up")
                    .extracting(
                        r -> r.getMetadata().getLabels().get("modelserving.volcano.sh/revision"))
                    .containsExactly(update));
  }

  @Test
  void aNewerChangeDuringARolloutWinsAndRollingBackReusesTheOldRevision() throws Exception {
    ModelServing ms = ModelServingYaml.of("back", 4, "", ModelServingYaml.role("r", 1, 1));
    ModelServingSupport.modelServings().inNamespace(ns.name()).resource(ms).create();
    ModelServingSupport.awaitAvailable(
        ns.name(), "back", 4, ModelServingSupport.expectedPodNames(ms));
    String original = ModelServingSupport.get(ns.name(), "back").getStatus().getUpdateRevision();
    List<Boolean> sawUpdating = Collections.synchronizedList(new ArrayList<>());
    var statuses = ModelServingSupport.modelServings().inNamespace(ns.name()).withName("back");
    try (var watch =
        statuses.watch(
            new io.fabric8.kubernetes.client.Watcher<ModelServing>() {
              @Override
              public void eventReceived(Action action, ModelServing live) {
                ModelServingSupport.condition(live, "UpdateInProgress")
                    .ifPresent(
                        c -> {
                          if ("True".equals(c.getStatus())
                              && live.getStatus().getUpdatedReplicas() < 4) {
                            sawUpdating.add(true);
                          }
                        });
              }

              @Override
              public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {}
            })) {
      for (String version : List.of("2", "3")) {
        setEnv(statuses, List.of(new EnvVar("MODEL_VERSION", version, null)));
        Thread.sleep(300); // mid-rollout
      }
      setEnv(statuses, null);
      await()
          .atMost(Duration.ofSeconds(120))
          .untilAsserted(
              () -> {
                ModelServing live = ModelServingSupport.get(ns.name(), "back");
                assertThat(live.getStatus().getUpdateRevision())
                    .as("rolled back to the original revision")
                    .isEqualTo(original);
                assertThat(live.getStatus().getUpdatedReplicas()).isEqualTo(4);
                assertThat(live.getStatus().getAvailableReplicas()).isEqualTo(4);
                assertThat(ModelServingSupport.pods(ns.name(), "back"))
                    .allSatisfy(
                        p ->
                            assertThat(p.getMetadata().getLabels())
                                .containsEntry("modelserving.volcano.sh/revision", original));
              });
    }
    assertThat(sawUpdating)
        .as("UpdateInProgress=True while groups were being replaced")
        .isNotEmpty();
    assertThat(
            ModelServingSupport.condition(
                ModelServingSupport.get(ns.name(), "back"), "UpdateInProgress"))
        .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("False"));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        LocalCluster.client()
                            .apps()
                            .controllerRevisions()
                            .inNamespace(ns.name())
                            .withLabel("modelserving.volcano.sh/name", "back")
                            .list()
                            .getItems())
                    .extracting(
                        r -> r.getMetadata().getLabels().get("modelserving.volcano.sh/revision"))
                    .containsExactly(original));
  }

  /** Sets the entry container's env (retried when the controller's status write got in first). */
  private static void setEnv(
      io.fabric8.kubernetes.client.dsl.Resource<ModelServing> ms, List<EnvVar> env) {
    Edits.edit(
        ms,
        m -> {
          m.getSpec()
              .getTemplate()
              .getRoles()
              .get(0)
              .getEntryTemplate()
              .getSpec()
              .getContainers()
              .get(0)
              .setEnv(env);
          return m;
        });
  }

  @Test
  void anLwsTemplateChangeRollsOutAndKubectlShowsUpToDate() {
    Lws.lwss().inNamespace(ns.name()).resource(Lws.simple("lws-roll", 3, 2, "", "")).create();
    Lws.awaitReady(ns.name(), "lws-roll", 3, 2);
    Map<String, String> before = Lws.uids(ns.name(), "lws-roll");
    String oldHash =
        Lws.pods(ns.name(), "lws-roll")
            .get("lws-roll-0")
            .getMetadata()
            .getLabels()
            .get("leaderworkerset.sigs.k8s.io/template-revision-hash");
    Lws.setWorkerEnv(ns.name(), "lws-roll", "V", "2");
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              Map<String, String> after = Lws.uids(ns.name(), "lws-roll");
              Set<String> unchanged = new TreeSet<>();
              before.forEach(
                  (k, v) -> {
                    if (v.equals(after.get(k))) unchanged.add(k);
                  });
              assertThat(unchanged).as("pods not yet replaced").isEmpty();
              Lws.awaitReady(ns.name(), "lws-roll", 3, 2);
            });
    String newHash =
        Lws.pods(ns.name(), "lws-roll")
            .get("lws-roll-0")
            .getMetadata()
            .getLabels()
            .get("leaderworkerset.sigs.k8s.io/template-revision-hash");
    assertThat(newHash).isNotEqualTo(oldHash);
    String table = Kubectl.run("get", "lws", "lws-roll", "-n", ns.name(), "--no-headers");
    assertThat(table.trim().split("\\s+")).startsWith("lws-roll", "3", "3", "3");
  }
}
