package dev.modelserving.controller.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.lws.v1.LwsKeys;
import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Conditions;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Labels;
import dev.modelserving.api.v1alpha1.ModelServingStatus;
import dev.modelserving.controller.podgen.Revisions;
import dev.modelserving.controller.status.ModelServingStatusAggregator.Blocker;
import dev.modelserving.controller.testing.ModelServingFixture;
import dev.modelserving.controller.testing.PodFixture;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ModelServingStatusAggregatorTest {
  static final Instant NOW = Instant.parse("2025-01-01T12:00:00.750Z");
  static final String NOW_SECONDS = "2025-01-01T12:00:00Z";
  static final String EARLIER = "2024-12-31T08:00:00Z";

  /** m with 2 groups of prefill (entry + 1 worker) and decode (one pod). */
  static ModelServingFixture twoGroups() {
    return ModelServingFixture.named("m")
        .inNamespace("ns")
        .generation(7L)
        .replicas(2)
        .role("prefill", 1, 1)
        .role("decode", 1, 0);
  }

  static ModelServing ms() {
    return twoGroups().build();
  }

  static String updateRevision(ModelServing ms) {
    return Revisions.ofRoles(ms.getSpec().getTemplate().getRoles());
  }

  static List<Pod> ready(ModelServing ms, int... groups) {
    List<Pod> pods = new ArrayList<>();
    for (int g : groups) {
      pods.addAll(PodFixture.allRunningReady(PodFixture.groupPods(ms, g)));
    }
    return pods;
  }

  static List<Pod> with(List<Pod> pods, Predicate<Pod> which, UnaryOperator<PodFixture> change) {
    return pods.stream()
        .map(p -> which.test(p) ? change.apply(PodFixture.of(p)).build() : p)
        .toList();
  }

  static Predicate<Pod> named(String... names) {
    return p -> Arrays.asList(names).contains(p.getMetadata().getName());
  }

  static Predicate<Pod> inGroup(String group) {
    return p -> group.equals(p.getMetadata().getLabels().get(Labels.GROUP_NAME));
  }

  static ModelServingStatus compute(ModelServing ms, List<Pod> pods) {
    return ModelServingStatusAggregator.compute(ms, pods, Optional.empty(), NOW);
  }

  static Condition condition(ModelServingStatus status, String type) {
    return status.getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst()
        .orElseThrow();
  }

  static Condition previous(String type, String status, String time) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason("Old")
        .withMessage("old message")
        .withLastTransitionTime(time)
        .withObservedGeneration(1L)
        .build();
  }

  // ---- counts ----

  record Counts(
      String name,
      Function<ModelServing, List<Pod>> pods,
      int replicas,
      int available,
      int updated) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Counts> counts() {
    return Stream.of(
        new Counts("no pods", ms -> List.of(), 0, 0, 0),
        new Counts("all ready", ms -> ready(ms, 0, 1), 2, 2, 2),
        new Counts(
            "one pod pending",
            ms -> with(ready(ms, 0, 1), named("m-1-prefill-0-1"), PodFixture::pending),
            2,
            1,
            2),
        new Counts(
            "a pod missing",
            ms -> ready(ms, 0, 1).stream().filter(named("m-0-decode-0-0").negate()).toList(),
            2,
            1,
            2),
        new Counts(
            "a pod failed",
            ms -> with(ready(ms, 0, 1), named("m-0-decode-0-0"), f -> f.failed(NOW)),
            2,
            1,
            2),
        new Counts(
            "a group all terminating is not counted",
            ms -> with(ready(ms, 0, 1), inGroup("m-1"), PodFixture::terminating),
            1,
            1,
            1),
        new Counts(
            "a group partly terminating is counted, not available",
            ms -> with(ready(ms, 0, 1), named("m-1-decode-0-0"), PodFixture::terminating),
            2,
            1,
            2),
        new Counts(
            "pods of another ModelServing are ignored",
            ms ->
                Stream.concat(
                        ready(ms, 0, 1).stream(),
                        ready(ModelServingFixture.named("other").role("prefill", 1, 0).build(), 0)
                            .stream())
                    .toList(),
            2,
            2,
            2),
        new Counts("groups outside spec.replicas are counted", ms -> ready(ms, 0, 1, 5), 3, 3, 3),
        new Counts(
            "a group at an old revision is not updated",
            ms -> with(ready(ms, 0, 1), inGroup("m-0"), f -> f.label(Labels.REVISION, "old")),
            2,
            2,
            1),
        new Counts(
            "a group with mixed revisions is not updated",
            ms ->
                with(
                    ready(ms, 0, 1), named("m-0-decode-0-0"), f -> f.label(Labels.REVISION, "old")),
            2,
            2,
            1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("counts")
  void countsServingGroups(Counts c) {
    ModelServing ms = ms();
    ModelServingStatus status = compute(ms, c.pods().apply(ms));
    assertThat(status.getReplicas()).as("replicas").isEqualTo(c.replicas());
    assertThat(status.getAvailableReplicas()).as("availableReplicas").isEqualTo(c.available());
    assertThat(status.getUpdatedReplicas()).as("updatedReplicas").isEqualTo(c.updated());
    assertThat(status.getObservedGeneration()).isEqualTo(7L);
    assertThat(status.getUpdateRevision()).isEqualTo(updateRevision(ms));
  }

  // ---- revisions ----

  @Nested
  class RevisionFields {
    @Test
    void allUpdatedMeansCurrentIsTheUpdateRevision() {
      ModelServing ms = twoGroups().status(statusWithCurrentRevision("old")).build();
      ModelServingStatus status = compute(ms, ready(ms, 0, 1));
      assertThat(status.getCurrentRevision()).isEqualTo(updateRevision(ms));
      assertThat(status.getCurrentReplicas()).isEqualTo(2);
    }

    @Test
    void noGroupsMeansCurrentIsTheUpdateRevision() {
      ModelServing ms = twoGroups().status(statusWithCurrentRevision("old")).build();
      ModelServingStatus status = compute(ms, List.of());
      assertThat(status.getCurrentRevision()).isEqualTo(updateRevision(ms));
      assertThat(status.getCurrentReplicas()).isZero();
    }

    @Test
    void theStoredCurrentRevisionIsKeptWhileGroupsStillUseIt() {
      ModelServing ms = twoGroups().replicas(4).status(statusWithCurrentRevision("r1")).build();
      // r2 is the more common old revision, but r1 is stored and one group still runs it.
      List<Pod> pods =
          with(
              with(ready(ms, 0, 1, 2, 3), inGroup("m-0"), f -> f.label(Labels.REVISION, "r1")),
              p -> inGroup("m-1").test(p) || inGroup("m-2").test(p),
              f -> f.label(Labels.REVISION, "r2"));
      ModelServingStatus status = compute(ms, pods);
      assertThat(status.getCurrentRevision()).isEqualTo("r1");
      assertThat(status.getCurrentReplicas()).isEqualTo(1);
      assertThat(status.getUpdatedReplicas()).isEqualTo(1);
    }

    @Test
    void otherwiseTheMostCommonOldRevision() {
      ModelServing ms = twoGroups().replicas(4).status(statusWithCurrentRevision("gone")).build();
      List<Pod> pods =
          with(
              with(ready(ms, 0, 1, 2, 3), inGroup("m-0"), f -> f.label(Labels.REVISION, "r1")),
              p -> inGroup("m-1").test(p) || inGroup("m-2").test(p),
              f -> f.label(Labels.REVISION, "r2"));
      ModelServingStatus status = compute(ms, pods);
      assertThat(status.getCurrentRevision()).isEqualTo("r2");
      assertThat(status.getCurrentReplicas()).isEqualTo(2);
    }

    @Test
    void tiesAreBrokenDeterministically() {
      ModelServing ms = twoGroups().replicas(3).build();
      List<Pod> pods =
          with(
              with(ready(ms, 0, 1, 2), inGroup("m-0"), f -> f.label(Labels.REVISION, "ra")),
              inGroup("m-1"),
              f -> f.label(Labels.REVISION, "rb"));
      String first = compute(ms, pods).getCurrentRevision();
      assertThat(first).isIn("ra", "rb");
      assertThat(compute(ms, pods.reversed()).getCurrentRevision()).isEqualTo(first);
    }

    private static ModelServingStatus statusWithCurrentRevision(String revision) {
      ModelServingStatus status = new ModelServingStatus();
      status.setCurrentRevision(revision);
      return status;
    }
  }

  // ---- label selector ----

  static Stream<Arguments> selectors() {
    return Stream.of(
        Arguments.of("first role", twoGroups().build(), "prefill"),
        Arguments.of(
            "first role with replicas unset",
            ModelServingFixture.named("m").role("a", null, 0).role("b", 1, 0).build(),
            "a"),
        Arguments.of(
            "first role has 0 replicas",
            ModelServingFixture.named("m").role("a", 0, 0).role("b", 2, 0).build(),
            "b"),
        Arguments.of(
            "every role has 0 replicas",
            ModelServingFixture.named("m").role("a", 0, 0).role("b", 0, 0).build(),
            "a"));
  }

  @ParameterizedTest(name = "labelSelector: {0}")
  @MethodSource("selectors")
  void labelSelectorSelectsTheEntryPodsOfTheFirstRoleWithReplicas(
      String name, ModelServing ms, String role) {
    assertThat(compute(ms, List.of()).getLabelSelector())
        .isEqualTo(
            "modelserving.volcano.sh/entry=true,modelserving.volcano.sh/name=m,modelserving.volcano.sh/role="
                + role
                + ",modelserving.volcano.sh/role-id="
                + role
                + "-0");
  }

  @Test
  void labelSelectorMatchesOneEntryPodPerServingGroup() {
    ModelServing ms =
        ModelServingFixture.named("m").replicas(2).role("a", 0, 0).role("b", 2, 1).build();
    String selector = compute(ms, List.of()).getLabelSelector();
    List<Pod> pods = PodFixture.groupPods(ms, 0);
    List<String> matched =
        pods.stream()
            .filter(
                p ->
                    Arrays.stream(selector.split(","))
                        .allMatch(
                            kv -> {
                              String[] parts = kv.split("=", 2);
                              return parts[1].equals(p.getMetadata().getLabels().get(parts[0]));
                            }))
            .map(p -> p.getMetadata().getName())
            .toList();
    // One pod per serving group, as Kthena (role-id of the first replica): an HPA counts groups.
    assertThat(matched).containsExactly("m-0-b-0-0");
  }

  // ---- conditions ----

  @Nested
  class ConditionsOf {
    @Test
    void allReady() {
      ModelServingStatus status = compute(ms(), ready(ms(), 0, 1));
      assertThat(status.getConditions())
          .extracting(Condition::getType)
          .containsExactly(Conditions.AVAILABLE, Conditions.PROGRESSING);
      assertThat(condition(status, Conditions.AVAILABLE))
          .satisfies(
              c -> {
                assertThat(c.getStatus()).isEqualTo("True");
                assertThat(c.getReason()).isEqualTo("AllGroupsReady");
                assertThat(c.getMessage()).isEqualTo("All serving groups are ready");
                assertThat(c.getObservedGeneration()).isEqualTo(7L);
                assertThat(c.getLastTransitionTime()).isEqualTo(NOW_SECONDS);
              });
      assertThat(condition(status, Conditions.PROGRESSING))
          .satisfies(
              c -> {
                assertThat(c.getStatus()).isEqualTo("False");
                assertThat(c.getReason()).isEqualTo("AllGroupsReady");
                assertThat(c.getMessage()).isEqualTo("All serving groups are ready");
              });
    }

    @Test
    void scaledToZero() {
      ModelServing ms = twoGroups().replicas(0).build();
      ModelServingStatus status = compute(ms, List.of());
      assertThat(condition(status, Conditions.AVAILABLE).getStatus()).isEqualTo("True");
      assertThat(condition(status, Conditions.PROGRESSING).getStatus()).isEqualTo("False");
    }

    @Test
    void oneGroupNotReady() {
      List<Pod> pods = with(ready(ms(), 0, 1), named("m-1-prefill-0-1"), PodFixture::pending);
      ModelServingStatus status = compute(ms(), pods);
      assertThat(condition(status, Conditions.AVAILABLE))
          .satisfies(
              c -> {
                assertThat(c.getStatus()).isEqualTo("False");
                assertThat(c.getReason()).isEqualTo("GroupsNotReady");
                assertThat(c.getMessage()).isEqualTo("1 of 2 serving groups are ready");
              });
      assertThat(condition(status, Conditions.PROGRESSING))
          .satisfies(
              c -> {
                assertThat(c.getStatus()).isEqualTo("True");
                assertThat(c.getReason()).isEqualTo("GroupProgressing");
                assertThat(c.getMessage()).isEqualTo("2 of 2 serving groups exist; not ready: m-1");
              });
    }

    @Test
    void nothingCreatedYet() {
      ModelServingStatus status = compute(ms(), List.of());
      assertThat(condition(status, Conditions.AVAILABLE).getMessage())
          .isEqualTo("0 of 2 serving groups are ready");
      assertThat(condition(status, Conditions.PROGRESSING).getMessage())
          .isEqualTo("0 of 2 serving groups exist");
    }

    @Test
    void manyNotReadyGroupsAreAbbreviated() {
      ModelServing ms = twoGroups().replicas(8).build();
      List<Pod> pods =
          with(
              ready(ms, IntStream.range(0, 8).toArray()),
              p -> p.getMetadata().getName().endsWith("decode-0-0"),
              PodFixture::pending);
      assertThat(condition(compute(ms, pods), Conditions.PROGRESSING).getMessage())
          .isEqualTo("8 of 8 serving groups exist; not ready: m-0, m-1, m-2, m-3, m-4 and 3 more");
    }

    @Test
    void unschedulablePodsAreNamedInProgressing() {
      List<Pod> pods =
          with(
              ready(ms(), 0, 1),
              named("m-1-prefill-0-0"),
              f -> f.unschedulable("0/4 nodes are available: 4 Insufficient nvidia.com/gpu."));
      assertThat(condition(compute(ms(), pods), Conditions.PROGRESSING).getMessage())
          .isEqualTo(
              "2 of 2 serving groups exist; not ready: m-1; pod m-1-prefill-0-0 cannot be scheduled:"
                  + " 0/4 nodes are available: 4 Insufficient nvidia.com/gpu.");

      pods =
          with(
              pods,
              named("m-0-decode-0-0", "m-1-prefill-0-1"),
              f -> f.unschedulable("0/4 nodes are available."));
      assertThat(condition(compute(ms(), pods), Conditions.PROGRESSING).getMessage())
          .isEqualTo(
              "2 of 2 serving groups exist; not ready: m-0, m-1; pod m-0-decode-0-0 cannot be scheduled:"
                  + " 0/4 nodes are available. (and 2 more unschedulable pods)");
    }

    @Test
    void podsHeldByKueuesGateAreNamedInProgressing() {
      List<Pod> pods =
          with(
              ready(ms(), 0, 1),
              named("m-1-prefill-0-0", "m-1-prefill-0-1"),
              f -> f.gated(LwsKeys.Kueue.ADMISSION_GATE));
      assertThat(condition(compute(ms(), pods), Conditions.PROGRESSING).getMessage())
          .isEqualTo(
              "2 of 2 serving groups exist; not ready: m-1; pod m-1-prefill-0-0 cannot be scheduled:"
                  + " held by scheduling gate kueue.x-k8s.io/admission (Kueue has not admitted the group's Workload yet:"
                  + " its ClusterQueue lacks quota or is stopped) (and 1 more unschedulable pods)");
    }

    @Test
    void terminatingUnschedulablePodsAreNotMentioned() {
      List<Pod> pods =
          with(
              ready(ms(), 0, 1),
              named("m-1-prefill-0-0"),
              f -> f.unschedulable("no nodes").terminating());
      assertThat(condition(compute(ms(), pods), Conditions.PROGRESSING).getMessage())
          .doesNotContain("no nodes");
    }

    @Test
    void aBlockerStopsProgressingWithItsReason() {
      List<Pod> pods = ready(ms(), 0);
      ModelServingStatus status =
          ModelServingStatusAggregator.compute(
              ms(),
              pods,
              Optional.of(
                  new Blocker(
                      "FailedCreate", "pods \"m-1-prefill-0-0\" is forbidden: exceeded quota")),
              NOW);
      assertThat(condition(status, Conditions.PROGRESSING))
          .satisfies(
              c -> {
                assertThat(c.getStatus()).isEqualTo("False");
                assertThat(c.getReason()).isEqualTo("FailedCreate");
                assertThat(c.getMessage())
                    .isEqualTo("pods \"m-1-prefill-0-0\" is forbidden: exceeded quota");
              });
      assertThat(condition(status, Conditions.AVAILABLE).getStatus()).isEqualTo("False");
    }

    @Test
    void transitionTimeIsKeptWhileTheStatusStaysAndReasonAndMessageAreFresh() {
      ModelServingStatus before = new ModelServingStatus();
      before.setConditions(
          List.of(
              previous(Conditions.AVAILABLE, "True", EARLIER),
              previous(Conditions.PROGRESSING, "False", EARLIER)));
      ModelServing ms = twoGroups().status(before).build();
      ModelServingStatus status = compute(ms, ready(ms, 0, 1));
      for (String type : List.of(Conditions.AVAILABLE, Conditions.PROGRESSING)) {
        assertThat(condition(status, type))
            .satisfies(
                c -> {
                  assertThat(c.getLastTransitionTime()).isEqualTo(EARLIER);
                  assertThat(c.getReason()).isEqualTo("AllGroupsReady");
                  assertThat(c.getMessage()).isEqualTo("All serving groups are ready");
                  assertThat(c.getObservedGeneration()).isEqualTo(7L);
                });
      }
    }

    @Test
    void transitionTimeIsNowWhenTheStatusFlips() {
      ModelServingStatus before = new ModelServingStatus();
      before.setConditions(
          List.of(
              previous(Conditions.AVAILABLE, "True", EARLIER),
              previous(Conditions.PROGRESSING, "False", EARLIER)));
      ModelServing ms = twoGroups().status(before).build();
      ModelServingStatus status =
          compute(ms, with(ready(ms, 0, 1), named("m-0-decode-0-0"), f -> f.failed(NOW)));
      assertThat(condition(status, Conditions.AVAILABLE).getStatus()).isEqualTo("False");
      assertThat(condition(status, Conditions.AVAILABLE).getLastTransitionTime())
          .isEqualTo(NOW_SECONDS);
      assertThat(condition(status, Conditions.PROGRESSING).getStatus()).isEqualTo("True");
      assertThat(condition(status, Conditions.PROGRESSING).getLastTransitionTime())
          .isEqualTo(NOW_SECONDS);
    }

    @Test
    void conditionsOfOtherTypesAreCarriedOverAndAFinishedUpdateFlipsToFalse() {
      Condition update = previous(Conditions.UPDATE_IN_PROGRESS, "True", EARLIER);
      Condition custom = previous("example.com/Custom", "Unknown", EARLIER);
      ModelServingStatus before = new ModelServingStatus();
      before.setConditions(
          List.of(update, previous(Conditions.AVAILABLE, "False", EARLIER), custom));
      ModelServing ms = twoGroups().status(before).build();
      ModelServingStatus status = compute(ms, ready(ms, 0, 1));
      assertThat(status.getConditions())
          .extracting(Condition::getType)
          .containsExactly(
              Conditions.AVAILABLE,
              Conditions.PROGRESSING,
              Conditions.UPDATE_IN_PROGRESS,
              "example.com/Custom");
      assertThat(status.getConditions().get(2))
          .satisfies(
              c -> {
                assertThat(c.getStatus()).isEqualTo("False");
                assertThat(c.getReason()).isEqualTo(Conditions.REASON_UPDATE_COMPLETE);
              });
      assertThat(status.getConditions().get(3)).isEqualTo(custom);
    }

    @Test
    void sameInputsGiveAnEqualStatus() {
      ModelServing ms = ms();
      List<Pod> pods =
          with(ready(ms, 0, 1), named("m-1-prefill-0-0"), f -> f.unschedulable("no nodes"));
      ModelServingStatus first = compute(ms, pods);
      ms.setStatus(first);
      ModelServingStatus second =
          ModelServingStatusAggregator.compute(ms, pods, Optional.empty(), NOW.plusSeconds(30));
      assertThat(second)
          .as("a stored status is not rewritten when nothing changed")
          .isEqualTo(first);
    }

    @Test
    void readySurplusGroupsDoNotMakeTheModelServingUnavailable() {
      ModelServing ms = ms(); // replicas 2
      ModelServingStatus status = compute(ms, ready(ms, 0, 1, 2));
      assertThat(condition(status, Conditions.AVAILABLE).getStatus()).isEqualTo("True");
    }
  }
}
