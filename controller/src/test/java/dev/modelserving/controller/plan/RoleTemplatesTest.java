package dev.modelserving.controller.plan;

import static dev.modelserving.controller.plan.PlanScenario.concat;
import static dev.modelserving.controller.plan.PlanScenario.context;
import static dev.modelserving.controller.plan.PlanScenario.ready;
import static dev.modelserving.controller.plan.PlanScenario.revision;
import static dev.modelserving.controller.plan.PlanScenario.withImage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingStatus;
import dev.modelserving.api.v1alpha1.Role;
import dev.modelserving.controller.podgen.Revisions;
import dev.modelserving.controller.testing.PodFixture;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link RoleTemplates}: rebuilding a role replica from an old revision. "old" is the previous
 * template (another image), stored as a revision unless a case says otherwise.
 */
class RoleTemplatesTest {

  enum Expect {
    CURRENT,
    OLD
  }

  /**
   * @param pods the replica's pods, from (current, old)
   * @param group the replica's group
   * @param storeOld whether the old revision is stored
   * @param currentRevisionOld status.currentRevision is the old revision
   */
  record Case(
      String name,
      BiFunction<ModelServing, ModelServing, List<Pod>> pods,
      int group,
      boolean storeOld,
      boolean currentRevisionOld,
      int partition,
      Expect expect) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Pod> entryOnly(ModelServing ms, int group) {
    return ready(ms, group).stream().filter(p -> p.getMetadata().getName().endsWith("-0")).toList();
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "pods at the current revision: current",
            (cur, old) -> entryOnly(cur, 0),
            0,
            true,
            false,
            0,
            Expect.CURRENT),
        new Case(
            "pods all at a stored old revision: rebuilt from it",
            (cur, old) -> entryOnly(old, 0),
            0,
            true,
            false,
            0,
            Expect.OLD),
        new Case(
            "old revision not stored: current",
            (cur, old) -> entryOnly(old, 0),
            0,
            false,
            false,
            0,
            Expect.CURRENT),
        new Case(
            "pods of two revisions: current",
            (cur, old) ->
                concat(
                    entryOnly(old, 0),
                    ready(cur, 0).stream()
                        .filter(p -> p.getMetadata().getName().endsWith("-1"))
                        .toList()),
            0,
            true,
            false,
            0,
            Expect.CURRENT),
        new Case(
            "new group below the partition: status.currentRevision",
            (cur, old) -> List.of(),
            1,
            true,
            true,
            2,
            Expect.OLD),
        new Case(
            "new group at the partition: current",
            (cur, old) -> List.of(),
            2,
            true,
            true,
            2,
            Expect.CURRENT),
        new Case(
            "new group below the partition, currentRevision not stored: current",
            (cur, old) -> List.of(),
            1,
            false,
            true,
            2,
            Expect.CURRENT),
        new Case(
            "new group, currentRevision is the current one: current",
            (cur, old) -> List.of(),
            1,
            true,
            false,
            2,
            Expect.CURRENT));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void template(Case c) {
    ModelServing ms = PlanScenario.oneRole(3).build();
    ModelServing old = withImage(ms, "nginx:old");
    ModelServingStatus status = new ModelServingStatus();
    status.setCurrentRevision(c.currentRevisionOld() ? revision(old) : revision(ms));
    ms.setStatus(status);
    List<Pod> pods = c.pods().apply(ms, old);
    Map<String, List<Role>> revisions =
        c.storeOld()
            ? Map.of(
                revision(old),
                old.getSpec().getTemplate().getRoles(),
                revision(ms),
                ms.getSpec().getTemplate().getRoles())
            : Map.of(revision(ms), ms.getSpec().getTemplate().getRoles());
    PlanContext ctx = context(ms, pods, List.of(), revisions);
    RoleReplica replica = new RoleReplica(c.group(), PodFixture.role(ms, "r"), 0, pods);

    RoleTemplates.RoleTemplate template =
        RoleTemplates.forReplica(ctx, replica, pods, c.partition());

    ModelServing expected = c.expect() == Expect.OLD ? old : ms;
    Role role = PodFixture.role(expected, "r");
    assertThat(template)
        .isEqualTo(
            new RoleTemplates.RoleTemplate(role, revision(expected), Revisions.ofRole(role)));
  }
}
