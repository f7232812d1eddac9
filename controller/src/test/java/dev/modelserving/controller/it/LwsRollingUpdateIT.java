package dev.modelserving.controller.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
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
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * LeaderWorkerSet rolling updates with upstream's arithmetic: every pod event is recorded, and the
 * order in which groups are replaced, the most groups unavailable at once (replicas minus ready
 * groups, surge groups included) and what stays untouched below the partition are asserted, along
 * with the status at the end.
 */
class LwsRollingUpdateIT {
  @RegisterExtension static final TestNamespace ns = new TestNamespace("lws-rolling");
  private static ControllerProcess controller;

  @BeforeAll
  static void startController() {
    controller = ControllerProcess.start("LwsRollingUpdateIT");
  }

  @AfterAll
  static void stopController() {
    if (controller != null) {
      controller.close();
    }
  }

  /** Group index of every pod event, readiness by pod, worst availability and replacement order. */
  static final class Recorder implements Watcher<Pod> {
    private final int replicas;
    private final int size;
    private final Map<String, Boolean> ready = new TreeMap<>();
    private final Map<String, Integer> groupOf = new TreeMap<>();
    final List<Integer> order = Collections.synchronizedList(new ArrayList<>());
    final Set<Integer> groupsSeen = Collections.synchronizedSet(new TreeSet<>());
    volatile int worst;

    Recorder(int replicas, int size) {
      this.replicas = replicas;
      this.size = size;
    }

    @Override
    public synchronized void eventReceived(Action action, Pod pod) {
      String name = pod.getMetadata().getName();
      int g =
          Integer.parseInt(
              pod.getMetadata().getLabels().get("leaderworkerset.sigs.k8s.io/group-index"));
      groupOf.put(name, g);
      groupsSeen.add(g);
      if (action == Action.DELETED || pod.getMetadata().getDeletionTimestamp() != null) {
        ready.remove(name);
        if (!order.contains(g)) {
          order.add(g);
        }
      } else {
        ready.put(name, ModelServingLifecycleIT.isReady(pod));
      }
      Map<Integer, Integer> readyPods = new TreeMap<>();
      ready.forEach(
          (pod1, r) -> {
            if (r) {
              readyPods.merge(groupOf.get(pod1), 1, Integer::sum);
            }
          });
      long readyGroups = readyPods.values().stream().filter(n -> n >= size).count();
      worst = (int) Math.max(worst, replicas - readyGroups);
    }

    @Override
    public void onClose(WatcherException cause) {}
  }

