package dev.modelserving.controller.plan;

import static dev.modelserving.controller.plan.PlanScenario.NOW;
import static dev.modelserving.controller.plan.PlanScenario.context;
import static dev.modelserving.controller.plan.PlanScenario.names;
import static dev.modelserving.controller.plan.PlanScenario.ready;
import static dev.modelserving.controller.plan.PlanScenario.with;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Annotations;
import dev.modelserving.api.v1alpha1.RecoveryPolicy;
import dev.modelserving.controller.testing.ModelServingFixture;
import dev.modelserving.controller.testing.PodFixture;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link FailurePolicy} on role replica p-0 (entry + 2 workers) of group m-0, created an hour ago;
 * the grace period is 60 s.
 */
class FailurePolicyTest {
  static final Instant LONG_AGO = NOW.minusSeconds(600);
  static final Instant JUST_NOW = NOW.minusSeconds(10);

  record Case(
      String name,
      RecoveryPolicy policy,
      String restartPolicy,
      Function<List<Pod>, List<Pod>> cluster,
      List<Disruption> disruptions,
      List<String> notes,
      List<String> deleted,
      Optional<Instant> recreateGroupBefore,
      Optional<Instant> lookAgainAt) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Function<List<Pod>, List<Pod>> change(String pod, UnaryOperator<PodFixture> how) {
    return pods -> with(pods, PlanScenario.named(pod), how);
  }

  static final List<String> REPLICA = List.of("m-0-p-0-0", "m-0-p-0-1", "m-0-p-0-2");

