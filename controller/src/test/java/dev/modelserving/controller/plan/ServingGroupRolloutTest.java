package dev.modelserving.controller.plan;

import static dev.modelserving.controller.plan.PlanScenario.concat;
import static dev.modelserving.controller.plan.PlanScenario.context;
import static dev.modelserving.controller.plan.PlanScenario.inGroup;
import static dev.modelserving.controller.plan.PlanScenario.messages;
import static dev.modelserving.controller.plan.PlanScenario.ready;
import static dev.modelserving.controller.plan.PlanScenario.with;
import static dev.modelserving.controller.plan.PlanScenario.withImage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.RollingUpdateConfiguration;
import dev.modelserving.api.v1alpha1.RolloutStrategy;
import dev.modelserving.controller.testing.PodFixture;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ServingGroupRollout}: 4 desired groups of one role (entry + 1 worker); "old" groups run
 * the previous template (another image), "new" ones the current.
 */
class ServingGroupRolloutTest {

  static ModelServing current(String maxUnavailable, String maxSurge, String partition) {
    ModelServing ms = PlanScenario.oneRole(4).build();
    RollingUpdateConfiguration config = new RollingUpdateConfiguration();
    config.setMaxUnavailable(intOrPercent(maxUnavailable));
    config.setMaxSurge(intOrPercent(maxSurge));
    config.setPartition(intOrPercent(partition));
    RolloutStrategy strategy = new RolloutStrategy();
    strategy.setType(RolloutStrategy.Type.ServingGroupRollingUpdate);
    strategy.setRollingUpdateConfiguration(config);
    ms.getSpec().setRolloutStrategy(strategy);
    return ms;
  }

  static IntOrString intOrPercent(String value) {
    if (value == null) {
      return null;
    }
    return value.endsWith("%") ? new IntOrString(value) : new IntOrString(Integer.parseInt(value));
  }

  /** One rollout case: the spec's three knobs, the groups (old/new, then changed), what happens. */
  record Case(
      String name,
      String maxUnavailable,
      String maxSurge,
      String partition,
      List<Integer> oldGroups,
      List<Integer> newGroups,
      Function<List<Pod>, List<Pod>> change,
      int surge,
      List<String> replaced) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Function<List<Pod>, List<Pod>> same() {
    return pods -> pods;
  }