  @ParameterizedTest(name = "replicas 4, maxUnavailable {1}, maxSurge {2}, partition {3}")
  @CsvSource({"lws-mu1, 1, 0, 0", "lws-mu2-ms1, 2, 1, 0", "lws-part2, 1, 0, 2"})
  void rollsAsUpstream(String name, int maxUnavailable, int maxSurge, int partition)
      throws Exception {
    var client = LocalCluster.client();
    LeaderWorkerSet lws =
        Lws.simple(
            name,
            4,
            2,
            "  rolloutStrategy:\n    type: RollingUpdate\n    rollingUpdateConfiguration:\n"
                + "      maxUnavailable: "
                + maxUnavailable
                + "\n      maxSurge: "
                + maxSurge
                + "\n      partition: "
                + partition
                + "\n",
            "");
    Lws.lwss().inNamespace(ns.name()).resource(lws).create();
    Lws.awaitReady(ns.name(), name, 4, 2);
    Map<String, String> before = Lws.uids(ns.name(), name);

    Recorder recorder = new Recorder(4, 2);
    Lws.pods(ns.name(), name)
        .values()
        .forEach(p -> recorder.eventReceived(Watcher.Action.ADDED, p));
    recorder.worst = 0;
    var pods =
        client.pods().inNamespace(ns.name()).withLabel("leaderworkerset.sigs.k8s.io/name", name);
    long generation;
    try (var watch =
            pods.watch(
                new ListOptionsBuilder()
                    .withResourceVersion(pods.list().getMetadata().getResourceVersion())
                    .build(),
                recorder);
        var timeline = LwsStatusTimeline.start(ns.name(), name)) {
      generation = Lws.setWorkerEnv(ns.name(), name, "V", "2").getMetadata().getGeneration();
      await()
          .atMost(Duration.ofSeconds(120))
          .untilAsserted(
              () -> {
                LeaderWorkerSet live = Lws.get(ns.name(), name);
                assertThat(live.getStatus().getObservedGeneration())
                    .isEqualTo(live.getMetadata().getGeneration());
                assertThat(live.getStatus().getUpdatedReplicas())
                    .as("updated groups")
                    .isEqualTo(4 - partition);
                assertThat(live.getStatus().getReadyReplicas()).isEqualTo(4);
                assertThat(Lws.condition(live, "Available"))
                    .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
                assertThat(Lws.pods(ns.name(), name).keySet())
                    .as("no surge group left")
                    .isEqualTo(Lws.podNames(name, 4, 2));
              });
      String newRevision = revision(Lws.pods(ns.name(), name).get(name + "-3"));
      assertThat(timeline.violations(4, 2, partition, generation, newRevision))
          .as("LWS status writes against upstream's rules")
          .isEmpty();
      // Upstream's Events on the LWS, word for word.
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                List<String> events = lwsEvents(name);
                assertThat(events)
                    .contains(
                        "CreatingRevision: Creating revision with key "
                            + newRevision
                            + " for updated LWS");
                assertThat(events)
                    .anyMatch(
                        e ->
                            e.matches(
                                "GroupsUpdating: Updating replicas? [0-9]+( to [0-9]+ \\(inclusive\\))?"));
                if (maxSurge > 0) {
                  assertThat(events)
                      .contains("GroupsProgressing: deleting surge replica " + name + "-4");
                }
              });
    }
    Map<String, String> after = Lws.uids(ns.name(), name);
    for (int g = 0; g < 4; g++) {
      String leader = name + "-" + g;
      if (g < partition) {
        assertThat(after.get(leader))
            .as("group %d below the partition keeps its pods", g)
            .isEqualTo(before.get(leader));
      } else {
        assertThat(after.get(leader)).as("group %d replaced", g).isNotEqualTo(before.get(leader));
      }
    }
    assertThat(recorder.worst)
        .as("most groups unavailable at once")
        .isLessThanOrEqualTo(maxUnavailable);
    assertThat(recorder.order.get(0)).as("the highest group index goes first").isIn(3, 4);
    List<Integer> desiredOrder = recorder.order.stream().filter(g -> g < 4).toList();
    assertThat(desiredOrder)
        .as("groups replaced, highest index first")
        .isSortedAccordingTo(Collections.reverseOrder());
    if (maxSurge > 0) {
      assertThat(recorder.groupsSeen).as("a surge group existed").contains(4);
    } else {
      assertThat(recorder.groupsSeen).as("no surge group").allMatch(g -> g < 4);
    }
    String table = Kubectl.run("get", "lws", name, "-n", ns.name(), "--no-headers");
    assertThat(table.trim().split("\\s+"))
        .startsWith(name, "4", "4", Integer.toString(4 - partition));
  }

  /** "reason: message" of the Events on the LWS {@code name}, oldest first. */
  static List<String> lwsEvents(String name) {
    return LocalCluster.client()
        .v1()
        .events()
        .inNamespace(ns.name())
        .withField("involvedObject.name", name)
        .list()
        .getItems()
        .stream()
        .filter(e -> "LeaderWorkerSet".equals(e.getInvolvedObject().getKind()))
        .map(e -> e.getReason() + ": " + e.getMessage())
        .toList();
  }

  private static String revision(Pod pod) {
    return pod.getMetadata().getLabels().get("leaderworkerset.sigs.k8s.io/template-revision-hash");
  }

  /**
   * A new group that never becomes ready, with a ready surge group beside it: upstream counts only
   * the groups below replicas, so the LWS stays Progressing and never turns Available, in every
   * status written on the way (not only at the end).
   */
  @org.junit.jupiter.api.Test
  void aNewGroupThatCannotStartKeepsTheLwsProgressingDespiteAReadySurgeGroup() throws Exception {
    String name = "lws-stuck";
    // One group per node, maxUnavailable 0 and maxSurge 1: the new template allows one new pod per
    // node, so the surge group and all but the last replaced group fit, and the last one
    // (group 0, replaced last) cannot be scheduled. The surge stays (an unready desired group).
    // Nodes pods can land on (the local cluster may also run a tainted node for other components).
    int nodes =
        (int)
            LocalCluster.client().nodes().list().getItems().stream()
                .filter(n -> n.getSpec().getTaints() == null || n.getSpec().getTaints().isEmpty())
                .count();
    assertThat(nodes).as("nodes of the local cluster").isGreaterThanOrEqualTo(2);
    Lws.lwss()
        .inNamespace(ns.name())
        .resource(
            Lws.simple(
                name,
                nodes,
                1,
                "  rolloutStrategy:\n    type: RollingUpdate\n"
                    + "    rollingUpdateConfiguration:\n      maxUnavailable: 0\n      maxSurge: 1\n",
                ""))
        .create();
    Lws.awaitReady(ns.name(), name, nodes, 1);
    long generation;
    try (var timeline = LwsStatusTimeline.start(ns.name(), name)) {
      generation =
          Edits.edit(
                  Lws.lwss().inNamespace(ns.name()).withName(name),
                  l -> {
                    var template = l.getSpec().getLeaderWorkerTemplate().getWorkerTemplate();
                    template.setMetadata(
                        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
                            .addToLabels("spread", "one-per-node")
                            .build());
                    template
                        .getSpec()
                        .setAffinity(
                            new io.fabric8.kubernetes.api.model.AffinityBuilder()
                                .withNewPodAntiAffinity()
                                .addNewRequiredDuringSchedulingIgnoredDuringExecution()
                                .withNewLabelSelector()
                                .addToMatchLabels("spread", "one-per-node")
                                .endLabelSelector()
                                .withTopologyKey("kubernetes.io/hostname")
                                .endRequiredDuringSchedulingIgnoredDuringExecution()
                                .endPodAntiAffinity()
                                .build());
                    return l;
                  })
              .getMetadata()
              .getGeneration();
      await()
          .atMost(Duration.ofSeconds(120))
          .untilAsserted(
              () -> {
                Map<String, Pod> pods = Lws.pods(ns.name(), name);
                assertThat(pods.keySet())
                    .as("the desired groups and the surge group")
                    .isEqualTo(Lws.podNames(name, nodes + 1, 1));
                assertThat(pods.values())
                    .as("every pod on the new template")
                    .allSatisfy(
                        p ->
                            assertThat(p.getMetadata().getLabels())
                                .containsEntry("spread", "one-per-node"));
                assertThat(ModelServingLifecycleIT.isReady(pods.get(name + "-0")))
                    .as("group 0 cannot be scheduled")
                    .isFalse();
                LeaderWorkerSet live = Lws.get(ns.name(), name);
                assertThat(live.getStatus().getObservedGeneration()).isEqualTo(generation);
                assertThat(live.getStatus().getReadyReplicas())
                    .as("readyReplicas, the surge group included as upstream")
                    .isEqualTo(nodes);
                assertThat(live.getStatus().getUpdatedReplicas()).isEqualTo(nodes + 1);
              });
      Thread.sleep(2000); // let any further status write land in the timeline
      LeaderWorkerSet live = Lws.get(ns.name(), name);
      assertThat(Lws.condition(live, "Available"))
          .as("Available")
          .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("False"));
      assertThat(Lws.condition(live, "Progressing"))
          .as("Progressing")
          .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
      String newRevision = revision(Lws.pods(ns.name(), name).get(name + "-1"));
      assertThat(timeline.statuses()).as("status writes recorded").isNotEmpty();
      assertThat(timeline.violations(nodes, 1, 0, generation, newRevision))
          .as("LWS status writes against upstream's rules")
          .isEmpty();
    } finally {
      Lws.lwss().inNamespace(ns.name()).withName(name).delete();
    }
  }

  /**
   * Upstream's e2e case: replicas 4, maxSurge 4 (capped at replicas), maxUnavailable 1,
   * subGroupSize 1: the leader StatefulSet grows to 7 (want(4) = 4 + 4 - 1), i.e. three surge
   * groups 4-6 that live until the desired groups are updated and ready. Counted from a watch of
   * the leader pods.
   */
  @org.junit.jupiter.api.Test
  void maxSurgeAsLargeAsReplicasGrowsToSevenGroups() throws Exception {
    String name = "lws-surge4";
    Lws.lwss()
        .inNamespace(ns.name())
        .resource(
            Lws.simple(
                name,
                4,
                2,
                "  rolloutStrategy:\n    type: RollingUpdate\n"
                    + "    rollingUpdateConfiguration:\n      maxUnavailable: 1\n      maxSurge: 4\n",
                "    subGroupPolicy:\n      subGroupSize: 1\n"))
        .create();
    Lws.awaitReady(ns.name(), name, 4, 2);
    Map<String, Long> born = new java.util.concurrent.ConcurrentHashMap<>();
    Map<String, Long> gone = new java.util.concurrent.ConcurrentHashMap<>();
    Set<String> alive = java.util.concurrent.ConcurrentHashMap.newKeySet();
    Lws.pods(ns.name(), name).keySet().stream()
        .filter(n -> n.matches(name + "-[0-9]+"))
        .forEach(alive::add);
    java.util.concurrent.atomic.AtomicInteger most =
        new java.util.concurrent.atomic.AtomicInteger(alive.size());
    var leaders =
        LocalCluster.client()
            .pods()
            .inNamespace(ns.name())
            .withLabel("leaderworkerset.sigs.k8s.io/name", name)
            .withLabel("leaderworkerset.sigs.k8s.io/worker-index", "0");
    Watcher<Pod> watcher =
        new Watcher<>() {
          @Override
          public synchronized void eventReceived(Action action, Pod pod) {
            String pod1 = pod.getMetadata().getName();
            if (action == Action.DELETED || pod.getMetadata().getDeletionTimestamp() != null) {
              alive.remove(pod1);
              gone.putIfAbsent(pod1, System.nanoTime());
            } else if (alive.add(pod1)) {
              born.put(pod1, System.nanoTime());
            }
            most.accumulateAndGet(alive.size(), Math::max);
          }

          @Override
          public void onClose(WatcherException cause) {}
        };
    try (var watch =
        leaders.watch(
            new ListOptionsBuilder()
                .withResourceVersion(leaders.list().getMetadata().getResourceVersion())
                .build(),
            watcher)) {
      Lws.setWorkerEnv(ns.name(), name, "V", "4");
      await()
          .atMost(Duration.ofSeconds(120))
          .untilAsserted(
              () -> {
                LeaderWorkerSet live = Lws.get(ns.name(), name);
                assertThat(live.getStatus().getObservedGeneration())
                    .isEqualTo(live.getMetadata().getGeneration());
                assertThat(live.getStatus().getUpdatedReplicas()).isEqualTo(4);
                assertThat(Lws.condition(live, "Available"))
                    .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
                assertThat(Lws.pods(ns.name(), name).keySet()).isEqualTo(Lws.podNames(name, 4, 2));
              });
    }
    for (int g = 4; g < 7; g++) {
      String leader = name + "-" + g;
      assertThat(born).as("surge group %d was created", g).containsKey(leader);
      System.out.printf(
          "surge group %s lived %d ms%n",
          leader, (gone.getOrDefault(leader, System.nanoTime()) - born.get(leader)) / 1_000_000);
    }
    assertThat(born.keySet()).as("no group beyond 6").noneMatch(n -> n.equals(name + "-7"));
    assertThat(most.get())
        .as("most leader pods at once, as upstream's StatefulSet of 7")
        .isEqualTo(7);
  }

  @org.junit.jupiter.api.Test
  void aControllerKilledMidRolloutFinishesWithNoSurgeOrOldRevisionLeft() throws Exception {
    String name = "lws-killed";
    var client = LocalCluster.client();
    Lws.lwss()
        .inNamespace(ns.name())
        .resource(
            Lws.simple(
                name,
                4,
                2,
                "  rolloutStrategy:\n    type: RollingUpdate\n    rollingUpdateConfiguration:\n"
                    + "      maxUnavailable: 1\n      maxSurge: 1\n",
                ""))
        .create();
    Lws.awaitReady(ns.name(), name, 4, 2);
    String oldHash =
        Lws.pods(ns.name(), name)
            .get(name + "-0")
            .getMetadata()
            .getLabels()
            .get("leaderworkerset.sigs.k8s.io/template-revision-hash");
    Lws.setWorkerEnv(ns.name(), name, "V", "3");
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () ->
                Lws.pods(ns.name(), name).values().stream()
                    .anyMatch(
                        p ->
                            !oldHash.equals(
                                p.getMetadata()
                                    .getLabels()
                                    .get("leaderworkerset.sigs.k8s.io/template-revision-hash"))));
    controller.kill();
    controller = ControllerProcess.start("LwsRollingUpdateIT-restarted");
    await()
        .atMost(Duration.ofSeconds(120))
        .untilAsserted(
            () -> {
              LeaderWorkerSet live = Lws.get(ns.name(), name);
              assertThat(live.getStatus().getObservedGeneration())
                  .isEqualTo(live.getMetadata().getGeneration());
              assertThat(live.getStatus().getUpdatedReplicas()).isEqualTo(4);
              assertThat(live.getStatus().getReadyReplicas()).isEqualTo(4);
              assertThat(Lws.pods(ns.name(), name).keySet())
                  .as("exactly the desired pods, no surge group")
                  .isEqualTo(Lws.podNames(name, 4, 2));
              assertThat(Lws.pods(ns.name(), name).values())
                  .allSatisfy(
                      p ->
                          assertThat(
                                  p.getMetadata()
                                      .getLabels()
                                      .get("leaderworkerset.sigs.k8s.io/template-revision-hash"))
                              .isNotEqualTo(oldHash));
              assertThat(
                      client
                          .apps()
                          .controllerRevisions()
                          .inNamespace(ns.name())
                          .withLabel("modelserving.volcano.sh/name", name)
                          .list()
                          .getItems())
                  .as("only the current revision is kept")
                  .hasSize(1);
            });
  }
}
