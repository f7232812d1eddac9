package dev.modelserving.controller.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.lws.v1.LwsKeys;
import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Annotations;
import dev.modelserving.controller.testing.ModelServingFixture;
import dev.modelserving.controller.testing.PodFixture;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class PodHealthTest {
  static final Instant CREATED = Instant.parse("2025-01-01T10:00:00Z");
  static final Instant FINISHED = Instant.parse("2025-01-01T11:00:00Z");

  static Pod pod(UnaryOperator<PodFixture> state) {
    ModelServing ms = ModelServingFixture.named("m").role("r", 1, 0).build();
    return state.apply(PodFixture.of(PodFixture.pod(ms, 0, "r", 0, 0)).createdAt(CREATED)).build();
  }

  static Stream<Arguments> states() {
    // state, ready, failed, terminating
    return Stream.of(
        Arguments.of("no status yet", (UnaryOperator<PodFixture>) f -> f, false, false, false),
        Arguments.of(
            "pending", (UnaryOperator<PodFixture>) PodFixture::pending, false, false, false),
        Arguments.of(
            "unschedulable",
            (UnaryOperator<PodFixture>) f -> f.unschedulable("no nodes"),
            false,
            false,
            false),
        Arguments.of(
            "running, not ready",
            (UnaryOperator<PodFixture>) PodFixture::runningNotReady,
            false,
            false,
            false),
        Arguments.of(
            "running and ready",
            (UnaryOperator<PodFixture>) PodFixture::runningReady,
            true,
            false,
            false),
        Arguments.of(
            "restarted, ready again",
            (UnaryOperator<PodFixture>) f -> f.restartedButReady(2),
            true,
            false,
            false),
        Arguments.of(
            "crash-looping",
            (UnaryOperator<PodFixture>) f -> f.crashLooping(3, FINISHED),
            false,
            true,
            false),
        Arguments.of(
            "phase Failed",
            (UnaryOperator<PodFixture>) f -> f.failed(FINISHED),
            false,
            true,
            false),
        Arguments.of(
            "ready but terminating",
            (UnaryOperator<PodFixture>) f -> f.runningReady().terminating(),
            false,
            false,
            true),
        Arguments.of(
            "failed and terminating",
            (UnaryOperator<PodFixture>) f -> f.failed(FINISHED).terminating(),
            false,
            false,
            true));
  }

  @ParameterizedTest(name = "{0}: ready={1}, failed={2}, terminating={3}")
  @MethodSource("states")
  void classifies(
      String name,
      UnaryOperator<PodFixture> state,
      boolean ready,
      boolean failed,
      boolean terminating) {
    Pod pod = pod(state);
    assertThat(PodHealth.isReady(pod)).as("ready").isEqualTo(ready);
    assertThat(PodHealth.isFailed(pod)).as("failed").isEqualTo(failed);
    assertThat(PodHealth.isTerminating(pod)).as("terminating").isEqualTo(terminating);
  }

  @Test
  void failedSinceIsWhenTheContainerLastTerminated() {
    assertThat(PodHealth.failedSince(pod(f -> f.failed(FINISHED)))).isEqualTo(FINISHED);
    assertThat(PodHealth.failedSince(pod(f -> f.crashLooping(1, FINISHED)))).isEqualTo(FINISHED);
  }

  @Test
  void failedSinceFallsBackToCreation() {
    Pod pod = pod(f -> f.failed(FINISHED));
    pod.getStatus().setContainerStatuses(null);
    assertThat(PodHealth.failedSince(pod)).isEqualTo(CREATED);
    pod.getStatus().getConditions().get(0).setLastTransitionTime("2025-01-01T10:30:00Z");
    assertThat(PodHealth.failedSince(pod)).isEqualTo(Instant.parse("2025-01-01T10:30:00Z"));
  }

  @ParameterizedTest(name = "deletion cost \"{0}\" = {1}")
  @CsvSource(
      nullValues = "null",
      value = {"null, 0", "'5', 5", "' 7 ', 7", "'-3', -3", "'x', 0", "'1.5', 0", "'', 0"})
  void deletionCost(String annotation, long cost) {
    Pod pod =
        annotation == null
            ? pod(f -> f)
            : pod(f -> f.annotation(Annotations.POD_DELETION_COST, annotation));
    assertThat(PodHealth.deletionCost(pod)).isEqualTo(cost);
  }

  @Test
  void unschedulableMessage() {
    assertThat(PodHealth.unschedulableMessage(pod(f -> f.unschedulable("0/3 nodes are available"))))
        .contains("0/3 nodes are available");
    assertThat(PodHealth.unschedulableMessage(pod(PodFixture::pending))).isEmpty();
    assertThat(PodHealth.unschedulableMessage(pod(f -> f))).isEmpty();
  }

  @Test
  void aGatedPodNamesItsGates() {
    assertThat(PodHealth.unschedulableMessage(pod(f -> f.gated("example.com/wait"))))
        .contains("held by scheduling gate example.com/wait");
  }

  @Test
  void aPodGatedByKueueSaysItWaitsForAdmission() {
    assertThat(
            PodHealth.unschedulableMessage(
                pod(f -> f.gated(LwsKeys.Kueue.ADMISSION_GATE, LwsKeys.Kueue.TOPOLOGY_GATE))))
        .contains(
            "held by scheduling gates kueue.x-k8s.io/admission, kueue.x-k8s.io/topology"
                + " (Kueue has not admitted the group's Workload yet: its ClusterQueue lacks quota or is stopped)");
  }

  @Test
  void aGatedConditionWithoutGatesInTheSpecKeepsTheApiServersMessage() {
    Pod pod = pod(f -> f.gated());
    assertThat(PodHealth.unschedulableMessage(pod))
        .contains("Scheduling is blocked due to non-empty scheduling gates");
  }
}
