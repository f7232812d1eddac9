package dev.modelserving.controller.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.v1alpha1.ModelServing;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Startup and restart policies, subdomain policy, scaling and ownership of LeaderWorkerSets. */
class LwsBehaviourIT {
  @RegisterExtension static final TestNamespace ns = new TestNamespace("lws-behaviour");
  private static ControllerProcess controller;

  @BeforeAll
  static void startController() {
    controller = ControllerProcess.start("LwsBehaviourIT");
  }

  @AfterAll
  static void stopController() {
    if (controller != null) {
      controller.close();
    }
  }

  private static void create(LeaderWorkerSet lws) {
    Lws.lwss().inNamespace(ns.name()).resource(lws).create();
  }

  @Test
  void leaderReadyCreatesNoWorkerBeforeItsLeaderIsReady() {
    String node = "kwok-node-1";
    String label = "modelserving.dev/it-lws-startup";
    List<String> violations = Collections.synchronizedList(new ArrayList<>());
    Map<String, Boolean> leaderReady = new ConcurrentHashMap<>();
    try (Watch watch =
        LocalCluster.client()
            .pods()
            .inNamespace(ns.name())
            .withLabel("modelserving.volcano.sh/name", "ready-first")
            .watch(
                new Watcher<Pod>() {
                  @Override
                  public void eventReceived(Action action, Pod pod) {
                    String group =
                        pod.getMetadata().getLabels().get("modelserving.volcano.sh/group-name");
                    if ("true"
                        .equals(
                            pod.getMetadata().getLabels().get("modelserving.volcano.sh/entry"))) {
                      leaderReady.put(group, ModelServingLifecycleIT.isReady(pod));
                    } else if (action == Action.ADDED && !leaderReady.getOrDefault(group, false)) {
                      violations.add(
                          pod.getMetadata().getName() + " was created before its leader was Ready");
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                })) {
      LeaderWorkerSet lws =
          Lws.fromYaml(
              """
          apiVersion: leaderworkerset.x-k8s.io/v1
          kind: LeaderWorkerSet
          metadata: {name: ready-first}
          spec:
            replicas: 2
            startupPolicy: LeaderReady
            leaderWorkerTemplate:
              size: 3
              leaderTemplate:
                spec:
                  nodeSelector: {"modelserving.dev/it-lws-startup": "yes"}
                  containers: [{name: c, image: "registry.k8s.io/pause:3.10"}]
              workerTemplate:
                spec:
                  containers: [{name: c, image: "registry.k8s.io/pause:3.10"}]
          """);
      create(lws);
      await()
          .during(Duration.ofSeconds(5))
          .atMost(Duration.ofSeconds(8))
          .untilAsserted(
              () ->
                  assertThat(Lws.pods(ns.name(), "ready-first").keySet())
                      .containsExactlyInAnyOrder("ready-first-0", "ready-first-1"));
      Edits.edit(
          LocalCluster.client().nodes().withName(node),
          n -> {
            n.getMetadata().getLabels().put(label, "yes");
            return n;
          });
      Lws.awaitReady(ns.name(), "ready-first", 2, 3);
      assertThat(violations).isEmpty();
    } finally {
      Edits.edit(
          LocalCluster.client().nodes().withName(node),
          n -> {
            n.getMetadata().getLabels().remove(label);
            return n;
          });
    }
  }

  @Test
  void recreateGroupOnPodRestartRebuildsTheWholeGroupOfADeletedWorker() {
    create(Lws.simple("regroup", 2, 3, "", "    restartPolicy: RecreateGroupOnPodRestart\n"));
    Lws.awaitReady(ns.name(), "regroup", 2, 3);
    Map<String, String> before = Lws.uids(ns.name(), "regroup");
    LocalCluster.client().pods().inNamespace(ns.name()).withName("regroup-0-2").delete();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              Map<String, String> after = Lws.uids(ns.name(), "regroup");
              assertThat(after.keySet()).isEqualTo(before.keySet());
              for (String pod : List.of("regroup-0", "regroup-0-1", "regroup-0-2")) {
                assertThat(after.get(pod)).as("uid of %s", pod).isNotEqualTo(before.get(pod));
              }
              for (String pod : List.of("regroup-1", "regroup-1-1", "regroup-1-2")) {
                assertThat(after.get(pod))
                    .as("uid of %s in the other group", pod)
                    .isEqualTo(before.get(pod));
              }
            });
    Lws.awaitReady(ns.name(), "regroup", 2, 3);
    // Upstream's Event on the LWS, word for word.
    assertThat(
            LocalCluster.client()
                .v1()
                .events()
                .inNamespace(ns.name())
                .withField("involvedObject.name", "regroup")
                .list()
                .getItems())
        .filteredOn(e -> "LeaderWorkerSet".equals(e.getInvolvedObject().getKind()))
        .extracting(e -> e.getReason() + ": " + e.getMessage())
        .contains(
            "RecreateGroup: Worker pod regroup-0-2 failed, deleted leader pod regroup-0 to recreate group 0");
  }

