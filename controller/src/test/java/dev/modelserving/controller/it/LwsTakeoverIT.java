package dev.modelserving.controller.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelserving.api.UpstreamFiles;
import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.v1alpha1.ModelServing;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
 * Live migration from the real upstream LWS controller (v0.10.0, component {@code lws-upstream}):
 * LeaderWorkerSets started by upstream (upstream examples, 4 groups x 2, one whose template changes
 * after the switch, one in the middle of an upstream rollout with a partition and a surge group)
 * are taken over by our controller. Pods that run the current template keep their UID; the rest are
 * replaced while ready groups, sampled every half second, never drop below {@code replicas -
 * maxUnavailable}; no StatefulSet or upstream ControllerRevision is left; the result is what our
 * controller makes for a fresh LWS. With both controllers running, ours stands aside and says why.
 * The upstream controller runs only inside this class, and ours only after it stopped (except in
 * the both-controllers case).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LwsTakeoverIT {
  @RegisterExtension static final TestNamespace ns = new TestNamespace("lws-takeover");
  private static final String PAUSE = "registry.k8s.io/pause:3.10";
  private static final String PAUSE_NEW = "registry.k8s.io/pause:3.9";

  /** Upstream examples that fit the local cluster together (GPUs and TPUs of 4 fake nodes). */
  private static final List<String> EXAMPLES =
      List.of(
          "sample/lws.yaml",
          "sample/lws-rollout-strategy.yaml",
          "llamacpp/k8s/lws.yaml",
          "vllm/GPU/lws.yaml",
          "vllm/TPU/lws.yaml");

  /** name -> {replicas, size, maxUnavailable, maxSurge} of every LWS started under upstream. */
  private static final Map<String, int[]> started = new TreeMap<>();

  private static ControllerProcess controller;
  private static boolean usesUpstream;
  private static String unavailable;

  @BeforeEach
  void requireUpstream() {
    assumeTrue(unavailable == null, unavailable);
  }

  @BeforeAll
  static void startUpstreamWithLeaderWorkerSets() throws Exception {
    unavailable = UpstreamLws.unavailable().orElse(null);
    if (unavailable != null) {
      System.out.println("LwsTakeoverIT: " + unavailable);
      return;
    }
    usesUpstream = true;
    UpstreamLws.stop(); // leftovers of an earlier run
    UpstreamLws.start();
    var client = LocalCluster.client();
    create(Lws.simple("four", 4, 2, "", ""));
    create(Lws.simple("changed", 4, 2, "", ""));
    create(
        Lws.simple(
            "midroll",
            4,
            2,
            "  rolloutStrategy:\n    type: RollingUpdate\n    rollingUpdateConfiguration:\n"
                + "      maxUnavailable: 1\n      maxSurge: 1\n",
            ""));
    for (String example : EXAMPLES) {
      Path file =
          UpstreamFiles.lwsExamples().stream()
              .filter(p -> p.toString().endsWith("/" + example))
              .findFirst()
              .orElseThrow(
                  () -> new IllegalStateException("upstream example " + example + " not found"));
      try (InputStream in = Files.newInputStream(file)) {
        for (HasMetadata item : client.load(in).items()) {
          if (example.equals("vllm/TPU/lws.yaml")) {
            if (!"LeaderWorkerSet".equals(item.getKind())) {
              continue; // its Service is the GPU example's
            }
            item.getMetadata().setName("vllm-tpu"); // both vLLM examples are named vllm
          }
          item.getMetadata().setNamespace(ns.name());
          HasMetadata made = client.resource(item).inNamespace(ns.name()).create();
          if ("LeaderWorkerSet".equals(made.getKind())) {
            LeaderWorkerSet lws =
                client.getKubernetesSerialization().convertValue(made, LeaderWorkerSet.class);
            track(lws);
          }
        }
      }
    }
    started.forEach((name, shape) -> awaitUpstreamReady(name, shape[0], shape[1]));

    // midroll: an upstream rollout held by partition 2, with its surge group: groups 2, 3 and 4 run
    // the new image, 0 and 1 the old one.
    Edits.edit(
        Lws.lwss().inNamespace(ns.name()).withName("midroll"),
        l -> {
          l.getSpec().getRolloutStrategy().getRollingUpdateConfiguration().setPartition(2);
          l.getSpec()
              .getLeaderWorkerTemplate()
              .getWorkerTemplate()
              .getSpec()
              .getContainers()
              .get(0)
              .setImage(PAUSE_NEW);
          return l;
        });
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              Map<String, Pod> pods = Lws.pods(ns.name(), "midroll");
              for (String name :
                  List.of(
                      "midroll-2",
                      "midroll-2-1",
                      "midroll-3",
                      "midroll-3-1",
                      "midroll-4",
                      "midroll-4-1")) {
                assertThat(pods).as("upstream rolled %s", name).containsKey(name);
                assertThat(image(pods.get(name))).as(name).isEqualTo(PAUSE_NEW);
                assertThat(ModelServingLifecycleIT.isReady(pods.get(name)))
                    .as("%s ready", name)
                    .isTrue();
              }
              for (String name : List.of("midroll-0", "midroll-0-1", "midroll-1", "midroll-1-1")) {
                assertThat(image(pods.get(name))).as(name).isEqualTo(PAUSE);
              }
            });
  }

  @AfterAll
  static void stopBoth() {
    if (controller != null) {
      controller.close();
    }
    if (usesUpstream) {
      UpstreamLws.stop(); // its webhooks go first, whatever happened above
    }
  }

  @Test
  @Order(1)
  void withBothControllersRunningOursStandsAsideAndSaysWhy() {
    Map<String, String> before = Lws.uids(ns.name(), "four");
    try (ControllerProcess both = ControllerProcess.start("LwsTakeoverIT-both")) {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () -> {
                assertThat(events("four", "UpstreamControllerActive"))
                    .as("Warning Event on four")
                    .anySatisfy(
                        e -> {
                          assertThat(e.getType()).isEqualTo("Warning");
                          assertThat(e.getMessage())
                              .contains("webhooks are registered")
                              .contains("stop the upstream LWS controller");
                        });
                assertThat(Lws.condition(Lws.get(ns.name(), "four"), "UpstreamTakeover"))
                    .hasValueSatisfying(
                        c -> assertThat(c.getReason()).isEqualTo("UpstreamControllerActive"));
              });
      assertThat(
              LocalCluster.client()
                  .resources(ModelServing.class)
                  .inNamespace(ns.name())
                  .withName("four")
                  .get())
          .as("no ModelServing while upstream drives the LWS")
          .isNull();
      assertThat(Lws.uids(ns.name(), "four")).isEqualTo(before);
      assertThat(statefulSets("four")).isNotEmpty();
    }
  }

  @Test
  @Order(2)
  void switchingControllersKeepsMatchingPodsAndReplacesTheRestWithinBudget() {
    Map<String, Map<String, String>> uidsBefore = new TreeMap<>();
    started.keySet().forEach(name -> uidsBefore.put(name, Lws.uids(ns.name(), name)));

    UpstreamLws.stop();
    // After the switch: changed gets a new template (every pod differs), midroll's rollout is let
    // go.
    Edits.edit(
        Lws.lwss().inNamespace(ns.name()).withName("changed"),
        l -> {
          l.getSpec()
              .getLeaderWorkerTemplate()
              .getWorkerTemplate()
              .getSpec()
              .getContainers()
              .get(0)
              .setImage(PAUSE_NEW);
          return l;
        });
    Edits.edit(
        Lws.lwss().inNamespace(ns.name()).withName("midroll"),
        l -> {
          l.getSpec().getRolloutStrategy().getRollingUpdateConfiguration().setPartition(0);
          return l;
        });

    Sampler sampler = new Sampler();
    sampler.start();
    try {
      controller = ControllerProcess.start("LwsTakeoverIT");
      started.forEach((name, shape) -> awaitTakenOver(name, shape[0], shape[1]));
    } finally {
      sampler.stop();
    }

    // Pods that ran the current template kept their UIDs; the others were replaced.
    for (String name : started.keySet()) {
      if (!name.equals("changed") && !name.equals("midroll")) {
        assertThat(Lws.uids(ns.name(), name))
            .as("pods of %s keep their UIDs", name)
            .isEqualTo(uidsBefore.get(name));
      }
    }
    Map<String, String> changed = Lws.uids(ns.name(), "changed");
    changed.forEach(
        (pod, uid) ->
            assertThat(uid)
                .as("%s replaced", pod)
                .isNotEqualTo(uidsBefore.get("changed").get(pod)));
    Lws.pods(ns.name(), "changed").values().forEach(p -> assertThat(image(p)).isEqualTo(PAUSE_NEW));
    Map<String, String> midroll = Lws.uids(ns.name(), "midroll");
    for (String kept : List.of("midroll-2", "midroll-2-1", "midroll-3", "midroll-3-1")) {
      assertThat(midroll.get(kept))
          .as("%s ran the new template under upstream: kept", kept)
          .isEqualTo(uidsBefore.get("midroll").get(kept));
    }
    for (String replaced : List.of("midroll-0", "midroll-0-1", "midroll-1", "midroll-1-1")) {
      assertThat(midroll.get(replaced))
          .as("%s replaced", replaced)
          .isNotEqualTo(uidsBefore.get("midroll").get(replaced));
    }
    Lws.pods(ns.name(), "midroll").values().forEach(p -> assertThat(image(p)).isEqualTo(PAUSE_NEW));

    // Within budget all along; `kubectl get lws` never lost the groups of an LWS whose pods stayed.
    System.out.println(
        "fewest ready groups per LWS during the takeover (every 0.5 s, "
            + sampler.samples.get()
            + " samples): "
            + sampler.minReadyGroups
            + "; readyReplicas of four seen: "
            + new java.util.TreeSet<>(sampler.fourStatusReady));
    sampler.minReadyGroups.forEach(
        (name, min) -> {
          int[] shape = started.get(name);
          assertThat(min)
              .as(
                  "fewest ready groups of %s while taken over (replicas %d, maxUnavailable %d)",
                  name, shape[0], shape[2])
              .isGreaterThanOrEqualTo(shape[0] - shape[2]);
        });
    assertThat(sampler.samples.get()).as("samples taken").isGreaterThan(4);
    assertThat(sampler.fourStatusReady).as("readyReplicas of four in every sample").containsOnly(4);
    System.out.println(
        "lowest READY of `kubectl get lws` per LWS during the takeover: " + sampler.statusReady);
    sampler.statusReady.forEach(
        (name, min) ->
            assertThat(min)
                .as("lowest readyReplicas of %s", name)
                .isGreaterThanOrEqualTo(started.get(name)[0] - started.get(name)[2]));

    for (String reason : List.of("TakeoverStarted", "TakeoverAdopted", "TakeoverCompleted")) {
      assertThat(events("four", reason)).as("%s Event on four", reason).isNotEmpty();
    }
    assertThat(events("changed", "TakeoverAdopted"))
        .anySatisfy(
            e ->
                assertThat(e.getMessage())
                    .contains("adopted 8 pods: 0 run the current template")
                    .contains("replaced group by group"));
  }

  @Test
  @Order(3)
  void theTakenOverStateIsWhatOurControllerMakesForAFreshLws() {
    // The same LWS as stored (upstream's webhook wrote its defaults into it), under a new name.
    var client = LocalCluster.client();
    var json = client.getKubernetesSerialization();
    LeaderWorkerSet same = new LeaderWorkerSet();
    same.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName("fresh")
            .withNamespace(ns.name())
            .build());
    same.setSpec(json.clone(Lws.get(ns.name(), "four").getSpec()));
    create(same);
    Lws.awaitReady(ns.name(), "fresh", 4, 2);

    ModelServing four =
        client.resources(ModelServing.class).inNamespace(ns.name()).withName("four").get();
    ModelServing fresh =
        client.resources(ModelServing.class).inNamespace(ns.name()).withName("fresh").get();
    assertThat(json.asJson(four.getSpec()).replace("four", "X"))
        .isEqualTo(json.asJson(fresh.getSpec()).replace("fresh", "X"));
    assertThat(four.getMetadata().getAnnotations().keySet())
        .isEqualTo(fresh.getMetadata().getAnnotations().keySet());

    Map<String, Pod> adopted = Lws.pods(ns.name(), "four");
    Map<String, Pod> made = Lws.pods(ns.name(), "fresh");
    for (var e : adopted.entrySet()) {
      Pod a = e.getValue();
      Pod f = made.get(e.getKey().replaceFirst("^four", "fresh"));
      assertThat(comparable(a.getMetadata().getLabels(), "four"))
          .as("labels of %s", e.getKey())
          .isEqualTo(comparable(f.getMetadata().getLabels(), "fresh"));
      assertThat(comparable(a.getMetadata().getAnnotations(), "four"))
          .as("annotations of %s", e.getKey())
          .isEqualTo(comparable(f.getMetadata().getAnnotations(), "fresh"));
      assertThat(owners(a)).isEqualTo(owners(f)).containsExactly("ModelServing controller=true");
      assertThat(a.getSpec().getHostname().replace("four", "X"))
          .isEqualTo(f.getSpec().getHostname().replace("fresh", "X"));
      assertThat(a.getSpec().getSubdomain().replace("four", "X"))
          .isEqualTo(f.getSpec().getSubdomain().replace("fresh", "X"));
      // Env cannot change without a restart: adopted pods lack only Kthena's three extra variables.
      List<String> freshEnv = envOf(f, "fresh");
      freshEnv.removeIf(
          v ->
              v.startsWith("ENTRY_ADDRESS=")
                  || v.startsWith("WORKER_INDEX=")
                  || v.startsWith("GROUP_SIZE="));
      assertThat(envOf(a, "four")).as("env of %s", e.getKey()).isEqualTo(freshEnv);
    }
    Service adoptedService = client.services().inNamespace(ns.name()).withName("four").get();
    Service freshService = client.services().inNamespace(ns.name()).withName("fresh").get();
    assertThat(comparable(adoptedService.getMetadata().getLabels(), "four"))
        .isEqualTo(comparable(freshService.getMetadata().getLabels(), "fresh"));
    assertThat(comparable(adoptedService.getSpec().getSelector(), "four"))
        .isEqualTo(comparable(freshService.getSpec().getSelector(), "fresh"));
    assertThat(adoptedService.getSpec().getPublishNotReadyAddresses())
        .isEqualTo(freshService.getSpec().getPublishNotReadyAddresses());
    assertThat(adoptedService.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(owners(adoptedService)).isEqualTo(owners(freshService));
  }

  /**
   * The way back (docs/migrate-from-lws.md): ours stopped, the ModelServing deleted without its
   * pods, the Service's selector given back, our revisions removed, upstream started: upstream's
   * StatefulSets adopt the orphaned pods and replace them with their own.
   */
  @Test
  @Order(4)
  void theWayBackToUpstreamWorksAsDocumented() {
    // Seen on 2026-12-01: with the volcano and kthena components running, the upstream controller
    // never gets the orphaned LWS ready again (its reconciler fails with `strconv.Atoi: parsing ""`
    // on every pass); without them the way back passes. Not yet pinned to one of the two.
    assumeTrue(
        !LocalCluster.hasComponent("volcano") && !LocalCluster.hasComponent("kthena"),
        "the way back to upstream is tested only without the volcano and kthena components: the"
            + " upstream controller fails with strconv.Atoi parsing \"\" while they run (see"
            + " docs/migrate-from-lws.md); run TEST_WITH=kueue,lws-upstream make test");
    var client = LocalCluster.client();
    controller.close();
    controller = null;
    // The garbage collector orphans pods, the Service and our revisions (whose data it re-encodes).
    client
        .resources(ModelServing.class)
        .inNamespace(ns.name())
        .withName("four")
        .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.ORPHAN)
        .delete();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                client.resources(ModelServing.class).inNamespace(ns.name()).withName("four").get()
                    == null);
    client
        .apps()
        .controllerRevisions()
        .inNamespace(ns.name())
        .withLabel("modelserving.volcano.sh/name", "four")
        .delete();
    client
        .services()
        .inNamespace(ns.name())
        .withName("four")
        .patch(
            io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON_MERGE),
            "{\"spec\":{\"selector\":{\"leaderworkerset.sigs.k8s.io/name\":\"four\",\"modelserving.volcano.sh/name\":null}}}");

    Map<String, String> ours = Lws.uids(ns.name(), "four");
    UpstreamLws.start();
    await()
        .atMost(Duration.ofSeconds(240))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              awaitUpstreamReady("four", 4, 2);
              for (Pod p : Lws.pods(ns.name(), "four").values()) {
                assertThat(owners(p))
                    .as("owner of %s", p.getMetadata().getName())
                    .containsExactly("StatefulSet controller=true");
              }
              Set<String> selected =
                  client
                      .pods()
                      .inNamespace(ns.name())
                      .withLabels(
                          client
                              .services()
                              .inNamespace(ns.name())
                              .withName("four")
                              .get()
                              .getSpec()
                              .getSelector())
                      .list()
                      .getItems()
                      .stream()
                      .map(p -> p.getMetadata().getName())
                      .collect(Collectors.toCollection(java.util.TreeSet::new));
              assertThat(selected)
                  .as("pods behind Service four")
                  .isEqualTo(Lws.podNames("four", 4, 2));
            });
    Map<String, String> upstream = Lws.uids(ns.name(), "four");
    System.out.println(
        "the way back: "
            + ours.keySet().stream().filter(p -> !ours.get(p).equals(upstream.get(p))).count()
            + " of "
            + ours.size()
            + " pods of four were replaced by upstream's StatefulSets");
  }

  // ---- helpers ----

  private static void create(LeaderWorkerSet lws) {
    lws.getMetadata().setNamespace(ns.name());
    track(Lws.lwss().inNamespace(ns.name()).resource(lws).create());
  }

  private static void track(LeaderWorkerSet lws) {
    if (lws.getMetadata().getName().equals("fresh")) {
      return;
    }
    int replicas = lws.getSpec().getReplicas() == null ? 1 : lws.getSpec().getReplicas();
    int size =
        lws.getSpec().getLeaderWorkerTemplate().getSize() == null
            ? 1
            : lws.getSpec().getLeaderWorkerTemplate().getSize();
    var rolling =
        lws.getSpec().getRolloutStrategy() == null
            ? null
            : lws.getSpec().getRolloutStrategy().getRollingUpdateConfiguration();
    int maxUnavailable =
        rolling == null || rolling.getMaxUnavailable() == null
            ? 1
            : intValue(rolling.getMaxUnavailable(), replicas);
    int maxSurge =
        rolling == null || rolling.getMaxSurge() == null
            ? 0
            : intValue(rolling.getMaxSurge(), replicas);
    started.put(lws.getMetadata().getName(), new int[] {replicas, size, maxUnavailable, maxSurge});
  }

  private static int intValue(IntOrString v, int replicas) {
    if (v.getIntVal() != null) {
      return v.getIntVal();
    }
    return replicas * Integer.parseInt(v.getStrVal().replace("%", "")) / 100;
  }

  /** Upstream made it: a leader StatefulSet, every pod Running and Ready, status readyReplicas. */
  private static void awaitUpstreamReady(String name, int replicas, int size) {
    await()
        .atMost(Duration.ofSeconds(180))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              assertThat(statefulSets(name))
                  .extracting(s -> s.getMetadata().getName())
                  .as("upstream StatefulSets of %s", name)
                  .contains(name);
              Map<String, Pod> pods = Lws.pods(ns.name(), name);
              assertThat(pods.keySet())
                  .as("pods of %s under upstream", name)
                  .isEqualTo(Lws.podNames(name, replicas, size));
              pods.values()
                  .forEach(
                      p ->
                          assertThat(ModelServingLifecycleIT.isReady(p))
                              .as("%s ready", p.getMetadata().getName())
                              .isTrue());
              LeaderWorkerSet lws = Lws.get(ns.name(), name);
              assertThat(lws.getStatus()).isNotNull();
              assertThat(lws.getStatus().getReadyReplicas())
                  .as("upstream's readyReplicas of %s", name)
                  .isEqualTo(replicas);
            });
  }

  /**
   * Ours runs it: ready and updated, no StatefulSet or upstream revision left, the takeover
   * condition done.
   */
  private static void awaitTakenOver(String name, int replicas, int size) {
    await()
        .atMost(Duration.ofSeconds(240))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              assertThat(statefulSets(name)).as("StatefulSets of %s", name).isEmpty();
              assertThat(Lws.condition(Lws.get(ns.name(), name), "UpstreamTakeover"))
                  .as("takeover of %s", name)
                  .hasValueSatisfying(
                      c ->
                          assertThat(c.getReason() + " " + c.getStatus())
                              .isEqualTo("TakeoverCompleted False"));
              ModelServing ms =
                  LocalCluster.client()
                      .resources(ModelServing.class)
                      .inNamespace(ns.name())
                      .withName(name)
                      .get();
              assertThat(ms).isNotNull();
              for (Pod p : Lws.pods(ns.name(), name).values()) {
                assertThat(owners(p))
                    .as("owner of %s", p.getMetadata().getName())
                    .containsExactly("ModelServing controller=true");
                assertThat(p.getMetadata().getOwnerReferences().get(0).getUid())
                    .isEqualTo(ms.getMetadata().getUid());
              }
              List<ControllerRevision> upstreamRevisions =
                  LocalCluster.client()
                      .apps()
                      .controllerRevisions()
                      .inNamespace(ns.name())
                      .withLabel("leaderworkerset.sigs.k8s.io/name", name)
                      .list()
                      .getItems();
              assertThat(upstreamRevisions)
                  .as("upstream ControllerRevisions of %s", name)
                  .isEmpty();
            });
    Lws.awaitReady(ns.name(), name, replicas, size);
  }

  private static List<StatefulSet> statefulSets(String lws) {
    return LocalCluster.client()
        .apps()
        .statefulSets()
        .inNamespace(ns.name())
        .withLabel("leaderworkerset.sigs.k8s.io/name", lws)
        .list()
        .getItems();
  }

  private static List<Event> events(String lws, String reason) {
    return LocalCluster.client().v1().events().inNamespace(ns.name()).list().getItems().stream()
        .filter(e -> lws.equals(e.getInvolvedObject().getName()) && reason.equals(e.getReason()))
        .toList();
  }

  private static String image(Pod pod) {
    return pod.getSpec().getContainers().get(0).getImage();
  }

  private static List<String> owners(HasMetadata o) {
    List<String> owners = new ArrayList<>();
    for (OwnerReference r : o.getMetadata().getOwnerReferences()) {
      owners.add(r.getKind() + " controller=" + r.getController());
    }
    return owners;
  }

  /**
   * Name replaced by X; the group keys are hashes of the leader's name, so only their presence
   * counts.
   */
  private static Map<String, String> comparable(Map<String, String> map, String name) {
    Map<String, String> out = new TreeMap<>();
    if (map != null) {
      map.forEach((k, v) -> out.put(k, k.endsWith("group-key") ? "<hash>" : v.replace(name, "X")));
    }
    return out;
  }

  private static List<String> envOf(Pod pod, String name) {
    List<String> env = new ArrayList<>();
    for (Container c : pod.getSpec().getContainers()) {
      for (EnvVar v : c.getEnv()) {
        env.add(
            c.getName()
                + ":"
                + v.getName()
                + "="
                + String.valueOf(v.getValue()).replace(name, "X"));
      }
    }
    env.replaceAll(v -> v.substring(v.indexOf(':') + 1));
    return env;
  }

  /**
   * Every half second: fully ready groups per LWS (surge groups included), and four's
   * readyReplicas.
   */
  private static final class Sampler {
    final Map<String, Integer> minReadyGroups = new ConcurrentHashMap<>();

    /** The lowest status.readyReplicas (`kubectl get lws` READY) seen per LWS. */
    final Map<String, Integer> statusReady = new ConcurrentHashMap<>();

    final List<Integer> fourStatusReady = Collections.synchronizedList(new ArrayList<>());
    final java.util.concurrent.atomic.AtomicInteger samples =
        new java.util.concurrent.atomic.AtomicInteger();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    void start() {
      timer.scheduleAtFixedRate(this::sample, 0, 500, TimeUnit.MILLISECONDS);
    }

    void stop() {
      timer.shutdownNow();
      try {
        timer.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void sample() {
      try {
        Map<String, List<Pod>> byLws =
            LocalCluster.client()
                .pods()
                .inNamespace(ns.name())
                .withLabel("leaderworkerset.sigs.k8s.io/name")
                .list()
                .getItems()
                .stream()
                .collect(
                    Collectors.groupingBy(
                        p -> p.getMetadata().getLabels().get("leaderworkerset.sigs.k8s.io/name")));
        started.forEach(
            (name, shape) -> {
              Map<String, Pod> pods = new LinkedHashMap<>();
              byLws
                  .getOrDefault(name, List.of())
                  .forEach(p -> pods.put(p.getMetadata().getName(), p));
              int ready = 0;
              for (int g = 0; g < shape[0] + shape[3]; g++) {
                boolean all = true;
                for (int w = 0; w < shape[1] && all; w++) {
                  Pod p = pods.get(w == 0 ? name + "-" + g : name + "-" + g + "-" + w);
                  all =
                      p != null
                          && p.getMetadata().getDeletionTimestamp() == null
                          && ModelServingLifecycleIT.isReady(p);
                }
                if (all) {
                  ready++;
                }
              }
              minReadyGroups.merge(name, ready, Math::min);
            });
        for (LeaderWorkerSet lws : Lws.lwss().inNamespace(ns.name()).list().getItems()) {
          String name = lws.getMetadata().getName();
          if (!started.containsKey(name)
              || lws.getStatus() == null
              || lws.getStatus().getReadyReplicas() == null) {
            continue;
          }
          statusReady.merge(name, lws.getStatus().getReadyReplicas(), Math::min);
          if (name.equals("four")) {
            fourStatusReady.add(lws.getStatus().getReadyReplicas());
          }
        }
        samples.incrementAndGet();
      } catch (RuntimeException e) {
        // a failed read is a missed sample, not a failure of the test
      }
    }
  }
}
