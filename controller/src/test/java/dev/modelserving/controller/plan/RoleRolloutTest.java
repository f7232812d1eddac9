package dev.modelserving.controller.plan;

import static dev.modelserving.controller.plan.PlanScenario.context;
import static dev.modelserving.controller.plan.PlanScenario.messages;
import static dev.modelserving.controller.plan.PlanScenario.ready;
import static dev.modelserving.controller.plan.PlanScenario.with;
import static dev.modelserving.controller.plan.PlanScenario.withRoleImage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Annotations;
import dev.modelserving.api.v1alpha1.RolloutStrategy;
import dev.modelserving.controller.testing.ModelServingFixture;
import dev.modelserving.controller.testing.PodFixture;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link RoleRollout}: 2 groups; role "a" (3 replicas of one pod) got a new template, role "b" (1
 * replica of entry + worker) did not, so b's pods carry the old revision label but their own
 * current role hash.
 */
class RoleRolloutTest {

  static ModelServing current(IntOrString maxUnavailable, IntOrString partition) {
    ModelServing ms =
        ModelServingFixture.named("m")
            .replicas(2)
            .role(
                "a",
                3,
                0,
                r -> {
                  r.setMaxUnavailable(maxUnavailable);
                  r.setPartition(partition);
                })
            .role("b", 1, 1)
            .build();
    RolloutStrategy strategy = new RolloutStrategy();
    strategy.setType(RolloutStrategy.Type.RoleRollingUpdate);
    ms.getSpec().setRolloutStrategy(strategy);
    return ms;
  }

  record Case(
      String name,
      IntOrString maxUnavailable,
      IntOrString partition,
      Function<List<Pod>, List<Pod>> change,
      List<String> replaced) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "defaults: one replica per role and group, highest first; role b untouched",
            null,
            null,
            pods -> pods,
            List.of(
                "role replica a-2 of serving group m-0", "role replica a-2 of serving group m-1")),
        new Case(
            "maxUnavailable 2",
            new IntOrString(2),
            null,
            pods -> pods,
            List.of(
                "role replica a-2 of serving group m-0",
                "role replica a-1 of serving group m-0",
                "role replica a-2 of serving group m-1",
                "role replica a-1 of serving group m-1")),
        new Case(
            "partition 2 (of the role's replicas): only a-2",
            new IntOrString(3),
            new IntOrString(2),
            pods -> pods,
            List.of(
                "role replica a-2 of serving group m-0", "role replica a-2 of serving group m-1")),
        new Case(
            "a not-ready replica goes first and takes the budget's place",
            null,
            null,
            pods -> with(pods, PlanScenario.named("m-1-a-0-0"), PodFixture::runningNotReady),
            List.of(
                "role replica a-2 of serving group m-0", "role replica a-0 of serving group m-1")),
        new Case(
            "a terminating replica holds its group's budget",
            null,
            null,
            pods ->
                with(pods, PlanScenario.named("m-0-a-1-0"), f -> f.terminating(PlanScenario.NOW)),
            List.of("role replica a-2 of serving group m-1")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rollout(Case c) {
    ModelServing ms = current(c.maxUnavailable(), c.partition());
    ModelServing old = withRoleImage(ms, "a", "nginx:old");
    List<Pod> pods = c.change().apply(ready(old, 0, 1));
    PlanContext ctx = context(ms, pods);
    ScalePolicy.Groups groups = ScalePolicy.groups(ctx);

    RolloutPolicy rollout = RolloutPolicy.of(ctx);
    RolloutPolicy.Step step = rollout.step(ctx, groups);
    RolloutPolicy.Replacement replacement =
        rollout.replace(ctx, groups, ScalePolicy.keptGroups(ctx, groups, 2), step, Set.of());

    assertThat(rollout).isInstanceOf(RoleRollout.class);
    assertThat(step).isEqualTo(RolloutPolicy.Step.of(0, 0));
    assertThat(messages(replacement.part()))
        .containsExactlyElementsOf(
            c.replaced().stream().map(u -> "replacing outdated " + u).toList());
    assertThat(replacement.part().deletes())
        .allSatisfy(p -> assertThat(p.getMetadata().getName()).contains("-a-"));
  }

  @Test
  void roleRolloutWinsOverLeaderWorkerSetNaming() {
    ModelServing ms = current(null, null);
    ms.getMetadata()
        .setAnnotations(Map.of(Annotations.POD_NAMING, Annotations.NAMING_LEADER_WORKER_SET));
    assertThat(RolloutPolicy.of(context(ms, List.of()))).isInstanceOf(RoleRollout.class);
  }
}
