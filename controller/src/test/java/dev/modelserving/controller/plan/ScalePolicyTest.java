package dev.modelserving.controller.plan;

import static dev.modelserving.controller.plan.PlanScenario.context;
import static dev.modelserving.controller.plan.PlanScenario.inGroup;
import static dev.modelserving.controller.plan.PlanScenario.names;
import static dev.modelserving.controller.plan.PlanScenario.ready;
import static dev.modelserving.controller.plan.PlanScenario.with;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Annotations;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Labels;
import dev.modelserving.controller.testing.ModelServingFixture;
import dev.modelserving.controller.testing.PodFixture;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link ScalePolicy}: which groups, role replicas and pods exist. */
class ScalePolicyTest {

  record GroupCase(
      String name,
      boolean lwsNaming,
      int count,
      List<Integer> existing,
      Function<List<Pod>, List<Pod>> change,
      Set<Integer> kept) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<GroupCase> groupCases() {
    return Stream.of(
        new GroupCase(
            "scale up adds the lowest missing ordinals",
            false,
            4,
            List.of(1, 3),
            p -> p,
            Set.of(0, 1, 2, 3)),
        new GroupCase(
            "scale down: all equal, the highest ordinal goes",
            false,
            2,
            List.of(0, 1, 2),
            p -> p,
            Set.of(0, 1)),
        new GroupCase(
            "scale down: a not-ready group goes first",
            false,
            2,
            List.of(0, 1, 2),
            p -> with(p, inGroup("m-0"), PodFixture::pending),
            Set.of(1, 2)),
        new GroupCase(
            "scale down: the lowest deletion cost goes",
            false,
            2,
            List.of(0, 1, 2),
            p ->
                with(
                    with(p, x -> true, f -> f.deletionCost(5)),
                    inGroup("m-1"),
                    f -> f.deletionCost(1)),
            Set.of(0, 2)),
        new GroupCase(
            "LeaderWorkerSet naming: exactly 0..n-1, even if a lower group is not ready",
            true,
            2,
            List.of(0, 1, 2),
            p -> with(p, inGroup("m-0"), PodFixture::pending),
            Set.of(0, 1)),
        new GroupCase(
            "LeaderWorkerSet naming: gaps are filled from 0",
            true,
            3,
            List.of(2, 5),
            p -> p,
            Set.of(0, 1, 2)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("groupCases")
  void keptGroups(GroupCase c) {
    ModelServingFixture fixture = PlanScenario.oneRole(c.count());
    if (c.lwsNaming()) {
      fixture.annotation(Annotations.POD_NAMING, Annotations.NAMING_LEADER_WORKER_SET);
    }
    ModelServing ms = fixture.build();
    List<Pod> pods =
        c.change().apply(ready(ms, c.existing().stream().mapToInt(Integer::intValue).toArray()));
    PlanContext ctx = context(ms, pods);
    ScalePolicy.Groups groups = ScalePolicy.groups(ctx);
    var kept = ScalePolicy.keptGroups(ctx, groups, c.count());
    assertThat(kept).containsExactlyInAnyOrderElementsOf(c.kept());

    PlanPart removed = ScalePolicy.removedGroups(ctx, groups, kept);
    List<Integer> gone = c.existing().stream().filter(g -> !c.kept().contains(g)).toList();
    assertThat(PlanScenario.messages(removed))
        .containsExactlyElementsOf(
            gone.stream().map(g -> "deleting serving group m-" + g).toList());
    assertThat(removed.deletes()).allSatisfy(p -> assertThat(gone).contains(groupOf(p)));
  }

  static int groupOf(Pod pod) {
    String group = pod.getMetadata().getLabels().get(Labels.GROUP_NAME);
    return Integer.parseInt(group.substring(group.lastIndexOf('-') + 1));
  }

  @Test
  void podsWithoutAReadableGroupAreStrays() {
    ModelServing ms = PlanScenario.oneRole(1).build();
    Pod stray =
        PodFixture.of(PodFixture.pod(ms, 0, "r", 0, 0)).label(Labels.GROUP_NAME, "other-0").build();
    List<Pod> pods = PlanScenario.concat(ready(ms, 0), List.of(stray));
    ScalePolicy.Groups groups = ScalePolicy.groups(context(ms, pods));
    assertThat(groups.strays()).containsExactly(stray);
    assertThat(groups.byOrdinal().keySet()).containsExactly(0);
  }

  record RoleCase(
      String name,
      int replicas,
      Function<List<Pod>, List<Pod>> change,
      Set<Integer> kept,
      List<String> notes) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<RoleCase> roleCases() {
    return Stream.of(
        new RoleCase("unchanged", 3, p -> p, Set.of(0, 1, 2), List.of()),
        new RoleCase(
            "scale up adds the lowest missing replica", 4, p -> p, Set.of(0, 1, 2, 3), List.of()),
        new RoleCase(
            "scale down removes the highest when all are equal",
            2,
            p -> p,
            Set.of(0, 1),
            List.of("deleting role replica d-2 of serving group m-0")),
        new RoleCase(
            "scale down removes a not-ready replica first",
            2,
            p -> with(p, PlanScenario.named("m-0-d-0-0"), PodFixture::pending),
            Set.of(1, 2),
            List.of("deleting role replica d-0 of serving group m-0")),
        new RoleCase(
            "scale down removes the cheapest replica",
            2,
            p -> with(p, PlanScenario.named("m-0-d-1-0"), f -> f.deletionCost(-3)),
            Set.of(0, 2),
            List.of("deleting role replica d-1 of serving group m-0")),
        new RoleCase(
            "to zero removes all",
            0,
            p -> p,
            Set.of(),
            List.of(
                "deleting role replica d-0 of serving group m-0",
                "deleting role replica d-1 of serving group m-0",
                "deleting role replica d-2 of serving group m-0")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("roleCases")
  void roleReplicas(RoleCase c) {
    ModelServing before = ModelServingFixture.named("m").role("d", 3, 0).build();
    ModelServing ms = ModelServingFixture.named("m").role("d", c.replicas(), 0).build();
    List<Pod> pods = c.change().apply(ready(before, 0));
    PlanContext ctx = context(ms, pods);
    ScalePolicy.Roles roles = ScalePolicy.roles(ctx, pods);
    ScalePolicy.RoleScale scale =
        ScalePolicy.roleReplicas(
            ctx, 0, PodFixture.role(ms, "d"), roles.of(PodFixture.role(ms, "d")));
    assertThat(scale.kept()).containsExactlyInAnyOrderElementsOf(c.kept());
    assertThat(PlanScenario.messages(scale.removed())).containsExactlyElementsOf(c.notes());
  }

  @Test
  void podsOfARoleNoLongerInTheSpecAreUnknown() {
    ModelServing before = ModelServingFixture.named("m").role("a", 1, 0).role("b", 1, 0).build();
    ModelServing ms = ModelServingFixture.named("m").role("a", 1, 0).build();
    List<Pod> pods = ready(before, 0);
    ScalePolicy.Roles roles = ScalePolicy.roles(context(ms, pods), pods);
    assertThat(names(roles.unknown())).containsExactly("m-0-b-0-0");
    assertThat(roles.byRole().keySet()).containsExactly("a");
  }

  @Test
  void workersBeyondTheRoleSizeAreSurplus() {
    ModelServing before = ModelServingFixture.named("m").role("p", 1, 3).build();
    ModelServing ms = ModelServingFixture.named("m").role("p", 1, 1).build();
    List<Pod> pods = ready(before, 0);
    RoleReplica replica = new RoleReplica(0, PodFixture.role(ms, "p"), 0, pods);
    assertThat(names(ScalePolicy.surplusPods(context(ms, pods), replica)))
        .containsExactly("m-0-p-0-2", "m-0-p-0-3");
  }
}
