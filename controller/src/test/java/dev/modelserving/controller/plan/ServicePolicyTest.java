package dev.modelserving.controller.plan;

import static dev.modelserving.controller.plan.PlanScenario.names;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Annotations;
import dev.modelserving.controller.testing.ModelServingFixture;
import dev.modelserving.controller.testing.PodFixture;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link ServicePolicy}: one headless Service per kept role replica whose role has workers. */
class ServicePolicyTest {

  /**
   * @param kept kept (group, role) pairs, role replica 0 each
   * @param existing names of the Services that exist ("~" prefix: terminating)
   */
  record Case(
      String name,
      boolean lwsNaming,
      List<String> kept,
      List<String> existing,
      List<String> created,
      List<String> deleted) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "fresh: one per role replica with workers",
            false,
            List.of("0/p", "0/d", "1/p"),
            List.of(),
            List.of("m-0-p-0-0", "m-1-p-0-0"),
            List.of()),
        new Case(
            "existing ones are not created again",
            false,
            List.of("0/p", "1/p"),
            List.of("m-0-p-0-0"),
            List.of("m-1-p-0-0"),
            List.of()),
        new Case(
            "unwanted ones go, terminating ones are left alone",
            false,
            List.of("0/p"),
            List.of("m-0-p-0-0", "m-1-p-0-0", "~m-2-p-0-0"),
            List.of(),
            List.of("m-1-p-0-0")),
        new Case(
            "LeaderWorkerSet naming: one shared Service, created once",
            true,
            List.of("0/p", "1/p"),
            List.of(),
            List.of("m"),
            List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void services(Case c) {
    ModelServingFixture fixture = ModelServingFixture.named("m").replicas(3).role("p", 1, 1);
    if (c.lwsNaming()) {
      fixture.annotation(Annotations.POD_NAMING, Annotations.NAMING_LEADER_WORKER_SET);
    } else {
      fixture.role("d", 1, 0);
    }
    ModelServing ms = fixture.build();
    List<Service> existing = new ArrayList<>();
    for (String name : c.existing()) {
      Service svc =
          new ServiceBuilder()
              .withNewMetadata()
              .withName(name.replace("~", ""))
              .endMetadata()
              .build();
      if (name.startsWith("~")) {
        svc.getMetadata().setDeletionTimestamp(PlanScenario.NOW.toString());
      }
      existing.add(svc);
    }
    PlanContext ctx =
        PlanContext.of(
            new ServingGroupPlanner.Input(ms, List.of(), existing, List.of(), PlanScenario.NOW));
    List<RoleReplica> kept =
        c.kept().stream()
            .map(
                k ->
                    new RoleReplica(
                        Integer.parseInt(k.split("/")[0]),
                        PodFixture.role(ms, k.split("/")[1]),
                        0,
                        List.of()))
            .toList();

    ServicePolicy.Services services = ServicePolicy.plan(ctx, kept);

    assertThat(names(services.toCreate())).containsExactlyElementsOf(c.created());
    assertThat(names(services.toDelete())).containsExactlyElementsOf(c.deleted());
  }

  @org.junit.jupiter.api.Test
  void switchingToUniquePerReplicaKeepsTheSharedServiceAsUpstream() {
    ModelServing ms =
        ModelServingFixture.named("m")
            .replicas(2)
            .role("p", 1, 1)
            .annotation(Annotations.POD_NAMING, Annotations.NAMING_LEADER_WORKER_SET)
            .annotation(Annotations.SUBDOMAIN_POLICY, Annotations.SUBDOMAIN_UNIQUE_PER_REPLICA)
            .build();
    List<Service> existing =
        List.of(
            new ServiceBuilder().withNewMetadata().withName("m").endMetadata().build(),
            new ServiceBuilder().withNewMetadata().withName("m-5").endMetadata().build());
    PlanContext ctx =
        PlanContext.of(
            new ServingGroupPlanner.Input(ms, List.of(), existing, List.of(), PlanScenario.NOW));
    List<RoleReplica> kept =
        List.of(
            new RoleReplica(0, PodFixture.role(ms, "p"), 0, List.of()),
            new RoleReplica(1, PodFixture.role(ms, "p"), 0, List.of()));

    ServicePolicy.Services services = ServicePolicy.plan(ctx, kept);

    assertThat(names(services.toCreate())).containsExactly("m-0", "m-1");
    assertThat(names(services.toDelete()))
        .as("the shared Service stays, a removed group's goes")
        .containsExactly("m-5");
    assertThat(services.toCreate().get(1).getSpec().getSelector())
        .containsExactlyInAnyOrderEntriesOf(
            java.util.Map.of(
                "leaderworkerset.sigs.k8s.io/name",
                "m",
                "leaderworkerset.sigs.k8s.io/group-index",
                "1"));
    assertThat(services.toCreate().get(1).getMetadata().getLabels())
        .containsEntry("leaderworkerset.sigs.k8s.io/name", "m");
  }
}
