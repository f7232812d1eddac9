package dev.modelserving.controller.plan;

import static dev.modelserving.controller.plan.PlanScenario.concat;
import static dev.modelserving.controller.plan.PlanScenario.context;
import static dev.modelserving.controller.plan.PlanScenario.messages;
import static dev.modelserving.controller.plan.PlanScenario.ready;
import static dev.modelserving.controller.plan.PlanScenario.revision;
import static dev.modelserving.controller.plan.PlanScenario.withImage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Annotations;
import dev.modelserving.api.v1alpha1.ModelServingStatus;
import dev.modelserving.api.v1alpha1.RollingUpdateConfiguration;
import dev.modelserving.api.v1alpha1.RolloutStrategy;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link LwsGroupRollout}: a LeaderWorkerSet of 3 groups (leader + 1 worker, LWS names {@code m-g},
 * {@code m-g-1}). The status holds the previous pass's step (rolloutPartition, rolloutReplicas) and
 * the revision it rolled to (updateRevision).
 */
class LwsGroupRolloutTest {

  static ModelServing current(int maxUnavailable, int maxSurge) {
    ModelServing ms =
        PlanScenario.oneRole(3)
            .annotation(Annotations.POD_NAMING, Annotations.NAMING_LEADER_WORKER_SET)
            .build();
    RollingUpdateConfiguration config = new RollingUpdateConfiguration();
    config.setMaxUnavailable(new IntOrString(maxUnavailable));
    config.setMaxSurge(new IntOrString(maxSurge));
    RolloutStrategy strategy = new RolloutStrategy();
    strategy.setType(RolloutStrategy.Type.ServingGroupRollingUpdate);
    strategy.setRollingUpdateConfiguration(config);
    ms.getSpec().setRolloutStrategy(strategy);
    return ms;
  }

  /**
   * @param newGroups groups already at the current template (the others run the old one)
   * @param previousTemplate the status's updateRevision is the old template (a new one appeared)
   * @param partition status.rolloutPartition
   */
  record Case(
      String name,
      int maxUnavailable,
      int maxSurge,
      List<Integer> newGroups,
      boolean previousTemplate,
      int partition,
      LwsRollout.Result step,
      boolean looksAgain,
      List<String> replaced) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "at rest: partition 0, nothing to do",
            1,
            0,
            List.of(0, 1, 2),
            false,
            0,
            new LwsRollout.Result(0, 3),
            false,
            List.of()),
        new Case(
            "new template: the partition jumps to the top and, in the same pass, takes its first"
                + " step down (upstream's next reconcile): m-2 is replaced",
            1,
            0,
            List.of(),
            true,
            0,
            new LwsRollout.Result(2, 3),
            true,
            List.of("serving group m-2")),
        new Case(
            "new template with maxSurge 1: one surge group (m-3) first, nothing replaced yet (as"
                + " upstream's StatefulSet creates it before the next reconcile moves the partition)",
            1,
            1,
            List.of(),
            true,
            0,
            new LwsRollout.Result(3, 4),
            true,
            List.of()),
        new Case(
            "rolling: the partition moves down one group, m-2 is replaced",
            1,
            0,
            List.of(),
            false,
            3,
            new LwsRollout.Result(2, 3),
            true,
            List.of("serving group m-2")),
        new Case(
            "rolling with m-2 done: the partition moves on to 1, m-1 is replaced",
            1,
            0,
            List.of(2),
            false,
            2,
            new LwsRollout.Result(1, 3),
            true,
            List.of("serving group m-1")),
        new Case(
            "maxUnavailable 2: two groups at once",
            2,
            0,
            List.of(),
            false,
            3,
            new LwsRollout.Result(1, 3),
            true,
            List.of("serving group m-2", "serving group m-1")),
        new Case(
            "done: every group updated, the partition reaches 0",
            1,
            0,
            List.of(0, 1, 2),
            false,
            1,
            new LwsRollout.Result(0, 3),
            true,
            List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rollout(Case c) {
    ModelServing ms = current(c.maxUnavailable(), c.maxSurge());
    ModelServing old = withImage(ms, "nginx:old");
    ModelServingStatus status = new ModelServingStatus();
    status.setUpdateRevision(c.previousTemplate() ? revision(old) : revision(ms));
    status.setRolloutPartition(c.partition());
    status.setRolloutReplicas(3);
    ms.setStatus(status);
    int[] newGroups = c.newGroups().stream().mapToInt(Integer::intValue).toArray();
    int[] oldGroups = IntStream.range(0, 3).filter(g -> !c.newGroups().contains(g)).toArray();
    List<Pod> pods = concat(ready(old, oldGroups), ready(ms, newGroups));
    PlanContext ctx = context(ms, pods);
    ScalePolicy.Groups groups = ScalePolicy.groups(ctx);

    RolloutPolicy rollout = RolloutPolicy.of(ctx);
    RolloutPolicy.Step step = rollout.step(ctx, groups);
    SortedSet<Integer> kept = ScalePolicy.keptGroups(ctx, groups, ctx.replicas() + step.surge());
    RolloutPolicy.Replacement replacement = rollout.replace(ctx, groups, kept, step, Set.of());

    assertThat(rollout).isInstanceOf(LwsGroupRollout.class);
    assertThat(step.lwsStep()).contains(c.step());
    assertThat(step.partition()).isEqualTo(c.step().partition());
    assertThat(step.surge()).isEqualTo(c.step().replicas() - 3);
    assertThat(kept).hasSize(c.step().replicas());
    assertThat(step.lookAgainAt())
        .isEqualTo(
            c.looksAgain()
                ? Optional.of(PlanScenario.NOW.plusMillis(200))
                : Optional.<Instant>empty());
    assertThat(messages(replacement.part()))
        .containsExactlyElementsOf(
            c.replaced().stream().map(u -> "replacing outdated " + u).toList());
  }
}
