package dev.modelserving.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.UpstreamFiles;
import dev.modelserving.api.lws.v1.LwsKeys;
import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Annotations;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Labels;
import dev.modelserving.controller.conversion.LwsPreviewPods;
import dev.modelserving.controller.gang.VolcanoPodGroups;
import dev.modelserving.controller.plan.Plan;
import dev.modelserving.controller.plan.ServingGroupPlanner;
import dev.modelserving.controller.status.ModelServingStatusAggregator;
import dev.modelserving.controller.testing.ModelServingFixture;
import dev.modelserving.controller.testing.PodFixture;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The readers of cached pods (planner, status aggregation, Volcano PodGroup decision) decide the
 * same on pods as the pod cache keeps them ({@link CachePruning#podView}) as on whole pods: a spec
 * field they read and the view drops makes these differ. The pods are the controller's own (podgen
 * and its plugins: env, volumes, affinity, probes of the upstream examples), with kwok-like status.
 */
class PodViewParityTest {
  private static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");
  private static final Instant CREATED = NOW.minusSeconds(3600);

  /** Kthena shape, every pod state the planner and status tell apart. */
  @Test
  void kthenaPodsInEveryState() {
    ModelServing ms = ModelServingFixture.named("m").replicas(4).role("r", 1, 2).build();
    List<Pod> pods = new ArrayList<>();
    pods.addAll(each(PodFixture.groupPods(ms, 0), f -> f.runningReady().nodeName("kwok-node-1")));
    pods.addAll(each(PodFixture.groupPods(ms, 1), f -> f.unschedulable("0/3 nodes are available")));
    pods.addAll(each(PodFixture.groupPods(ms, 2), f -> f.gated("example.com/quota")));
    List<Pod> third = PodFixture.groupPods(ms, 3);
    pods.add(PodFixture.of(third.get(0)).runningReady().nodeName("kwok-node-2").build());
    pods.add(PodFixture.of(third.get(1)).failed(NOW.minusSeconds(5)).build());
    pods.add(PodFixture.of(third.get(2)).crashLooping(4, NOW.minusSeconds(9)).build());

    assertSameDecisions(ms, pods);
  }

  /** Pods held by a scheduling gate: the status names the gate, read from the cached pod. */
  @Test
  void gatedPodsNameTheirGate() {
    ModelServing ms = ModelServingFixture.named("m").replicas(1).role("r", 1, 1).build();
    List<Pod> pods = each(PodFixture.groupPods(ms, 0), f -> f.gated(LwsKeys.Kueue.ADMISSION_GATE));

    String message =
        ModelServingStatusAggregator.compute(ms, pods, Optional.empty(), NOW)
            .getConditions()
            .stream()
            .map(c -> c.getMessage())
            .filter(m -> m != null && m.contains("cannot be scheduled"))
            .findFirst()
            .orElseThrow();
    assertThat(message).contains(LwsKeys.Kueue.ADMISSION_GATE);
    assertSameDecisions(ms, pods);
  }

  /**
   * Workers pinned to their entry pod's topology domain are made once the entry pod has a node: the
   * planner reads the cached entry pod's nodeName.
   */
  @Test
  void workersWaitForTheirEntryPodsNode() {
    ModelServing ms =
        ModelServingFixture.named("m")
            .replicas(2)
            .annotation(Annotations.WORKER_TOPOLOGY, "topology.kubernetes.io/zone")
            .role("r", 1, 2)
            .build();
    List<Pod> pods = new ArrayList<>();
    pods.add(entry(ms, 0, f -> f.runningReady().nodeName("kwok-node-1")));
    pods.add(entry(ms, 1, f -> f.pending()));

    Plan plan = ServingGroupPlanner.plan(input(ms, pods));
    assertThat(names(plan.podsToCreate())).contains("m-0-r-0-1").doesNotContain("m-1-r-0-1");
    assertSameDecisions(ms, pods);
  }

  /** LWS shape under Volcano: a PodGroup per group whose leader names the volcano scheduler. */
  @Test
  void volcanoLeaderWorkerSet() throws Exception {
    var preview =
        LwsPreviewPods.preview(
            LwsPreviewPods.leaderWorkerSets(
                    Files.readString(
                        UpstreamFiles.lws()
                            .resolve(
                                "docs/examples/sample/gang-scheduling/lws-sample-volcano.yaml")))
                .get(0));
    List<Pod> pods = new ArrayList<>();
    for (Pod p : preview.pods()) {
      Pod created = PodFixture.of(p).pending().build();
      created.getMetadata().setUid("uid-" + p.getMetadata().getName());
      pods.add(created);
    }
    assertThat(
            VolcanoPodGroups.decide(
                    new VolcanoPodGroups.Input(
                        preview.ms(), true, true, pods, List.of(), List.of()))
                .create())
        .isNotEmpty();
    assertSameDecisions(preview.ms(), pods);
  }

  /** LWS exclusive placement, leaders scheduled on kwok nodes, workers not made yet. */
  @Test
  void exclusivePlacementLeaderWorkerSet() throws Exception {
    var preview =
        LwsPreviewPods.preview(
            LwsPreviewPods.leaderWorkerSets(
                    Files.readString(
                        UpstreamFiles.lws()
                            .resolve("docs/examples/sample/lws-exclusive-placement.yaml")))
                .get(0));
    List<Pod> pods = new ArrayList<>();
    for (Pod p : preview.pods()) {
      if ("0".equals(p.getMetadata().getLabels().get(Labels.WORKER_INDEX))) {
        pods.add(PodFixture.of(p).runningReady().nodeName("kwok-node-1").build());
      }
    }
    assertSameDecisions(preview.ms(), pods);
  }

  private static void assertSameDecisions(ModelServing ms, List<Pod> whole) {
    List<Pod> cached =
        whole.stream()
            .map(p -> SharedValues.shared(CachePruning.podView(PodFixture.SERIALIZATION.clone(p))))
            .toList();
    assertThat(cached.get(0).getSpec().getContainers()).isEmpty(); // the view did prune
    assertThat(decisions(ms, cached)).isEqualTo(decisions(ms, whole));
  }

  /**
   * What the readers of cached pods decide, as text (pods compared by name: cached ones differ).
   */
  private static List<String> decisions(ModelServing ms, List<Pod> pods) {
    Plan plan = ServingGroupPlanner.plan(input(ms, pods));
    var status =
        ModelServingStatusAggregator.compute(
            PodFixture.SERIALIZATION.clone(ms), pods, Optional.empty(), NOW);
    var volcano =
        VolcanoPodGroups.decide(
            new VolcanoPodGroups.Input(ms, true, true, pods, plan.podsToCreate(), List.of()));
    return List.of(
        "create " + PodFixture.SERIALIZATION.asJson(plan.podsToCreate()),
        "delete " + names(plan.podsToDelete()),
        "services " + PodFixture.SERIALIZATION.asJson(plan.servicesToCreate()),
        "services gone " + names(plan.servicesToDelete()),
        "requeue " + plan.requeueAfter(),
        "notes " + plan.notes(),
        "status " + PodFixture.SERIALIZATION.asJson(status),
        "podgroups apply " + PodFixture.SERIALIZATION.asJson(volcano.apply()),
        "podgroups create " + PodFixture.SERIALIZATION.asJson(volcano.create()),
        "podgroups delete " + names(volcano.delete()),
        "gang " + volcano.status());
  }

  private static ServingGroupPlanner.Input input(ModelServing ms, List<Pod> pods) {
    return new ServingGroupPlanner.Input(ms, pods, List.of(), List.of(), NOW);
  }

  private static Pod entry(ModelServing ms, int group, UnaryOperator<PodFixture> state) {
    return state.apply(PodFixture.of(PodFixture.pod(ms, group, "r", 0, 0))).build();
  }

  private static List<Pod> each(List<Pod> pods, UnaryOperator<PodFixture> state) {
    return pods.stream()
        .map(p -> state.apply(PodFixture.of(p).createdAt(CREATED)).build())
        .toList();
  }

  private static List<String> names(List<? extends HasMetadata> objects) {
    return objects.stream().map(o -> o.getMetadata().getName()).toList();
  }
}
