package dev.modelserving.controller.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Annotations;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Labels;
import dev.modelserving.api.v1alpha1.RecoveryPolicy;
import dev.modelserving.controller.podgen.ServingGroupPods;
import dev.modelserving.controller.testing.ModelServingFixture;
import dev.modelserving.controller.testing.PodFixture;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class ServingGroupPlannerTest {
  private static final KubernetesSerialization SERIALIZATION = PodFixture.SERIALIZATION;
  static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");

  /** When the pods of a scenario were created, unless it says otherwise. */
  static final Instant CREATED = NOW.minus(Duration.ofHours(1));

  /**
   * m: prefill = 1 replica of entry + 2 workers (with headless Service); decode = 2 replicas of one
   * pod.
   */
  static ModelServingFixture twoRoles() {
    return ModelServingFixture.named("m")
        .inNamespace("ns")
        .uid("u1")
        .replicas(1)
        .role("prefill", 1, 2)
        .role("decode", 2, 0);
  }

  // ---- helpers ----

  static Plan plan(ModelServing ms, Collection<Pod> pods) {
    return plan(ms, pods, servicesFor(pods, ms), List.of());
  }

  static Plan plan(
      ModelServing ms,
      Collection<Pod> pods,
      Collection<Service> services,
      Collection<Disruption> disruptions) {
    return ServingGroupPlanner.plan(
        new ServingGroupPlanner.Input(ms, pods, services, disruptions, NOW));
  }

  /** The headless Services of every group that has pods, as if they had been created earlier. */
  static List<Service> servicesFor(Collection<Pod> pods, ModelServing ms) {
    return pods.stream()
        .map(p -> p.getMetadata().getLabels().get(Labels.GROUP_NAME))
        .filter(g -> g != null && g.startsWith(ms.getMetadata().getName() + "-"))
        .distinct()
        .flatMap(
            g -> {
              int ordinal = Integer.parseInt(g.substring(ms.getMetadata().getName().length() + 1));
              return PodFixture.groupServices(ms, ordinal).stream();
            })
        .toList();
  }

  /** Running and Ready pods of the given serving groups, created at {@link #CREATED}. */
  static List<Pod> ready(ModelServing ms, int... groups) {
    List<Pod> pods = new ArrayList<>();
    for (int g : groups) {
      pods.addAll(PodFixture.allRunningReady(PodFixture.groupPods(ms, g), CREATED));
    }
    return pods;
  }

  /** {@code pods} with those matching {@code which} changed by {@code change}. */
  static List<Pod> with(List<Pod> pods, Predicate<Pod> which, UnaryOperator<PodFixture> change) {
    return pods.stream()
        .map(p -> which.test(p) ? change.apply(PodFixture.of(p)).build() : p)
        .toList();
  }

  static List<Pod> without(List<Pod> pods, Predicate<Pod> which) {
    return pods.stream().filter(which.negate()).toList();
  }

  static Predicate<Pod> named(String... names) {
    List<String> list = Arrays.asList(names);
    return p -> list.contains(p.getMetadata().getName());
  }

  static Predicate<Pod> inGroup(String group) {
    return p -> group.equals(p.getMetadata().getLabels().get(Labels.GROUP_NAME));
  }

  static Predicate<Pod> inRoleReplica(String group, String roleId) {
    return p ->
        inGroup(group).test(p) && roleId.equals(p.getMetadata().getLabels().get(Labels.ROLE_ID));
  }

  static List<String> names(Collection<? extends HasMetadata> objects) {
    return objects.stream().map(o -> o.getMetadata().getName()).toList();
  }

  static List<String> podNames(List<Pod> pods, Predicate<Pod> which) {
    return names(pods.stream().filter(which).toList());
  }

  static List<String> reasons(Plan plan) {
    return plan.notes().stream().map(Plan.Note::reason).toList();
  }

  // ---- creating ----

  @Nested
  class Create {
    @Test
    void freshModelServingCreatesEveryPodEntryFirstAndServicesForRolesWithWorkers() {
      ModelServing ms = twoRoles().replicas(2).build();
      Plan plan = plan(ms, List.of());

      assertThat(names(plan.podsToCreate()))
          .containsExactly(
              "m-0-prefill-0-0",
              "m-0-prefill-0-1",
              "m-0-prefill-0-2",
              "m-0-decode-0-0",
              "m-0-decode-1-0",
              "m-1-prefill-0-0",
              "m-1-prefill-0-1",
              "m-1-prefill-0-2",
              "m-1-decode-0-0",
              "m-1-decode-1-0");
      assertThat(plan.podsToCreate())
          .isEqualTo(
              Stream.concat(
                      PodFixture.groupPods(ms, 0).stream(), PodFixture.groupPods(ms, 1).stream())
                  .toList());
      assertThat(names(plan.servicesToCreate()))
          .containsExactly("m-0-prefill-0-0", "m-1-prefill-0-0");
      assertThat(plan.podsToDelete()).isEmpty();
      assertThat(plan.servicesToDelete()).isEmpty();
      assertThat(plan.requeueAfter()).isEmpty();
      assertThat(plan.notes())
          .extracting(Plan.Note::reason, Plan.Note::message, Plan.Note::warning)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(
                  "ServingGroupCreated", "creating serving group m-0", false),
              org.assertj.core.groups.Tuple.tuple(
                  "ServingGroupCreated", "creating serving group m-1", false));
    }

    @Test
    void unsetReplicasMeanOne() {
      ModelServing ms = ModelServingFixture.named("m").replicas(null).role("r", null, 0).build();
      assertThat(names(plan(ms, List.of()).podsToCreate())).containsExactly("m-0-r-0-0");
    }

    @Test
    void zeroReplicasCreateNothing() {
      ModelServing ms = twoRoles().replicas(0).build();
      assertThat(plan(ms, List.of()).changesNothing()).isTrue();
    }

    @Test
    void serviceOnlyForRolesWithAWorkerTemplate_evenWithZeroWorkers() {
      ModelServing ms =
          ModelServingFixture.named("m")
              .role("a", 1, 0)
              .role("b", 1, 0, r -> r.setWorkerTemplate(ModelServingFixture.template("worker")))
              .role("c", 2, 1)
              .build();
      Plan plan = plan(ms, List.of());
      assertThat(names(plan.servicesToCreate()))
          .containsExactly("m-0-b-0-0", "m-0-c-0-0", "m-0-c-1-0");
      assertThat(names(plan.podsToCreate()))
          .containsExactly(
              "m-0-a-0-0", "m-0-b-0-0", "m-0-c-0-0", "m-0-c-0-1", "m-0-c-1-0", "m-0-c-1-1");
    }

    @Test
    void scaleUpFillsTheLowestMissingOrdinalsAndKeepsHigherOnes() {
      ModelServing ms = twoRoles().replicas(4).build();
      Plan plan = plan(ms, ready(ms, 0, 5));
      assertThat(names(plan.podsToCreate()))
          .containsExactly(
              "m-1-prefill-0-0",
              "m-1-prefill-0-1",
              "m-1-prefill-0-2",
              "m-1-decode-0-0",
              "m-1-decode-1-0",
              "m-2-prefill-0-0",
              "m-2-prefill-0-1",
              "m-2-prefill-0-2",
              "m-2-decode-0-0",
              "m-2-decode-1-0");
      assertThat(plan.podsToDelete()).isEmpty();
      assertThat(names(plan.servicesToCreate()))
          .containsExactly("m-1-prefill-0-0", "m-2-prefill-0-0");
      assertThat(plan.servicesToDelete()).isEmpty();
    }

    @Test
    void refillCreatesOnlyMissingPodsEntryFirst() {
      ModelServing ms = twoRoles().build();
      List<Pod> pods =
          without(ready(ms, 0), named("m-0-prefill-0-0", "m-0-prefill-0-2", "m-0-decode-1-0"));
      Plan plan = plan(ms, pods);
      assertThat(names(plan.podsToCreate()))
          .containsExactly("m-0-prefill-0-0", "m-0-prefill-0-2", "m-0-decode-1-0");
      assertThat(plan.podsToDelete()).isEmpty();
      assertThat(reasons(plan)).doesNotContain("ServingGroupCreated");
    }

    @Test
    void missingServiceIsRecreatedAndExistingOnesAreNotCreatedAgain() {
      ModelServing ms = twoRoles().replicas(2).build();
      List<Pod> pods = ready(ms, 0, 1);
      List<Service> services = withoutService(servicesFor(pods, ms), "m-1-prefill-0-0");
      Plan plan = plan(ms, pods, services, List.of());
      assertThat(names(plan.servicesToCreate())).containsExactly("m-1-prefill-0-0");
      assertThat(plan.podsToCreate()).isEmpty();
    }

    private static List<Service> withoutService(List<Service> services, String name) {
      return services.stream().filter(s -> !s.getMetadata().getName().equals(name)).toList();
    }
  }

  // ---- steady state ----

  static Stream<Arguments> shapes() {
    return Stream.of(
        Arguments.of(
            "one role of one pod",
            ModelServingFixture.named("single").role("server", 1, 0).build()),
        Arguments.of("Kthena sample", ModelServingFixture.kthenaSample().build()),
        Arguments.of("two groups, two roles", twoRoles().replicas(2).build()),
        Arguments.of("recovery None", twoRoles().replicas(3).recovery(RecoveryPolicy.None).build()),
        Arguments.of(
            "ServingGroupRecreate with grace",
            twoRoles()
                .recovery(RecoveryPolicy.ServingGroupRecreate)
                .restartGracePeriodSeconds(30)
                .build()),
        Arguments.of(
            "workers after entry ready",
            twoRoles()
                .annotation(Annotations.STARTUP_POLICY, Annotations.WORKERS_AFTER_ENTRY_READY)
                .build()));
  }

  @ParameterizedTest(name = "{0}: created pods fed back Running and Ready give an empty plan")
  @MethodSource("shapes")
  void idempotent(String name, ModelServing ms) {
    List<Pod> pods = new ArrayList<>();
    List<Service> services = new ArrayList<>();
    Plan plan = plan(ms, pods, services, List.of());
    for (int pass = 0;
        pass < 3 && !plan.changesNothing();
        pass++) { // startup policy needs a second pass
      pods.addAll(PodFixture.allRunningReady(plan.podsToCreate(), NOW.minusSeconds(60)));
      services.addAll(plan.servicesToCreate());
      plan = plan(ms, pods, services, List.of());
    }
    assertThat(plan.changesNothing()).as("plan after the pods exist: %s", plan).isTrue();
    assertThat(plan.requeueAfter()).isEmpty();
    assertThat(plan.notes()).isEmpty();
    assertThat(pods).hasSize(PodFixture.groupPods(ms, 0).size() * ms.getSpec().getReplicas());
  }

  @Test
  void podsThatAreStillStartingAreLeftAlone() {
    ModelServing ms = twoRoles().build();
    List<Pod> pods = with(ready(ms, 0), p -> true, PodFixture::pending);
    assertThat(plan(ms, pods).changesNothing()).isTrue();
    pods = with(ready(ms, 0), p -> true, PodFixture::runningNotReady);
    assertThat(plan(ms, pods).changesNothing()).isTrue();
    pods = with(ready(ms, 0), p -> true, f -> f.restartedButReady(3));
    assertThat(plan(ms, pods).changesNothing()).isTrue();
  }

  // ---- scaling serving groups down ----

  /** 4 ready groups of a role with 1 entry + 1 worker; the spec wants {@code replicas}. */
  record ScaleDown(
      String name,
      int replicas,
      Function<List<Pod>, List<Pod>> cluster,
      List<Integer> deletedGroups) {
    @Override
    public String toString() {
      return name;
    }
  }

  static ModelServing fourGroupsScaledTo(int replicas) {
    return ModelServingFixture.named("m").replicas(replicas).role("r", 1, 1).build();
  }

  static UnaryOperator<PodFixture> cost(long c) {
    return f -> f.deletionCost(c);
  }

  static Stream<ScaleDown> scaleDowns() {
    return Stream.of(
        new ScaleDown("all equal: highest ordinal goes", 3, pods -> pods, List.of(3)),
        new ScaleDown(
            "a not-ready group goes first",
            3,
            pods -> with(pods, named("m-1-r-0-1"), PodFixture::pending),
            List.of(1)),
        new ScaleDown(
            "a group with a failed pod goes first",
            3,
            pods -> with(pods, named("m-0-r-0-0"), f -> f.failed(NOW.minusSeconds(5))),
            List.of(0)),
        new ScaleDown(
            "a group missing a pod is not ready and goes first",
            3,
            pods -> without(pods, named("m-1-r-0-1")),
            List.of(1)),
        new ScaleDown(
            "lowest summed deletion cost goes",
            3,
            pods -> with(with(pods, p -> true, cost(5)), named("m-2-r-0-0"), cost(3)),
            List.of(2)),
        new ScaleDown(
            "cost is summed over pods, not the maximum",
            3,
            pods ->
                with(
                    with(
                        with(pods, p -> true, cost(10)),
                        named("m-1-r-0-0", "m-1-r-0-1"),
                        cost(4)), // sum 8
                    inGroup("m-2"),
                    f ->
                        f.deletionCost(
                            f.build().getMetadata().getName().endsWith("-0") ? 6 : 0)), // sum 6
            List.of(2)),
        new ScaleDown(
            "negative cost goes before zero",
            3,
            pods -> with(pods, named("m-0-r-0-1"), cost(-1)),
            List.of(0)),
        new ScaleDown(
            "an unparsable cost counts as 0",
            3,
            pods ->
                with(
                    with(pods, p -> true, cost(1)),
                    inGroup("m-1"),
                    f -> f.annotation(Annotations.POD_DELETION_COST, "cheap")),
            List.of(1)),
        new ScaleDown(
            "readiness beats cost",
            3,
            pods ->
                with(with(pods, inGroup("m-0"), cost(1_000)), inGroup("m-3"), cost(-1_000)).stream()
                    .map(p -> inGroup("m-0").test(p) ? PodFixture.of(p).pending().build() : p)
                    .toList(),
            List.of(0)),
        new ScaleDown(
            "huge costs do not overflow",
            3,
            pods ->
                with(
                    with(pods, inGroup("m-1"), cost(Long.MAX_VALUE)),
                    inGroup("m-2"),
                    cost(Long.MIN_VALUE)),
            List.of(2)),
        new ScaleDown(
            "4 to 1: not ready, then cheapest, then highest",
            1,
            pods ->
                with(with(pods, named("m-2-r-0-0"), PodFixture::pending), inGroup("m-0"), cost(1)),
            List.of(1, 2, 3)),
        new ScaleDown("to 0 deletes everything", 0, pods -> pods, List.of(0, 1, 2, 3)));
  }

  @ParameterizedTest(name = "scale down 4 -> n: {0}")
  @MethodSource("scaleDowns")
  void scaleDownOrder(ScaleDown c) {
    ModelServing ms = fourGroupsScaledTo(c.replicas());
    List<Pod> pods = c.cluster().apply(ready(ms, 0, 1, 2, 3));
    Plan plan = plan(ms, pods);

    List<String> expected = new ArrayList<>();
    c.deletedGroups().forEach(g -> expected.addAll(podNames(pods, inGroup("m-" + g))));
    assertThat(names(plan.podsToDelete())).containsExactlyInAnyOrderElementsOf(expected);
    assertThat(names(plan.servicesToDelete()))
        .containsExactlyInAnyOrderElementsOf(
            c.deletedGroups().stream().map(g -> "m-" + g + "-r-0-0").toList());
    assertThat(reasons(plan)).containsOnly("ServingGroupDeleted").hasSize(c.deletedGroups().size());
    // Kept groups are refilled when they miss pods, but nothing else is created.
    assertThat(plan.podsToCreate())
        .allSatisfy(
            p ->
                assertThat(c.deletedGroups())
                    .doesNotContain(
                        Integer.parseInt(
                            p.getMetadata().getLabels().get(Labels.GROUP_NAME).substring(2))));
  }

  @Test
  void aGroupAlreadyTerminatingCountsAsTheGroupThatGoes() {
    ModelServing ms = fourGroupsScaledTo(3);
    List<Pod> pods =
        with(ready(ms, 0, 1, 2, 3), inGroup("m-3"), f -> f.terminating(NOW.minusSeconds(5)));
    Plan plan = plan(ms, pods, servicesFor(without(pods, inGroup("m-3")), ms), List.of());
    assertThat(plan.changesNothing()).as("%s", plan).isTrue();
  }

  // ---- roles inside a group ----

  @Nested
  class Roles {
    @Test
    void roleScaleUpAddsTheLowestMissingRoleReplica() {
      ModelServing before = twoRoles().build();
      ModelServing after = twoRoles().build();
      PodFixture.role(after, "decode").setReplicas(3);
      PodFixture.role(after, "prefill").setReplicas(2);
      Plan plan = plan(after, ready(before, 0), PodFixture.groupServices(before, 0), List.of());
      assertThat(names(plan.podsToCreate()))
          .containsExactly(
              "m-0-prefill-1-0", "m-0-prefill-1-1", "m-0-prefill-1-2", "m-0-decode-2-0");
      assertThat(names(plan.servicesToCreate())).containsExactly("m-0-prefill-1-0");
      assertThat(plan.podsToDelete()).isEmpty();
    }

    @Test
    void roleScaleDownRemovesTheHighestOrdinalWhenAllAreEqual() {
      ModelServing after = twoRoles().build();
      PodFixture.role(after, "decode").setReplicas(1);
      Plan plan = plan(after, ready(twoRoles().build(), 0));
      assertThat(names(plan.podsToDelete())).containsExactly("m-0-decode-1-0");
      assertThat(plan.podsToCreate()).isEmpty();
      assertThat(plan.notes())
          .singleElement()
          .satisfies(
              n -> {
                assertThat(n.reason()).isEqualTo("RoleDeleted");
                assertThat(n.message())
                    .isEqualTo("deleting role replica decode-1 of serving group m-0");
              });
    }

    @Test
    void roleScaleDownRemovesANotReadyReplicaFirst() {
      ModelServing after = twoRoles().build();
      PodFixture.role(after, "decode").setReplicas(1);
      List<Pod> pods =
          with(ready(twoRoles().build(), 0), named("m-0-decode-0-0"), PodFixture::pending);
      assertThat(names(plan(after, pods).podsToDelete())).containsExactly("m-0-decode-0-0");
    }

    @Test
    void roleScaleDownRemovesTheCheapestReplica() {
      ModelServing after = twoRoles().build();
      PodFixture.role(after, "decode").setReplicas(1);
      List<Pod> pods = with(ready(twoRoles().build(), 0), named("m-0-decode-1-0"), cost(5));
      assertThat(names(plan(after, pods).podsToDelete())).containsExactly("m-0-decode-0-0");
    }

    @Test
    void roleScaledToZeroLosesAllItsPodsAndServices() {
      ModelServing before = twoRoles().build();
      ModelServing after = twoRoles().build();
      PodFixture.role(after, "prefill").setReplicas(0);
      Plan plan = plan(after, ready(before, 0), PodFixture.groupServices(before, 0), List.of());
      assertThat(names(plan.podsToDelete()))
          .containsExactly("m-0-prefill-0-0", "m-0-prefill-0-1", "m-0-prefill-0-2");
      assertThat(names(plan.servicesToDelete())).containsExactly("m-0-prefill-0-0");
      assertThat(plan.podsToCreate()).isEmpty();
    }

    @Test
    void loweringWorkerReplicasDeletesSurplusWorkers() {
      ModelServing after = twoRoles().build();
      PodFixture.role(after, "prefill").setWorkerReplicas(1);
      Plan plan = plan(after, ready(twoRoles().build(), 0));
      assertThat(names(plan.podsToDelete())).containsExactly("m-0-prefill-0-2");
      assertThat(plan.podsToCreate()).isEmpty();
      assertThat(plan.servicesToDelete()).isEmpty();
    }

    @Test
    void raisingWorkerReplicasAddsWorkers() {
      ModelServing after = twoRoles().build();
      PodFixture.role(after, "prefill").setWorkerReplicas(4);
      Plan plan = plan(after, ready(twoRoles().build(), 0));
      assertThat(names(plan.podsToCreate())).containsExactly("m-0-prefill-0-3", "m-0-prefill-0-4");
      assertThat(plan.podsToCreate())
          .allSatisfy(
              p ->
                  assertThat(p.getSpec().getContainers().get(0).getEnv().get(2).getValue())
                      .isEqualTo("5"));
    }

    @Test
    void roleRemovedFromTheSpecLosesItsPodsAndServices() {
      ModelServing before = twoRoles().replicas(2).build();
      ModelServing after = twoRoles().replicas(2).build();
      after.getSpec().getTemplate().getRoles().removeIf(r -> r.getName().equals("prefill"));
      Plan plan = plan(after, ready(before, 0, 1), PodFixture.groupServices(before, 0), List.of());
      assertThat(names(plan.podsToDelete()))
          .containsExactlyInAnyOrder(
              "m-0-prefill-0-0",
              "m-0-prefill-0-1",
              "m-0-prefill-0-2",
              "m-1-prefill-0-0",
              "m-1-prefill-0-1",
              "m-1-prefill-0-2");
      assertThat(names(plan.servicesToDelete())).containsExactly("m-0-prefill-0-0");
      assertThat(plan.podsToCreate()).isEmpty();
    }
  }

  // ---- recovery from failed pods ----

  record Failure(
      String name,
      RecoveryPolicy policy,
      UnaryOperator<PodFixture> failure,
      String failedPod,
      List<String> deleted) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final List<String> PREFILL_0 =
      List.of("m-0-prefill-0-0", "m-0-prefill-0-1", "m-0-prefill-0-2");
  static final List<String> GROUP_0 =
      List.of(
          "m-0-prefill-0-0",
          "m-0-prefill-0-1",
          "m-0-prefill-0-2",
          "m-0-decode-0-0",
          "m-0-decode-1-0");

  static Stream<Failure> failures() {
    UnaryOperator<PodFixture> failed = f -> f.failed(NOW.minusSeconds(300));
    UnaryOperator<PodFixture> crashLoop = f -> f.crashLooping(4, NOW.minusSeconds(300));
    return Stream.of(
        new Failure(
            "RoleRecreate, worker Failed: the role replica goes",
            RecoveryPolicy.RoleRecreate,
            failed,
            "m-0-prefill-0-1",
            PREFILL_0),
        new Failure(
            "RoleRecreate, entry crash-looping: the role replica goes",
            RecoveryPolicy.RoleRecreate,
            crashLoop,
            "m-0-prefill-0-0",
            PREFILL_0),
        new Failure("RoleRecreate is the default", null, failed, "m-0-prefill-0-2", PREFILL_0),
        new Failure(
            "RoleRecreate, single-pod replica: only that replica",
            RecoveryPolicy.RoleRecreate,
            failed,
            "m-0-decode-1-0",
            List.of("m-0-decode-1-0")),
        new Failure(
            "ServingGroupRecreate, worker Failed: the group goes",
            RecoveryPolicy.ServingGroupRecreate,
            failed,
            "m-0-prefill-0-1",
            GROUP_0),
        new Failure(
            "ServingGroupRecreate, decode crash-looping: the group goes",
            RecoveryPolicy.ServingGroupRecreate,
            crashLoop,
            "m-0-decode-0-0",
            GROUP_0),
        new Failure(
            "None, Failed: nothing", RecoveryPolicy.None, failed, "m-0-prefill-0-1", List.of()),
        new Failure(
            "None, crash-looping: nothing",
            RecoveryPolicy.None,
            crashLoop,
            "m-0-decode-0-0",
            List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failures")
  void failedPodRecovery(Failure c) {
    ModelServing ms = twoRoles().replicas(2).recovery(c.policy()).build();
    List<Pod> pods = with(ready(ms, 0, 1), named(c.failedPod()), c.failure());
    Plan plan = plan(ms, pods);

    assertThat(names(plan.podsToDelete())).containsExactlyInAnyOrderElementsOf(c.deleted());
    assertThat(plan.podsToCreate()).as("nothing is created while pods are being rebuilt").isEmpty();
    assertThat(plan.servicesToDelete()).isEmpty();
    assertThat(plan.requeueAfter()).isEmpty();
    if (c.deleted().isEmpty()) {
      assertThat(plan.notes()).isEmpty();
    } else {
      assertThat(plan.notes())
          .singleElement()
          .satisfies(
              n ->
                  assertThat(n.message())
                      .startsWith("pod " + c.failedPod() + " failed: recreating"));
    }
  }

  @ParameterizedTest(name = "{0}: rebuilt pods are created once the old ones are gone")
  @EnumSource(
      value = RecoveryPolicy.class,
      names = {"RoleRecreate", "ServingGroupRecreate"})
  void rebuildCompletes(RecoveryPolicy policy) {
    ModelServing ms = twoRoles().recovery(policy).build();
    List<Pod> pods =
        with(ready(ms, 0), named("m-0-prefill-0-1"), f -> f.failed(NOW.minusSeconds(300)));
    Plan first = plan(ms, pods);
    List<String> deleted = names(first.podsToDelete());

    // The deleted pods are terminating: nothing is created yet.
    List<Pod> terminating =
        with(pods, named(deleted.toArray(String[]::new)), f -> f.terminating(NOW));
    Plan second = plan(ms, terminating);
    assertThat(second.changesNothing()).as("%s", second).isTrue();

    // They are gone: exactly they are created again, entry first.
    Plan third = plan(ms, without(pods, named(deleted.toArray(String[]::new))));
    assertThat(names(third.podsToCreate())).containsExactlyElementsOf(deleted);
    assertThat(third.podsToDelete()).isEmpty();
  }

  @Test
  void failedPodWithinTheGracePeriodWaitsAndAsksToLookAgain() {
    ModelServing ms = twoRoles().restartGracePeriodSeconds(60).build();
    List<Pod> pods =
        with(ready(ms, 0), named("m-0-prefill-0-1"), f -> f.failed(NOW.minusSeconds(10)));
    Plan plan = plan(ms, pods);
    assertThat(plan.changesNothing()).isTrue();
    assertThat(plan.requeueAfter()).contains(Duration.ofSeconds(50));
  }

  @Test
  void crashLoopingPodWithinTheGracePeriodWaits() {
    ModelServing ms = twoRoles().restartGracePeriodSeconds(60).build();
    List<Pod> pods =
        with(ready(ms, 0), named("m-0-decode-0-0"), f -> f.crashLooping(1, NOW.minusSeconds(15)));
    Plan plan = plan(ms, pods);
    assertThat(plan.changesNothing()).isTrue();
    assertThat(plan.requeueAfter()).contains(Duration.ofSeconds(45));
  }

  @Test
  void theEarliestDueFailureDecidesWhenToLookAgain() {
    ModelServing ms = twoRoles().restartGracePeriodSeconds(60).build();
    List<Pod> pods =
        with(
            with(ready(ms, 0), named("m-0-prefill-0-1"), f -> f.failed(NOW.minusSeconds(10))),
            named("m-0-decode-1-0"),
            f -> f.failed(NOW.minusSeconds(40)));
    assertThat(plan(ms, pods).requeueAfter()).contains(Duration.ofSeconds(20));
  }

  @Test
  void failedPodPastTheGracePeriodIsRebuilt() {
    ModelServing ms = twoRoles().restartGracePeriodSeconds(60).build();
    List<Pod> pods =
        with(ready(ms, 0), named("m-0-prefill-0-1"), f -> f.failed(NOW.minusSeconds(61)));
    Plan plan = plan(ms, pods);
    assertThat(names(plan.podsToDelete())).containsExactlyInAnyOrderElementsOf(PREFILL_0);
    assertThat(plan.requeueAfter()).isEmpty();
  }

  @Test
  void recoveryNoneNeverAsksToLookAgain() {
    ModelServing ms =
        twoRoles().recovery(RecoveryPolicy.None).restartGracePeriodSeconds(60).build();
    List<Pod> pods =
        with(ready(ms, 0), named("m-0-prefill-0-1"), f -> f.failed(NOW.minusSeconds(10)));
    Plan plan = plan(ms, pods);
    assertThat(plan.changesNothing()).isTrue();
    assertThat(plan.requeueAfter()).isEmpty();
  }

  // ---- recovery from pods deleted by someone else ----

  record Disrupted(
      String name,
      RecoveryPolicy policy,
      Instant podsCreated,
      String deletedPod,
      List<String> deleted,
      List<String> created) {
    @Override
    public String toString() {
      return name;
    }
  }

  static final Instant DISRUPTED_AT = NOW.minusSeconds(60);

  static Stream<Disrupted> disruptions() {
    return Stream.of(
        new Disrupted(
            "RoleRecreate: the older siblings go, nothing is created yet",
            RecoveryPolicy.RoleRecreate,
            CREATED,
            "m-0-prefill-0-1",
            List.of("m-0-prefill-0-0", "m-0-prefill-0-2"),
            List.of()),
        new Disrupted(
            "ServingGroupRecreate: the rest of the group goes",
            RecoveryPolicy.ServingGroupRecreate,
            CREATED,
            "m-0-prefill-0-1",
            List.of("m-0-prefill-0-0", "m-0-prefill-0-2", "m-0-decode-0-0", "m-0-decode-1-0"),
            List.of()),
        new Disrupted(
            "None: only the missing pod is refilled",
            RecoveryPolicy.None,
            CREATED,
            "m-0-prefill-0-1",
            List.of(),
            List.of("m-0-prefill-0-1")),
        new Disrupted(
            "RoleRecreate, a disruption older than every pod is ignored",
            RecoveryPolicy.RoleRecreate,
            DISRUPTED_AT.plusSeconds(1),
            "m-0-prefill-0-1",
            List.of(),
            List.of("m-0-prefill-0-1")),
        new Disrupted(
            "ServingGroupRecreate, a disruption older than every pod is ignored",
            RecoveryPolicy.ServingGroupRecreate,
            DISRUPTED_AT.plusSeconds(1),
            "m-0-prefill-0-1",
            List.of(),
            List.of("m-0-prefill-0-1")),
        new Disrupted(
            "RoleRecreate, single-pod replica: just refilled",
            RecoveryPolicy.RoleRecreate,
            CREATED,
            "m-0-decode-1-0",
            List.of(),
            List.of("m-0-decode-1-0")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("disruptions")
  void disruption(Disrupted c) {
    ModelServing ms = twoRoles().recovery(c.policy()).build();
    List<Pod> pods =
        without(
            PodFixture.allRunningReady(PodFixture.groupPods(ms, 0), c.podsCreated()),
            named(c.deletedPod()));
    Pod gone =
        PodFixture.groupPods(ms, 0).stream()
            .filter(named(c.deletedPod()))
            .findFirst()
            .orElseThrow();
    String role = gone.getMetadata().getLabels().get(Labels.ROLE);
    int ordinal =
        Integer.parseInt(
            gone.getMetadata().getLabels().get(Labels.ROLE_ID).substring(role.length() + 1));
    Disruption d = new Disruption(0, role, ordinal, c.deletedPod(), DISRUPTED_AT);
    Plan plan = plan(ms, pods, servicesFor(pods, ms), List.of(d));

    assertThat(names(plan.podsToDelete())).containsExactlyInAnyOrderElementsOf(c.deleted());
    assertThat(names(plan.podsToCreate())).containsExactlyElementsOf(c.created());
    if (!c.deleted().isEmpty()) {
      assertThat(plan.notes())
          .singleElement()
          .satisfies(
              n -> assertThat(n.message()).startsWith("pod " + c.deletedPod() + " was deleted"));
    }
  }

  @Test
  void disruptionOfAnotherRoleReplicaOrGroupDoesNotMatter() {
    ModelServing ms = twoRoles().replicas(2).build();
    List<Pod> pods = ready(ms, 0, 1);
    List<Disruption> elsewhere =
        List.of(
            new Disruption(0, "prefill", 1, "m-0-prefill-1-0", DISRUPTED_AT), // no such replica
            new Disruption(2, "prefill", 0, "m-2-prefill-0-0", DISRUPTED_AT), // no such group
            new Disruption(0, "router", 0, "m-0-router-0-0", DISRUPTED_AT)); // no such role
    assertThat(plan(ms, pods, servicesFor(pods, ms), elsewhere).changesNothing()).isTrue();
  }

  @Test
  void servingGroupRecreateRebuildsTheGroupWhenASinglePodRoleReplicaIsDeleted() {
    ModelServing ms = twoRoles().recovery(RecoveryPolicy.ServingGroupRecreate).build();
    List<Pod> pods = without(ready(ms, 0), named("m-0-decode-1-0"));
    Plan plan =
        plan(
            ms,
            pods,
            servicesFor(pods, ms),
            List.of(new Disruption(0, "decode", 1, "m-0-decode-1-0", DISRUPTED_AT)));
    assertThat(names(plan.podsToDelete()))
        .containsExactlyInAnyOrder(
            "m-0-prefill-0-0", "m-0-prefill-0-1", "m-0-prefill-0-2", "m-0-decode-0-0");
    assertThat(plan.podsToCreate()).isEmpty();
  }

  @Test
  void workersWithoutAWorkerTemplateDoNotBreakThePlan() {
    ModelServing ms =
        ModelServingFixture.named("m")
            .role("r", 1, 2, r -> r.setWorkerTemplate(null))
            .role("ok", 1, 0)
            .build();
    Plan plan = plan(ms, List.of());
    assertThat(names(plan.podsToCreate())).containsExactly("m-0-r-0-0", "m-0-ok-0-0");
  }

  // ---- terminating pods ----

  @Test
  void terminatingPodsBlockTheRefillOfTheirRoleReplicaOnly() {
    ModelServing ms = twoRoles().build();
    List<Pod> pods =
        without(
            with(ready(ms, 0), named("m-0-prefill-0-0"), f -> f.terminating(NOW.minusSeconds(1))),
            named("m-0-prefill-0-1", "m-0-decode-1-0"));
    Plan plan = plan(ms, pods);
    assertThat(names(plan.podsToCreate())).containsExactly("m-0-decode-1-0");
    assertThat(plan.podsToDelete()).isEmpty();
  }

  @Test
  void terminatingPodsAreNeverDeletedAgain() {
    ModelServing ms = twoRoles().replicas(1).build();
    List<Pod> pods =
        with(
            ready(twoRoles().replicas(2).build(), 0, 1),
            inGroup("m-1"),
            f -> f.terminating(NOW.minusSeconds(1)));
    Plan plan = plan(ms, pods, servicesFor(without(pods, inGroup("m-1")), ms), List.of());
    assertThat(plan.changesNothing()).isTrue();
  }

  // ---- startup policy ----

  @Nested
  class WorkersAfterEntryReady {
    private final ModelServing ms =
        twoRoles()
            .annotation(Annotations.STARTUP_POLICY, Annotations.WORKERS_AFTER_ENTRY_READY)
            .build();

    @Test
    void onlyEntryPodsAtFirst() {
      Plan plan = plan(ms, List.of());
      assertThat(names(plan.podsToCreate()))
          .containsExactly("m-0-prefill-0-0", "m-0-decode-0-0", "m-0-decode-1-0");
      assertThat(names(plan.servicesToCreate())).containsExactly("m-0-prefill-0-0");
    }

    @Test
    void noWorkersWhileTheEntryIsNotReady() {
      List<Pod> pods = with(ready(ms, 0), named("m-0-prefill-0-0"), PodFixture::pending);
      pods = without(pods, named("m-0-prefill-0-1", "m-0-prefill-0-2"));
      assertThat(plan(ms, pods).changesNothing()).isTrue();
    }

    @Test
    void workersOnceTheEntryIsReady() {
      List<Pod> pods = without(ready(ms, 0), named("m-0-prefill-0-1", "m-0-prefill-0-2"));
      assertThat(names(plan(ms, pods).podsToCreate()))
          .containsExactly("m-0-prefill-0-1", "m-0-prefill-0-2");
    }

    @Test
    void otherValuesCreateEverythingAtOnce() {
      ModelServing parallel = twoRoles().annotation(Annotations.STARTUP_POLICY, "Parallel").build();
      assertThat(plan(parallel, List.of()).podsToCreate()).hasSize(5);
    }
  }

  // ---- pods and Services the controller would not have made ----

  static Stream<Arguments> strayPods() {
    ModelServing ms = twoRoles().build();
    Pod template = PodFixture.pod(ms, 0, "prefill", 0, 1);
    return Stream.of(
        Arguments.of(
            "group of another ModelServing",
            stray(
                template,
                "m-0-x",
                p -> p.getMetadata().getLabels().put(Labels.GROUP_NAME, "other-0"))),
        Arguments.of(
            "no group label",
            stray(template, "m-0-y", p -> p.getMetadata().getLabels().remove(Labels.GROUP_NAME))),
        Arguments.of(
            "no labels at all", stray(template, "m-0-z", p -> p.getMetadata().setLabels(null))),
        Arguments.of(
            "unreadable group ordinal",
            stray(
                template,
                "m-x-prefill-0-1",
                p -> p.getMetadata().getLabels().put(Labels.GROUP_NAME, "m-x"))),
        Arguments.of(
            "role not in the spec",
            stray(
                template,
                "m-0-router-0-0",
                p -> {
                  p.getMetadata().getLabels().put(Labels.ROLE, "router");
                  p.getMetadata().getLabels().put(Labels.ROLE_ID, "router-0");
                })),
        Arguments.of(
            "unreadable role id",
            stray(
                template,
                "m-0-prefill-x-1",
                p -> p.getMetadata().getLabels().put(Labels.ROLE_ID, "prefill-x"))),
        Arguments.of(
            "role id of another role",
            stray(
                template,
                "m-0-prefill-0-9",
                p -> p.getMetadata().getLabels().put(Labels.ROLE_ID, "decode-0"))),
        Arguments.of(
            "worker index beyond workerReplicas", stray(template, "m-0-prefill-0-3", p -> {})),
        Arguments.of(
            "name that does not match its labels", stray(template, "something-else", p -> {})));
  }

  private static Pod stray(Pod template, String name, java.util.function.Consumer<Pod> change) {
    Pod pod = SERIALIZATION.clone(template);
    pod.getMetadata().setName(name);
    change.accept(pod);
    return PodFixture.of(pod).createdAt(CREATED).runningReady().build();
  }

  @ParameterizedTest(name = "a stray pod is deleted: {0}")
  @MethodSource("strayPods")
  void strayPodsAreDeleted(String name, Pod stray) {
    ModelServing ms = twoRoles().build();
    List<Pod> pods = new ArrayList<>(ready(ms, 0));
    pods.add(stray);
    Plan plan = plan(ms, pods, PodFixture.groupServices(ms, 0), List.of());
    assertThat(names(plan.podsToDelete())).containsExactly(stray.getMetadata().getName());
    assertThat(plan.podsToCreate()).isEmpty();
    assertThat(plan.servicesToCreate()).isEmpty();
    assertThat(plan.servicesToDelete()).isEmpty();
  }

  @Test
  void servicesOfRemovedGroupsReplicasAndWorkerlessRolesAreDeleted() {
    ModelServing ms = twoRoles().replicas(1).build();
    List<Service> services = new ArrayList<>(PodFixture.groupServices(ms, 0));
    services.add(ServingGroupPods.buildHeadlessService(ms, 1, "prefill", 0)); // group 1 is gone
    services.add(
        ServingGroupPods.buildHeadlessService(ms, 0, "prefill", 1)); // prefill has 1 replica
    services.add(
        ServingGroupPods.buildHeadlessService(ms, 0, "decode", 0)); // decode has no workerTemplate
    Service terminating = ServingGroupPods.buildHeadlessService(ms, 0, "decode", 1);
    terminating.getMetadata().setDeletionTimestamp(NOW.toString());
    services.add(terminating);

    Plan plan = plan(ms, ready(ms, 0), services, List.of());
    assertThat(names(plan.servicesToDelete()))
        .containsExactly("m-1-prefill-0-0", "m-0-prefill-1-0", "m-0-decode-0-0");
    assertThat(plan.servicesToCreate()).isEmpty();
    assertThat(plan.podsToCreate()).isEmpty();
    assertThat(plan.podsToDelete()).isEmpty();
  }

  @Test
  void manyGroupsPlanQuickly() {
    ModelServing ms = twoRoles().replicas(50).build();
    List<Pod> pods = ready(ms, IntStream.range(0, 50).toArray());
    long start = System.nanoTime();
    Plan plan = plan(ms, pods);
    assertThat(plan.changesNothing()).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
  }
}
