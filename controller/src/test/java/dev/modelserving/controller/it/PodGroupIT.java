package dev.modelserving.controller.it;

import static dev.modelserving.controller.it.ModelServingSupport.condition;
import static dev.modelserving.controller.it.ModelServingSupport.get;
import static dev.modelserving.controller.it.ModelServingSupport.modelServings;
import static dev.modelserving.controller.it.ModelServingSupport.pods;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.volcano.v1beta1.PodGroup;
import io.fabric8.kubernetes.api.model.Pod;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Volcano PodGroups as objects (no Volcano scheduler needed, only its CRD from ../shared): their
 * shape for a ModelServing with gangPolicy and for a LeaderWorkerSet that names Volcano, their
 * lifecycle through scale, rollout and delete, and the CRD installed after the controller started.
 */
class PodGroupIT {
  @RegisterExtension static final TestNamespace ns = new TestNamespace("podgroups");
  private static boolean crdWasInstalled;

  @BeforeAll
  static void crd() {
    crdWasInstalled = Volcano.crdInstalled();
  }

  @BeforeEach
  void snapshot() {
    Volcano.assumeSnapshot(); // per test, so that each skip shows the reason
  }

  @AfterAll
  static void restoreCrd() {
    if (!java.nio.file.Files.isRegularFile(Volcano.podGroupCrd())) {
      return;
    }
    if (crdWasInstalled || Volcano.running()) {
      Volcano.installCrd();
    } else if (Volcano.crdInstalled()) {
      Volcano.deleteCrd(); // as the other tests found the cluster
    }
  }

  /**
   * Roles a (2 replicas of entry + 1 worker, at least 1 for the gang) and b (1 entry pod); 100m CPU
   * each.
   */
  static ModelServing gang(String name, int replicas, String cpuOfA) {
    String entryA =
        "{\"containers\": [{\"name\": \"c\", \"image\": \"registry.k8s.io/pause:3.10\", \"resources\": {\"requests\": {\"cpu\": \""
            + cpuOfA
            + "\"}}}]}";
    String entryB =
        "{\"containers\": [{\"name\": \"c\", \"image\": \"registry.k8s.io/pause:3.10\", \"resources\": {\"requests\": {\"cpu\": \"100m\"}}}]}";
    ModelServing ms =
        ModelServingYaml.of(
            name,
            replicas,
            "  schedulerName: volcano",
            ModelServingYaml.role("a", 2, 1, entryA),
            ModelServingYaml.role("b", 1, 0, entryB));
    ms.getSpec().getTemplate().setGangPolicy(new dev.modelserving.api.v1alpha1.GangPolicy());
    ms.getSpec().getTemplate().getGangPolicy().setMinRoleReplicas(Map.of("a", 1));
    ms.getMetadata().setAnnotations(Map.of("scheduling.volcano.sh/queue-name", "default"));
    return ms;
  }

  /** The PodGroups of the ModelServing {@code ms} (Kthena shape), by name. */
  static Map<String, PodGroup> ofMs(String n, String ms) {
    Map<String, PodGroup> out = new java.util.TreeMap<>(Volcano.podGroups(n));
    out.values()
        .removeIf(
            pg ->
                pg.getMetadata().getLabels() == null
                    || !ms.equals(
                        pg.getMetadata().getLabels().get("modelserving.volcano.sh/name")));
    return out;
  }

  /** The PodGroups of the LWS {@code lws}, by name. */
  static Map<String, PodGroup> ofLws(String n, String lws) {
    Map<String, PodGroup> out = new java.util.TreeMap<>(Volcano.podGroups(n));
    out.values()
        .removeIf(
            pg ->
                pg.getMetadata().getLabels() == null
                    || !lws.equals(
                        pg.getMetadata().getLabels().get("leaderworkerset.sigs.k8s.io/name")));
    return out;
  }

  static BigDecimal cpu(PodGroup pg) {
    return pg.getSpec().minResources().get("cpu").getNumericalAmount();
  }

