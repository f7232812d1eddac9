package dev.modelserving.controller.plan;

import static dev.modelserving.controller.plan.PlanScenario.context;
import static dev.modelserving.controller.plan.PlanScenario.names;
import static dev.modelserving.controller.plan.PlanScenario.ready;
import static dev.modelserving.controller.plan.PlanScenario.with;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Annotations;
import dev.modelserving.api.v1alpha1.Role;
import dev.modelserving.controller.podgen.Revisions;
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

/** {@link RefillPolicy} on role replica p-0 (entry + 2 workers) of group m-0. */
class RefillPolicyTest {

  record Case(
      String name,
      boolean workersAfterEntryReady,
      Function<List<Pod>, List<Pod>> cluster,
      Set<String> deleting,
      List<String> created) {
    @Override
    public String toString() {
      return name;
    }
  }

  static List<Pod> without(List<Pod> pods, String... names) {
    return pods.stream().filter(p -> !List.of(names).contains(p.getMetadata().getName())).toList();
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "new replica: entry first, then workers",
            false,
            p -> List.of(),
            Set.of(),
            List.of("m-0-p-0-0", "m-0-p-0-1", "m-0-p-0-2")),
        new Case("complete replica: nothing", false, p -> p, Set.of(), List.of()),
        new Case(
            "only the missing pod",
            false,
            p -> without(p, "m-0-p-0-2"),
            Set.of(),
            List.of("m-0-p-0-2")),
        new Case(
            "a terminating pod blocks the refill (its name is not free yet)",
            false,
            p ->
                with(
                    without(p, "m-0-p-0-2"),
                    PlanScenario.named("m-0-p-0-1"),
                    PodFixture::terminating),
            Set.of(),
            List.of()),
        new Case(
            "a pod this pass deletes blocks the refill",
            false,
            p -> without(p, "m-0-p-0-2"),
            Set.of("m-0-p-0-0"),
            List.of()),
        new Case(
            "WorkersAfterEntryReady, new replica: the entry pod only",
            true,
            p -> List.of(),
            Set.of(),
            List.of("m-0-p-0-0")),
        new Case(
            "WorkersAfterEntryReady, entry not Ready: no workers",
            true,
            p ->
                with(
                    without(p, "m-0-p-0-1", "m-0-p-0-2"),
                    PlanScenario.named("m-0-p-0-0"),
                    PodFixture::runningNotReady),
            Set.of(),
            List.of()),
        new Case(
            "WorkersAfterEntryReady, entry Ready: the workers",
            true,
            p -> without(p, "m-0-p-0-1", "m-0-p-0-2"),
            Set.of(),
            List.of("m-0-p-0-1", "m-0-p-0-2")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void refill(Case c) {
    ModelServingFixture fixture = ModelServingFixture.named("m").role("p", 1, 2);
    if (c.workersAfterEntryReady()) {
      fixture.annotation(Annotations.STARTUP_POLICY, Annotations.WORKERS_AFTER_ENTRY_READY);
    }
    ModelServing ms = fixture.build();
    List<Pod> pods = c.cluster().apply(ready(ms, 0));
    PlanContext ctx = context(ms, pods);
    Role role = PodFixture.role(ms, "p");
    var template = new RoleTemplates.RoleTemplate(role, ctx.revision(), Revisions.ofRole(role));

    List<Pod> created =
        RefillPolicy.plan(ctx, new RoleReplica(0, role, 0, pods), template, c.deleting());

    assertThat(names(created)).containsExactlyElementsOf(c.created());
    assertThat(created)
        .allSatisfy(
            p ->
                assertThat(p)
                    .isEqualTo(
                        PodFixture.pod(
                            ms,
                            0,
                            "p",
                            0,
                            Integer.parseInt(
                                p.getMetadata().getName().substring("m-0-p-0-".length())))));
  }

  @Test
  void withAWorkerTopologyWorkersWaitForTheEntryPodToBeScheduled() {
    ModelServing ms =
        ModelServingFixture.named("m")
            .role("p", 1, 2)
            .annotation(Annotations.WORKER_TOPOLOGY, "cloud.google.com/gke-nodepool")
            .build();
    Role role = PodFixture.role(ms, "p");
    List<Pod> entryOnly = without(ready(ms, 0), "m-0-p-0-1", "m-0-p-0-2");
    PlanContext none = context(ms, List.of());
    var template = new RoleTemplates.RoleTemplate(role, none.revision(), Revisions.ofRole(role));
    assertThat(
            names(
                RefillPolicy.plan(
                    none, new RoleReplica(0, role, 0, List.of()), template, Set.of())))
        .as("new replica: the entry pod only")
        .containsExactly("m-0-p-0-0");

    List<Pod> pending = with(entryOnly, PlanScenario.named("m-0-p-0-0"), p -> p.nodeName(null));
    assertThat(
            RefillPolicy.plan(
                context(ms, pending), new RoleReplica(0, role, 0, pending), template, Set.of()))
        .as("entry not scheduled yet: no workers")
        .isEmpty();

    List<Pod> scheduled =
        with(entryOnly, PlanScenario.named("m-0-p-0-0"), p -> p.nodeName("node-1"));
    assertThat(
            names(
                RefillPolicy.plan(
                    context(ms, scheduled),
                    new RoleReplica(0, role, 0, scheduled),
                    template,
                    Set.of())))
        .as("entry scheduled, not Ready needed")
        .containsExactly("m-0-p-0-1", "m-0-p-0-2");
  }

  @Test
  void withoutAWorkerTopologyWorkersDoNotWaitForScheduling() {
    ModelServing ms = ModelServingFixture.named("m").role("p", 1, 2).build();
    Role role = PodFixture.role(ms, "p");
    List<Pod> pending =
        with(
            without(ready(ms, 0), "m-0-p-0-1", "m-0-p-0-2"),
            PlanScenario.named("m-0-p-0-0"),
            p -> p.nodeName(null));
    var template =
        new RoleTemplates.RoleTemplate(
            role, context(ms, pending).revision(), Revisions.ofRole(role));
    assertThat(
            names(
                RefillPolicy.plan(
                    context(ms, pending),
                    new RoleReplica(0, role, 0, pending),
                    template,
                    Set.of())))
        .containsExactly("m-0-p-0-1", "m-0-p-0-2");
  }

  @Test
  void withoutAWorkerTemplateOnlyTheEntryPodIsCreated() {
    ModelServing ms =
        ModelServingFixture.named("m").role("p", 1, 2, r -> r.setWorkerTemplate(null)).build();
    PlanContext ctx = context(ms, List.of());
    Role role = PodFixture.role(ms, "p");
    var template = new RoleTemplates.RoleTemplate(role, ctx.revision(), Revisions.ofRole(role));
    assertThat(
            names(
                RefillPolicy.plan(ctx, new RoleReplica(0, role, 0, List.of()), template, Set.of())))
        .containsExactly("m-0-p-0-0");
  }
}