  static Stream<Case> cases() {
    Disruption deletedWorker = new Disruption(0, "p", 0, "m-0-p-0-1", JUST_NOW);
    return Stream.of(
        new Case(
            "healthy: nothing",
            RecoveryPolicy.RoleRecreate,
            null,
            p -> p,
            List.of(),
            List.of(),
            List.of(),
            Optional.empty(),
            Optional.empty()),
        new Case(
            "RoleRecreate: a pod failed past the grace period rebuilds the replica",
            RecoveryPolicy.RoleRecreate,
            null,
            change("m-0-p-0-1", f -> f.failed(LONG_AGO)),
            List.of(),
            List.of("pod m-0-p-0-1 failed: recreating role replica p-0 of serving group m-0"),
            REPLICA,
            Optional.empty(),
            Optional.empty()),
        new Case(
            "within the grace period: wait and look again when it is due",
            RecoveryPolicy.RoleRecreate,
            null,
            change("m-0-p-0-1", f -> f.failed(JUST_NOW)),
            List.of(),
            List.of(),
            List.of(),
            Optional.empty(),
            Optional.of(JUST_NOW.plusSeconds(60))),
        new Case(
            "ServingGroupRecreate: the whole group goes, created before the failure",
            RecoveryPolicy.ServingGroupRecreate,
            null,
            change("m-0-p-0-1", f -> f.failed(LONG_AGO)),
            List.of(),
            List.of("pod m-0-p-0-1 failed: recreating serving group m-0"),
            List.of(),
            Optional.of(NOW),
            Optional.empty()),
        new Case(
            "None: failed pods stay",
            RecoveryPolicy.None,
            null,
            change("m-0-p-0-1", f -> f.failed(LONG_AGO)),
            List.of(),
            List.of(),
            List.of(),
            Optional.empty(),
            Optional.empty()),
        new Case(
            "None: a deleted pod does not rebuild the replica either",
            RecoveryPolicy.None,
            null,
            p -> p,
            List.of(deletedWorker),
            List.of(),
            List.of(),
            Optional.empty(),
            Optional.empty()),
        new Case(
            "a restart that is Ready again is healthy",
            RecoveryPolicy.RoleRecreate,
            null,
            change("m-0-p-0-1", f -> f.restartedButReady(2)),
            List.of(),
            List.of(),
            List.of(),
            Optional.empty(),
            Optional.empty()),
        new Case(
            "LWS RecreateGroupOnPodRestart: any restart counts",
            RecoveryPolicy.ServingGroupRecreate,
            Annotations.RESTART_ANY,
            change("m-0-p-0-1", f -> f.restartedButReady(2)),
            List.of(),
            List.of("pod m-0-p-0-1 failed: recreating serving group m-0"),
            List.of(),
            Optional.of(NOW),
            Optional.empty()),
        new Case(
            "LWS RecreateGroupAfterStart: a replica still starting is left alone",
            RecoveryPolicy.ServingGroupRecreate,
            Annotations.RESTART_AFTER_START,
            pods ->
                with(
                    change("m-0-p-0-1", f -> f.failed(LONG_AGO)).apply(pods),
                    PlanScenario.named("m-0-p-0-2"),
                    PodFixture::pending),
            List.of(),
            List.of(),
            List.of(),
            Optional.empty(),
            Optional.empty()),
        new Case(
            "a pod deleted by someone else rebuilds the replica",
            RecoveryPolicy.RoleRecreate,
            null,
            pods ->
                pods.stream().filter(p -> !p.getMetadata().getName().equals("m-0-p-0-1")).toList(),
            List.of(deletedWorker),
            List.of("pod m-0-p-0-1 was deleted: recreating role replica p-0 of serving group m-0"),
            List.of("m-0-p-0-0", "m-0-p-0-2"),
            Optional.empty(),
            Optional.empty()),
        new Case(
            "a disruption older than every pod is over",
            RecoveryPolicy.RoleRecreate,
            null,
            p -> p,
            List.of(new Disruption(0, "p", 0, "m-0-p-0-1", NOW.minusSeconds(7200))),
            List.of(),
            List.of(),
            Optional.empty(),
            Optional.empty()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void recovery(Case c) {
    ModelServingFixture fixture =
        ModelServingFixture.named("m")
            .role("p", 1, 2)
            .recovery(c.policy())
            .restartGracePeriodSeconds(60);
    if (c.restartPolicy() != null) {
      fixture.annotation(Annotations.RESTART_POLICY, c.restartPolicy());
    }
    ModelServing ms = fixture.build();
    List<Pod> pods = c.cluster().apply(ready(ms, 0));
    PlanContext ctx = context(ms, pods, c.disruptions(), Map.of());
    RoleReplica replica = new RoleReplica(0, PodFixture.role(ms, "p"), 0, pods);

    FailurePolicy.Outcome outcome = FailurePolicy.plan(ctx, replica, pods);

    assertThat(PlanScenario.messages(outcome.part())).containsExactlyElementsOf(c.notes());
    assertThat(names(outcome.part().deletes())).containsExactlyElementsOf(c.deleted());
    assertThat(outcome.recreateGroupBefore()).isEqualTo(c.recreateGroupBefore());
    assertThat(outcome.part().lookAgainAt()).isEqualTo(c.lookAgainAt());
    assertThat(outcome.part().creates()).isEmpty();
  }

  private static Pod named(List<Pod> pods, String name) {
    return pods.stream()
        .filter(p -> p.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  /** A pod that restarted days ago and now fails its readiness probe has failed since now. */
  @org.junit.jupiter.api.Test
  void aReadinessFlapLongAfterARestartWaitsForTheGracePeriod() {
    ModelServing ms =
        ModelServingFixture.named("m")
            .role("p", 1, 2)
            .recovery(RecoveryPolicy.RoleRecreate)
            .restartGracePeriodSeconds(60)
            .build();
    List<Pod> pods =
        with(
            ready(ms, 0),
            PlanScenario.named("m-0-p-0-1"),
            f -> f.crashLooping(1, NOW.minusSeconds(3 * 86400)));
    Pod flapping = named(pods, "m-0-p-0-1");
    var container = flapping.getStatus().getContainerStatuses().get(0);
    container.setState(
        new io.fabric8.kubernetes.api.model.ContainerStateBuilder()
            .withNewRunning()
            .withStartedAt(NOW.minusSeconds(3 * 86400).toString())
            .endRunning()
            .build());
    flapping.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals("Ready"))
        .forEach(c -> c.setLastTransitionTime(JUST_NOW.toString()));

    FailurePolicy.Outcome outcome =
        FailurePolicy.plan(
            context(ms, pods), new RoleReplica(0, PodFixture.role(ms, "p"), 0, pods), pods);

    assertThat(outcome.part().deletes()).isEmpty();
    assertThat(outcome.part().lookAgainAt()).contains(JUST_NOW.plusSeconds(60));
  }

  /** LWS restartPolicy None: finished pods are replaced one by one, as a StatefulSet would. */
  @ParameterizedTest(name = "{0} under {1}")
  @org.junit.jupiter.params.provider.CsvSource({
    "Failed, None",
    "Succeeded, None",
    "Succeeded, ServingGroupRecreate"
  })
  void lwsPodsThatFinishedAreReplaced(String phase, RecoveryPolicy policy) {
    ModelServing ms =
        ModelServingFixture.named("m")
            .role("p", 1, 2)
            .recovery(policy)
            .restartGracePeriodSeconds(60)
            .annotation(Annotations.POD_NAMING, Annotations.NAMING_LEADER_WORKER_SET)
            .build();
    List<Pod> pods = ready(ms, 0);
    assertThat(names(pods)).contains("m-0", "m-0-1", "m-0-2");
    pods = with(pods, PlanScenario.named("m-0-1"), f -> f.failed(JUST_NOW));
    named(pods, "m-0-1").getStatus().setPhase(phase);

    FailurePolicy.Outcome outcome =
        FailurePolicy.plan(
            context(ms, pods), new RoleReplica(0, PodFixture.role(ms, "p"), 0, pods), pods);

    assertThat(names(outcome.part().deletes())).containsExactly("m-0-1");
    assertThat(PlanScenario.messages(outcome.part()))
        .containsExactly(
            "pod m-0-1 finished (phase " + phase + "): replacing it, as a StatefulSet would");
    assertThat(outcome.recreateGroupBefore()).isEmpty();
  }

  /**
   * The pods this controller made after a loss, in the same second, carry a creationTimestamp
   * (whole seconds) before the instant of the loss: they are not older pods, nothing is rebuilt
   * again.
   */
  @org.junit.jupiter.api.Test
  void podsRecreatedInTheSecondOfTheLossAreNotOlderThanIt() {
    ModelServing ms =
        ModelServingFixture.named("m")
            .role("p", 1, 2)
            .recovery(RecoveryPolicy.RoleRecreate)
            .build();
    List<Pod> pods = with(ready(ms, 0), p -> true, f -> f.createdAt(NOW));
    Disruption lost =
        new Disruption(0, "p", 0, "m-0-p-0-1", NOW.plusMillis(600))
            .withCreatedSince(
                pods.stream()
                    .map(p -> p.getMetadata().getUid())
                    .collect(java.util.stream.Collectors.toSet()));

    FailurePolicy.Outcome outcome =
        FailurePolicy.plan(
            context(ms, pods, List.of(lost), Map.of()),
            new RoleReplica(0, PodFixture.role(ms, "p"), 0, pods),
            pods);

    assertThat(outcome.part().deletes()).isEmpty();
  }

  /**
   * Pods made in the same second as the loss but before it (kwok starts a group within a second,
   * and a user may delete a worker at once) are older than it: the role replica is rebuilt.
   */
  @org.junit.jupiter.api.Test
  void podsMadeInTheSecondOfTheLossBeforeItAreOlder() {
    ModelServing ms =
        ModelServingFixture.named("m")
            .role("p", 1, 2)
            .recovery(RecoveryPolicy.RoleRecreate)
            .build();
    List<Pod> pods =
        with(
            ready(ms, 0),
            p -> !p.getMetadata().getName().equals("m-0-p-0-1"),
            f -> f.createdAt(NOW));
    pods = pods.stream().filter(p -> !p.getMetadata().getName().equals("m-0-p-0-1")).toList();
    Disruption lost = new Disruption(0, "p", 0, "m-0-p-0-1", NOW.plusMillis(600));

    FailurePolicy.Outcome outcome =
        FailurePolicy.plan(
            context(ms, pods, List.of(lost), Map.of()),
            new RoleReplica(0, PodFixture.role(ms, "p"), 0, pods),
            pods);

    assertThat(PlanScenario.messages(outcome.part()))
        .containsExactly(
            "pod m-0-p-0-1 was deleted: recreating role replica p-0 of serving group m-0");
    assertThat(names(outcome.part().deletes())).containsExactly("m-0-p-0-0", "m-0-p-0-2");
  }
}