  @Test
  void modelServingPodGroupsFollowScaleRolloutAndDelete() {
    if (!Volcano.crdInstalled()) {
      Volcano.installCrd();
    }
    try (ControllerProcess controller = ControllerProcess.start("PodGroupIT-kthena")) {
      controller.awaitLogLine("Volcano PodGroups are on", Duration.ofSeconds(30));
      String n = ns.name();
      modelServings().inNamespace(n).resource(gang("gang", 1, "100m")).create();

      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                PodGroup pg = Volcano.podGroups(n).get("gang-0");
                assertThat(pg).as("PodGroup gang-0").isNotNull();
                // a: min(1, 2) replicas × 2 pods; b: 1 × 1 pod. The requests of those pods'
                // containers
                // (a's entry and b's, 100m each; a's worker requests nothing).
                assertThat(pg.getSpec().minMember()).isEqualTo(3);
                assertThat(cpu(pg)).isEqualByComparingTo("0.2");
                assertThat(pg.getSpec().queue()).isEqualTo("default");
                assertThat(pg.getSpec().subGroupPolicy())
                    .extracting(s -> s.name() + ":" + s.subGroupSize() + ":" + s.minSubGroups())
                    .containsExactly("a:2:1", "b:1:1");
                assertThat(pg.getMetadata().getLabels())
                    .containsEntry("modelserving.volcano.sh/name", "gang")
                    .containsEntry("modelserving.volcano.sh/group-name", "gang-0");
                assertThat(pg.getMetadata().getOwnerReferences())
                    .singleElement()
                    .satisfies(
                        o -> {
                          assertThat(o.getKind()).isEqualTo("ModelServing");
                          assertThat(o.getUid()).isEqualTo(get(n, "gang").getMetadata().getUid());
                          assertThat(o.getController()).isTrue();
                        });
              });
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                assertThat(pods(n, "gang"))
                    .hasSize(5)
                    .allSatisfy(
                        p -> {
                          assertThat(p.getSpec().getSchedulerName()).isEqualTo("volcano");
                          assertThat(p.getMetadata().getAnnotations())
                              .containsEntry("scheduling.k8s.io/group-name", "gang-0")
                              .containsEntry(
                                  "volcano.sh/task-spec",
                                  p.getMetadata()
                                      .getLabels()
                                      .get("modelserving.volcano.sh/role-id"));
                        });
                assertThat(condition(get(n, "gang"), "GangScheduling"))
                    .hasValueSatisfying(
                        c -> {
                          assertThat(c.getStatus()).isEqualTo("True");
                          assertThat(c.getReason()).isEqualTo("PodGroupsInUse");
                        });
              });

      // Scale out: the new group gets its PodGroup.
      Kubectl.run("scale", "modelserving", "gang", "-n", n, "--replicas=2");
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(ofMs(n, "gang")).containsOnlyKeys("gang-0", "gang-1"));

      // Rollout: a template change reaches every PodGroup (minResources from the new requests).
      Edits.edit(
          modelServings().inNamespace(n).withName("gang"),
          live -> {
            live.getSpec()
                .getTemplate()
                .getRoles()
                .get(0)
                .getEntryTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getResources()
                .getRequests()
                .put("cpu", new io.fabric8.kubernetes.api.model.Quantity("200m"));
            return live;
          });
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                assertThat(ofMs(n, "gang").values())
                    .hasSize(2)
                    .allSatisfy(pg -> assertThat(cpu(pg)).isEqualByComparingTo("0.3"));
              });

      // Scale in: the removed group's PodGroup goes with its pods.
      Kubectl.run("scale", "modelserving", "gang", "-n", n, "--replicas=1");
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(ofMs(n, "gang")).hasSize(1);
                String group = ofMs(n, "gang").keySet().iterator().next();
                assertThat(pods(n, "gang"))
                    .allSatisfy(
                        p ->
                            assertThat(p.getMetadata().getLabels())
                                .containsEntry("modelserving.volcano.sh/group-name", group));
              });

      // Delete: garbage collection removes the PodGroups (they are controlled by the ModelServing).
      modelServings().inNamespace(n).withName("gang").delete();
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(Volcano.podGroups(n)).isEmpty());
    }
  }

  @Test
  void podGroupCrdInstalledAfterTheControllerStartedIsUsedWithoutRestart() {
    String n = ns.name();
    try {
      if (Volcano.crdInstalled()) {
        Volcano.deleteCrd();
      }
      try (ControllerProcess controller = ControllerProcess.start("PodGroupIT-late")) {
        controller.awaitLogLine("Volcano PodGroups are off", Duration.ofSeconds(30));
        modelServings().inNamespace(n).resource(gang("late", 1, "100m")).create();
        // Asked for gang scheduling without the CRD: a condition and a Warning Event say so.
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> {
                  assertThat(condition(get(n, "late"), "GangScheduling"))
                      .hasValueSatisfying(
                          c -> {
                            assertThat(c.getStatus()).isEqualTo("False");
                            assertThat(c.getReason()).isEqualTo("PodGroupCrdMissing");
                            assertThat(c.getMessage()).contains("podgroups.scheduling.volcano.sh");
                          });
                  assertThat(LocalCluster.client().v1().events().inNamespace(n).list().getItems())
                      .anySatisfy(
                          e -> {
                            assertThat(e.getInvolvedObject().getName()).isEqualTo("late");
                            assertThat(e.getType()).isEqualTo("Warning");
                            assertThat(e.getReason()).isEqualTo("PodGroupCrdMissing");
                          });
                  assertThat(pods(n, "late")).hasSize(5);
                });
        controller.awaitLogLine(
            "late: gang scheduling: spec.template.gangPolicy is set but the Volcano PodGroup CRD",
            Duration.ofSeconds(5));

        Volcano.installCrd();
        controller.awaitLogLine("Volcano PodGroups are on", Duration.ofSeconds(30));
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () -> {
                  assertThat(Volcano.podGroups(n)).containsKey("late-0");
                  assertThat(condition(get(n, "late"), "GangScheduling"))
                      .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
                });
      }
    } finally {
      if (!Volcano.crdInstalled()) {
        Volcano.installCrd();
      }
      modelServings().inNamespace(n).withName("late").delete();
    }
  }

  @Test
  void leaderWorkerSetGroupsThatNameVolcanoGetUpstreamsPodGroups() {
    if (!Volcano.crdInstalled()) {
      Volcano.installCrd();
    }
    String n = ns.name();
    String template =
        "      spec:\n        schedulerName: volcano\n        containers:\n        - name: c\n          image: registry.k8s.io/pause:3.10\n"
            + "          resources: {requests: {cpu: 100m}}\n";
    String lwsYaml =
        "apiVersion: leaderworkerset.x-k8s.io/v1\nkind: LeaderWorkerSet\nmetadata:\n  name: vlws\n"
            + "  annotations: {scheduling.volcano.sh/queue-name: default, volcano.sh/sla-waiting-time: 5m}\n"
            + "spec:\n  replicas: 2\n  leaderWorkerTemplate:\n    size: 3\n    workerTemplate:\n"
            + template;
    try (ControllerProcess controller = ControllerProcess.start("PodGroupIT-lws")) {
      controller.awaitLogLine("Volcano PodGroups are on", Duration.ofSeconds(30));
      controller.awaitLogLine("LeaderWorkerSet support is on", Duration.ofSeconds(30));
      Lws.lwss().inNamespace(n).resource(Lws.fromYaml(lwsYaml)).create();
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                Map<String, Pod> pods = Lws.pods(n, "vlws");
                assertThat(pods).hasSize(6);
                String rev =
                    pods.get("vlws-0")
                        .getMetadata()
                        .getLabels()
                        .get("leaderworkerset.sigs.k8s.io/template-revision-hash");
                assertThat(ofLws(n, "vlws")).containsOnlyKeys("vlws-0-" + rev, "vlws-1-" + rev);
                for (Pod p : pods.values()) {
                  String g =
                      p.getMetadata().getLabels().get("leaderworkerset.sigs.k8s.io/group-index");
                  assertThat(p.getMetadata().getAnnotations())
                      .containsEntry("scheduling.k8s.io/group-name", "vlws-" + g + "-" + rev);
                }
                PodGroup pg = Volcano.podGroups(n).get("vlws-1-" + rev);
                assertThat(pg.getSpec().minMember()).isEqualTo(3);
                assertThat(cpu(pg)).isEqualByComparingTo("0.3");
                assertThat(pg.getSpec().queue()).isEqualTo("default");
                assertThat(pg.getMetadata().getAnnotations())
                    .containsEntry("volcano.sh/sla-waiting-time", "5m");
                assertThat(pg.getMetadata().getLabels())
                    .containsEntry("leaderworkerset.sigs.k8s.io/name", "vlws")
                    .containsEntry("leaderworkerset.sigs.k8s.io/group-index", "1")
                    .containsEntry("leaderworkerset.sigs.k8s.io/template-revision-hash", rev);
                assertThat(pg.getMetadata().getOwnerReferences())
                    .singleElement()
                    .satisfies(
                        o -> {
                          assertThat(o.getKind()).isEqualTo("Pod");
                          assertThat(o.getName()).isEqualTo("vlws-1");
                          assertThat(o.getUid())
                              .isEqualTo(pods.get("vlws-1").getMetadata().getUid());
                          assertThat(o.getController()).isTrue();
                        });
              });

      // The owner chain pod -> ModelServing -> LeaderWorkerSet is controller-marked at every step
      // (tools that walk it, such as KAI's pod grouper, find the LWS).
      LeaderWorkerSet lws = Lws.get(n, "vlws");
      ModelServing ms = get(n, "vlws");
      assertThat(ms.getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(
              o -> {
                assertThat(o.getKind()).isEqualTo("LeaderWorkerSet");
                assertThat(o.getUid()).isEqualTo(lws.getMetadata().getUid());
                assertThat(o.getController()).isTrue();
              });
      assertThat(Lws.pods(n, "vlws").values())
          .allSatisfy(
              p ->
                  assertThat(p.getMetadata().getOwnerReferences())
                      .singleElement()
                      .satisfies(
                          o -> {
                            assertThat(o.getKind()).isEqualTo("ModelServing");
                            assertThat(o.getUid()).isEqualTo(ms.getMetadata().getUid());
                            assertThat(o.getController()).isTrue();
                          }));

      // Rollout: a new revision gets new PodGroups; the old ones go with their leader pods.
      String oldRev =
          Lws.pods(n, "vlws")
              .get("vlws-0")
              .getMetadata()
              .getLabels()
              .get("leaderworkerset.sigs.k8s.io/template-revision-hash");
      Edits.edit(
          Lws.lwss().inNamespace(n).withName("vlws"),
          live -> {
            var workerTemplate = live.getSpec().getLeaderWorkerTemplate().getWorkerTemplate();
            if (workerTemplate.getMetadata() == null) {
              workerTemplate.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
            }
            workerTemplate.getMetadata().setLabels(Map.of("rollout", "2"));
            return live;
          });
      await()
          .atMost(Duration.ofSeconds(120))
          .untilAsserted(
              () -> {
                Map<String, Pod> pods = Lws.pods(n, "vlws");
                assertThat(pods).hasSize(6);
                assertThat(pods.values())
                    .allSatisfy(
                        p -> assertThat(p.getMetadata().getLabels()).containsEntry("rollout", "2"));
                String rev =
                    pods.get("vlws-0")
                        .getMetadata()
                        .getLabels()
                        .get("leaderworkerset.sigs.k8s.io/template-revision-hash");
                assertThat(rev).isNotEqualTo(oldRev);
                assertThat(ofLws(n, "vlws")).containsOnlyKeys("vlws-0-" + rev, "vlws-1-" + rev);
              });

      // startupPolicy LeaderReady: minMember 1 (workers start after the leader), resources of the
      // whole group.
      Lws.lwss()
          .inNamespace(n)
          .resource(
              Lws.fromYaml(
                  lwsYaml
                      .replace("name: vlws", "name: ready")
                      .replace(
                          "spec:\n  replicas: 2",
                          "spec:\n  replicas: 1\n  startupPolicy: LeaderReady")))
          .create();
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                var ready =
                    Volcano.podGroups(n).values().stream()
                        .filter(
                            pg ->
                                "ready"
                                    .equals(
                                        pg.getMetadata()
                                            .getLabels()
                                            .get("leaderworkerset.sigs.k8s.io/name")))
                        .toList();
                assertThat(ready)
                    .singleElement()
                    .satisfies(
                        pg -> {
                          assertThat(pg.getSpec().minMember()).isEqualTo(1);
                          assertThat(cpu(pg)).isEqualByComparingTo("0.3");
                        });
              });

      // An LWS whose pods do not name Volcano gets no PodGroups (upstream's #630).
      Lws.lwss().inNamespace(n).resource(Lws.simple("plain", 1, 2, "", "")).create();
      Lws.awaitReady(n, "plain", 1, 2);
      assertThat(Volcano.podGroups(n).values())
          .noneSatisfy(
              pg ->
                  assertThat(pg.getMetadata().getLabels())
                      .containsEntry("leaderworkerset.sigs.k8s.io/name", "plain"));
      assertThat(Lws.pods(n, "plain").values())
          .allSatisfy(
              p ->
                  assertThat(p.getMetadata().getAnnotations())
                      .doesNotContainKey("scheduling.k8s.io/group-name"));
    }
  }
}