  @Test
  void recreateGroupOnPodRestartReactsToAContainerRestart() {
    create(Lws.simple("restarted", 1, 2, "", ""));
    Lws.awaitReady(ns.name(), "restarted", 1, 2);
    Map<String, String> before = Lws.uids(ns.name(), "restarted");
    // What a kubelet reports after a container restart that is Ready again.
    LocalCluster.client()
        .pods()
        .inNamespace(ns.name())
        .withName("restarted-0-1")
        .editStatus(
            p -> {
              var status =
                  new io.fabric8.kubernetes.api.model.ContainerStatusBuilder()
                      .withName("c")
                      .withImage("registry.k8s.io/pause:3.10")
                      .withImageID("")
                      .withReady(true)
                      .withRestartCount(1)
                      .withNewState()
                      .withNewRunning()
                      .withStartedAt("2026-01-01T00:00:00Z")
                      .endRunning()
                      .endState()
                      .build();
              p.getStatus().setContainerStatuses(List.of(status));
              return p;
            });
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              Map<String, String> after = Lws.uids(ns.name(), "restarted");
              assertThat(after.keySet()).isEqualTo(before.keySet());
              assertThat(after.get("restarted-0"))
                  .as("leader uid")
                  .isNotEqualTo(before.get("restarted-0"));
            });
  }

  @Test
  void noneRestartPolicyRecreatesOnlyTheDeletedPod() {
    create(Lws.simple("only-pod", 1, 3, "", "    restartPolicy: None\n"));
    Lws.awaitReady(ns.name(), "only-pod", 1, 3);
    Map<String, String> before = Lws.uids(ns.name(), "only-pod");
    LocalCluster.client().pods().inNamespace(ns.name()).withName("only-pod-0-1").delete();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              Map<String, String> after = Lws.uids(ns.name(), "only-pod");
              assertThat(after.keySet()).isEqualTo(before.keySet());
              assertThat(after.get("only-pod-0-1")).isNotEqualTo(before.get("only-pod-0-1"));
              assertThat(after.get("only-pod-0")).isEqualTo(before.get("only-pod-0"));
              assertThat(after.get("only-pod-0-2")).isEqualTo(before.get("only-pod-0-2"));
            });
  }

  @Test
  void uniquePerReplicaGivesEachGroupItsOwnServiceAndLeaderAddress() {
    create(
        Lws.simple(
            "unique", 2, 2, "  networkConfig:\n    subdomainPolicy: UniquePerReplica\n", ""));
    Lws.awaitReady(ns.name(), "unique", 2, 2);
    Set<String> services =
        LocalCluster.client()
            .services()
            .inNamespace(ns.name())
            .withLabel("modelserving.volcano.sh/name", "unique")
            .list()
            .getItems()
            .stream()
            .map(s -> s.getMetadata().getName())
            .collect(Collectors.toCollection(TreeSet::new));
    assertThat(services).containsExactly("unique-0", "unique-1");
    Pod worker = LocalCluster.client().pods().inNamespace(ns.name()).withName("unique-1-1").get();
    assertThat(worker.getSpec().getSubdomain()).isEqualTo("unique-1");
    assertThat(worker.getSpec().getContainers().get(0).getEnv().get(0).getValue())
        .isEqualTo("unique-1.unique-1." + ns.name());
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        LocalCluster.client()
                            .discovery()
                            .v1()
                            .endpointSlices()
                            .inNamespace(ns.name())
                            .withLabel("kubernetes.io/service-name", "unique-1")
                            .list()
                            .getItems())
                    // A slice the endpoints controller has just made has no endpoints field yet.
                    .flatExtracting(
                        s -> s.getEndpoints() == null ? List.<Endpoint>of() : s.getEndpoints())
                    .extracting(e -> e.getHostname())
                    .containsExactlyInAnyOrder("unique-1", "unique-1-1"));
  }

  @Test
  void kubectlScaleLwsUpAndDownFollowsWithStatusAndHpaPodSelector() {
    create(Lws.simple("scaled", 1, 2, "", ""));
    Lws.awaitReady(ns.name(), "scaled", 1, 2);
    Kubectl.run("scale", "lws", "scaled", "-n", ns.name(), "--replicas=3");
    Lws.awaitReady(ns.name(), "scaled", 3, 2);
    LeaderWorkerSet live = Lws.get(ns.name(), "scaled");
    assertThat(live.getStatus().getReplicas()).isEqualTo(3);
    assertThat(live.getStatus().getHpaPodSelector())
        .isEqualTo(
            "leaderworkerset.sigs.k8s.io/name=scaled,leaderworkerset.sigs.k8s.io/worker-index=0");
    assertThat(
            LocalCluster.client()
                .pods()
                .inNamespace(ns.name())
                .withLabelSelector(live.getStatus().getHpaPodSelector())
                .list()
                .getItems())
        .extracting(p -> p.getMetadata().getName())
        .containsExactlyInAnyOrder("scaled-0", "scaled-1", "scaled-2");
    Kubectl.run("scale", "lws", "scaled", "-n", ns.name(), "--replicas=1");
    Lws.awaitReady(ns.name(), "scaled", 1, 2);
    assertThat(Lws.get(ns.name(), "scaled").getStatus().getReplicas()).isEqualTo(1);
  }

  @Test
  void replicasSetOnTheModelServingByAnAutoscalerAreNotReverted() throws InterruptedException {
    create(Lws.simple("autoscaled", 1, 2, "", ""));
    Lws.awaitReady(ns.name(), "autoscaled", 1, 2);
    // Kthena's autoscaler writes a merge patch {"spec":{"replicas":N}} on the ModelServing.
    ModelServingSupport.modelServings()
        .inNamespace(ns.name())
        .withName("autoscaled")
        .patch(
            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            "{\"spec\":{\"replicas\":2}}");
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(Lws.pods(ns.name(), "autoscaled").keySet())
                    .isEqualTo(Lws.podNames("autoscaled", 2, 2)));
    Thread.sleep(5_000);
    assertThat(ModelServingSupport.get(ns.name(), "autoscaled").getSpec().getReplicas())
        .as("not reverted")
        .isEqualTo(2);
    // ... and reported on the LWS: DESIRED (spec.replicas) shows the autoscaler's decision.
    Lws.awaitReady(ns.name(), "autoscaled", 2, 2);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(
                        LocalCluster.client()
                            .v1()
                            .events()
                            .inNamespace(ns.name())
                            .list()
                            .getItems())
                    .anyMatch(
                        e ->
                            "ScaledThroughModelServing".equals(e.getReason())
                                && "autoscaled".equals(e.getInvolvedObject().getName())));
    Kubectl.run("scale", "lws", "autoscaled", "-n", ns.name(), "--replicas=3");
    Lws.awaitReady(ns.name(), "autoscaled", 3, 2);
  }

  @Test
  void aModelServingTheLwsDoesNotOwnIsNeverOverwritten() {
    ModelServing foreign = ModelServingYaml.of("taken", 1, "", ModelServingYaml.role("r", 1, 0));
    ModelServingSupport.modelServings().inNamespace(ns.name()).resource(foreign).create();
    ModelServing before = ModelServingSupport.get(ns.name(), "taken");
    create(Lws.simple("taken", 1, 2, "", ""));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(Lws.condition(Lws.get(ns.name(), "taken"), "Progressing"))
                  .hasValueSatisfying(
                      c -> {
                        assertThat(c.getStatus()).isEqualTo("False");
                        assertThat(c.getReason()).isEqualTo("ModelServingConflict");
                      });
              assertThat(events("taken"))
                  .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("ModelServingConflict"));
            });
    ModelServing after = ModelServingSupport.get(ns.name(), "taken");
    assertThat(after.getSpec()).isEqualTo(before.getSpec());
    assertThat(after.getMetadata().getOwnerReferences()).isNullOrEmpty();
  }

  static List<Event> events(String name) {
    return eventsIn(ns.name(), name);
  }

  static List<Event> eventsIn(String namespace, String name) {
    return LocalCluster.client()
        .v1()
        .events()
        .inNamespace(namespace)
        .withField("involvedObject.name", name)
        .list()
        .getItems();
  }

  /**
   * A metadata-only edit (no new generation) reaches the ModelServing at once, not with the
   * periodic pass minutes later: labels of the LWS are labels of its ModelServing.
   */
  @Test
  void aMetadataOnlyEditOfTheLwsReachesItsModelServingWithinSeconds() {
    create(Lws.simple("meta-edit", 1, 2, "", ""));
    Lws.awaitReady(ns.name(), "meta-edit", 1, 2);
    Long generation = Lws.get(ns.name(), "meta-edit").getMetadata().getGeneration();
    Edits.edit(
        Lws.lwss().inNamespace(ns.name()).withName("meta-edit"),
        l -> {
          if (l.getMetadata().getLabels() == null) {
            l.getMetadata().setLabels(new java.util.HashMap<>());
          }
          l.getMetadata().getLabels().put("team", "blue");
          return l;
        });
    assertThat(Lws.get(ns.name(), "meta-edit").getMetadata().getGeneration())
        .as("a label edit keeps the generation")
        .isEqualTo(generation);
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () ->
                assertThat(
                        ModelServingSupport.get(ns.name(), "meta-edit").getMetadata().getLabels())
                    .containsEntry("team", "blue"));
  }
}