  static Stream<Case> cases() {
    List<Integer> all = List.of(0, 1, 2, 3);
    return Stream.of(
        new Case(
            // Kthena's scale-down keeps the groups it did not pick (ControllerChaosIT: 0 and 2 of
            // 2): without a surge, such a group is a desired one and rolls like the others.
            "a group kept above the desired ordinals by a scale-down rolls too",
            null,
            null,
            null,
            List.of(5),
            List.of(0, 1, 2),
            same(),
            0,
            List.of("serving group m-5")),
        new Case(
            "defaults: one group at a time, highest first",
            null,
            null,
            null,
            all,
            List.of(),
            same(),
            0,
            List.of("serving group m-3")),
        new Case(
            "maxUnavailable 2: two at a time",
            "2",
            null,
            null,
            all,
            List.of(),
            same(),
            0,
            List.of("serving group m-3", "serving group m-2")),
        new Case(
            "maxUnavailable 50% of 4",
            "50%",
            null,
            null,
            all,
            List.of(),
            same(),
            0,
            List.of("serving group m-3", "serving group m-2")),
        new Case(
            "partition 3: groups below it keep their template",
            "4",
            null,
            "3",
            all,
            List.of(),
            same(),
            0,
            List.of("serving group m-3")),
        new Case(
            "partition 50%: m-0 and m-1 stay",
            "4",
            null,
            "50%",
            all,
            List.of(),
            same(),
            0,
            List.of("serving group m-3", "serving group m-2")),
        new Case(
            "updated groups are left alone",
            null,
            null,
            null,
            List.of(0, 1, 2),
            List.of(3),
            same(),
            0,
            List.of("serving group m-2")),
        new Case(
            "a not-ready outdated group goes first and costs no budget",
            null,
            null,
            null,
            all,
            List.of(),
            pods -> with(pods, inGroup("m-1"), PodFixture::runningNotReady),
            0,
            List.of("serving group m-1")),
        new Case(
            "a group with a terminating pod holds the budget",
            null,
            null,
            null,
            all,
            List.of(),
            pods ->
                with(pods, PlanScenario.named("m-3-r-0-1"), f -> f.terminating(PlanScenario.NOW)),
            0,
            List.of()),
        new Case(
            "a missing desired group counts as unavailable",
            null,
            null,
            null,
            List.of(0, 1, 2),
            List.of(),
            same(),
            0,
            List.of()),
        new Case(
            "maxSurge 2 with 4 outdated: two surge groups",
            "0",
            "2",
            null,
            all,
            List.of(),
            same(),
            2,
            List.of()),
        new Case(
            "maxSurge 2 with 1 outdated: one surge group",
            "0",
            "2",
            null,
            List.of(0),
            List.of(1, 2, 3),
            same(),
            1,
            List.of()),
        new Case(
            "maxSurge 50% of 4 rounds up to 2",
            "0", "50%", null, all, List.of(), same(), 2, List.of()),
        new Case(
            "maxSurge with partition 3: only m-3 counts",
            "0",
            "2",
            "3",
            all,
            List.of(),
            same(),
            1,
            List.of()),
        new Case(
            "a ready surge group stands in for one being replaced",
            "0",
            "1",
            null,
            List.of(0, 1, 2, 3),
            List.of(4),
            same(),
            1,
            List.of("serving group m-3")),
        new Case(
            "surge stays while a desired group is not ready",
            "0",
            "1",
            null,
            List.of(),
            List.of(0, 1, 2, 3, 4),
            pods -> with(pods, inGroup("m-0"), PodFixture::runningNotReady),
            1,
            List.of()),
        new Case(
            "surge goes once every desired group is updated and ready",
            "0",
            "1",
            null,
            List.of(),
            List.of(0, 1, 2, 3, 4),
            same(),
            0,
            List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void rollout(Case c) {
    ModelServing ms = current(c.maxUnavailable(), c.maxSurge(), c.partition());
    ModelServing old = withImage(ms, "nginx:old");
    List<Pod> pods =
        c.change()
            .apply(
                concat(
                    ready(old, c.oldGroups().stream().mapToInt(Integer::intValue).toArray()),
                    ready(ms, c.newGroups().stream().mapToInt(Integer::intValue).toArray())));
    PlanContext ctx = context(ms, pods);
    ScalePolicy.Groups groups = ScalePolicy.groups(ctx);

    RolloutPolicy rollout = RolloutPolicy.of(ctx);
    RolloutPolicy.Step step = rollout.step(ctx, groups);
    SortedSet<Integer> kept = ScalePolicy.keptGroups(ctx, groups, ctx.replicas() + step.surge());
    RolloutPolicy.Replacement replacement = rollout.replace(ctx, groups, kept, step, Set.of());

    assertThat(rollout).isInstanceOf(ServingGroupRollout.class);
    assertThat(step.surge()).as("surge").isEqualTo(c.surge());
    assertThat(step.lwsStep()).isEmpty();
    assertThat(messages(replacement.part()))
        .containsExactlyElementsOf(
            c.replaced().stream().map(u -> "replacing outdated " + u).toList());
    List<String> deleted =
        pods.stream()
            .filter(
                p ->
                    c.replaced().stream()
                        .anyMatch(u -> inGroup(u.substring("serving group ".length())).test(p)))
            .map(p -> p.getMetadata().getName())
            .toList();
    assertThat(PlanScenario.names(replacement.part().deletes()))
        .containsExactlyInAnyOrderElementsOf(deleted);
  }
}
