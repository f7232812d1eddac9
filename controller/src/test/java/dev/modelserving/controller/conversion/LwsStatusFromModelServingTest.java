package dev.modelserving.controller.conversion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.lws.v1.LeaderWorkerSetStatus;
import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingKeys;
import dev.modelserving.api.v1alpha1.ModelServingStatus;
import dev.modelserving.controller.conversion.LwsStatusFromModelServing.Problem;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The LWS status written back from the ModelServing: upstream's counts, selector, condition types,
 * reasons and messages, and its merge rules (LWS.md §1.6, §1.7, §3.12).
 */
class LwsStatusFromModelServingTest {
  private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");
  private static final Instant T1 = Instant.parse("2025-01-01T10:05:00.700Z");
  private static final String T0_TEXT = "2025-01-01T10:00:00Z";
  private static final String T1_TEXT = "2025-01-01T10:05:00Z";

  /** An LWS "vllm" wanting {@code replicas} groups, at generation 3, with earlier conditions. */
  private static LeaderWorkerSet lws(int replicas, Condition... previous) {
    LeaderWorkerSet lws = LwsToModelServingTest.lws();
    lws.getSpec().setReplicas(replicas);
    lws.getMetadata().setGeneration(3L);
    if (previous.length > 0) {
      LeaderWorkerSetStatus status = new LeaderWorkerSetStatus();
      status.setConditions(new ArrayList<>(List.of(previous)));
      lws.setStatus(status);
    }
    return lws;
  }

  /** A ModelServing and the LWS groups its pods form. */
  private record Serving(Optional<ModelServing> ms, List<LwsGroups.Group> groups) {}

  /**
   * The ModelServing with a status and {@code replicas} groups 0..replicas-1: the first {@code
   * available} ready, the last {@code updated} on the current revision.
   */
  private static Serving ms(int replicas, int available, int updated, Condition... conditions) {
    ModelServing ms = new ModelServing();
    ModelServingStatus status = new ModelServingStatus();
    status.setReplicas(replicas);
    status.setAvailableReplicas(available);
    status.setUpdatedReplicas(updated);
    status.setConditions(List.of(conditions));
    ms.setStatus(status);
    List<LwsGroups.Group> groups = new ArrayList<>();
    for (int g = 0; g < replicas; g++) {
      groups.add(new LwsGroups.Group(g, g < available, g >= replicas - updated));
    }
    return new Serving(Optional.of(ms), groups);
  }

  /** Groups by index from "RU" (ready, updated), "R-", "-U" or "--". */
  private static Serving groups(String... states) {
    ModelServing ms = new ModelServing();
    ModelServingStatus status = new ModelServingStatus();
    status.setReplicas(states.length);
    ms.setStatus(status);
    List<LwsGroups.Group> groups = new ArrayList<>();
    for (int g = 0; g < states.length; g++) {
      groups.add(new LwsGroups.Group(g, states[g].charAt(0) == 'R', states[g].charAt(1) == 'U'));
    }
    return new Serving(Optional.of(ms), groups);
  }

  private static final Serving NO_MODEL_SERVING = new Serving(Optional.empty(), List.of());

  private static Condition cond(
      String type, String status, String reason, String message, String time) {
    return new ConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withLastTransitionTime(time)
        .withObservedGeneration(1L)
        .build();
  }

  private static final Condition AVAILABLE_TRUE =
      cond("Available", "True", "AllGroupsReady", "All replicas are ready", T0_TEXT);
  private static final Condition PROGRESSING_TRUE =
      cond("Progressing", "True", "GroupsProgressing", "Replicas are progressing", T0_TEXT);
  private static final Condition UPDATING_TRUE =
      cond("UpdateInProgress", "True", "GroupsUpdating", "Rolling Upgrade is in progress", T0_TEXT);

  private static LeaderWorkerSetStatus compute(LeaderWorkerSet lws, Serving serving) {
    return compute(lws, serving, Optional.empty(), List.of());
  }

  private static LeaderWorkerSetStatus compute(
      LeaderWorkerSet lws, Serving serving, Optional<Problem> problem, List<String> ignored) {
    var rolling =
        lws.getSpec().getRolloutStrategy() == null
            ? null
            : lws.getSpec().getRolloutStrategy().getRollingUpdateConfiguration();
    int partition = rolling == null || rolling.getPartition() == null ? 0 : rolling.getPartition();
    return LwsStatusFromModelServing.compute(
        lws,
        serving.ms(),
        LwsGroups.count(serving.groups(), lws.getSpec().getReplicas(), partition),
        problem,
        ignored,
        T1);
  }

  private static Condition condition(LeaderWorkerSetStatus status, String type) {
    return status.getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no condition " + type + " in " + status.getConditions()));
  }

  private static void assertCondition(
      LeaderWorkerSetStatus status,
      String type,
      String value,
      String reason,
      String message,
      String time) {
    Condition c = condition(status, type);
    assertThat(c.getStatus()).as("%s status", type).isEqualTo(value);
    assertThat(c.getReason()).as("%s reason", type).isEqualTo(reason);
    assertThat(c.getMessage()).as("%s message", type).isEqualTo(message);
    assertThat(c.getLastTransitionTime()).as("%s lastTransitionTime", type).isEqualTo(time);
    assertThat(c.getObservedGeneration()).as("%s observedGeneration", type).isEqualTo(3L);
  }

  @Test
  void countsComeFromTheGroups() {
    LeaderWorkerSetStatus status = compute(lws(3), ms(4, 2, 1));
    assertThat(status.getReplicas()).isEqualTo(4);
    assertThat(status.getReadyReplicas()).isEqualTo(2);
    assertThat(status.getUpdatedReplicas()).isEqualTo(1);
    assertThat(status.getObservedGeneration()).isEqualTo(3L);
  }

  @Test
  void replicasAgreeWithTheReadyCountEvenWhenTheModelServingStatusLags() {
    // The pods show 3 ready groups before the ModelServing has written its own count.
    Serving serving = groups("RU", "RU", "RU");
    serving.ms().get().getStatus().setReplicas(1);
    LeaderWorkerSetStatus status = compute(lws(3), serving);
    assertThat(status.getReplicas()).isEqualTo(3);
    assertThat(status.getReadyReplicas()).isEqualTo(3);
  }

  @Test
  void hpaPodSelectorSelectsLeadersOnly() {
    assertThat(compute(lws(2), ms(2, 2, 2)).getHpaPodSelector())
        .isEqualTo(
            "leaderworkerset.sigs.k8s.io/name=vllm,leaderworkerset.sigs.k8s.io/worker-index=0");
  }

  @Test
  void withoutModelServingEverythingIsZeroAndProgressing() {
    LeaderWorkerSetStatus status = compute(lws(2), NO_MODEL_SERVING);
    assertThat(status.getReplicas()).isZero();
    assertThat(status.getReadyReplicas()).isZero();
    assertThat(status.getUpdatedReplicas()).isZero();
    assertThat(status.getConditions()).singleElement();
    assertCondition(
        status, "Progressing", "True", "GroupsProgressing", "Replicas are progressing", T1_TEXT);
  }

  @Test
  void creationIsProgressingNeverUpdateInProgress() {
    LeaderWorkerSetStatus status = compute(lws(2), ms(2, 0, 2));
    assertThat(status.getConditions())
        .extracting(Condition::getType)
        .containsExactly("Progressing");
  }

  @Test
  void allReadyFlipsProgressingToFalseKeepingItsReasonAndMessage() {
    LeaderWorkerSetStatus status = compute(lws(2, PROGRESSING_TRUE), ms(2, 2, 2));
    // Upstream's flip changes only status and times (tests assert the "True" text stays).
    assertCondition(
        status, "Progressing", "False", "GroupsProgressing", "Replicas are progressing", T1_TEXT);
    assertCondition(
        status, "Available", "True", "AllGroupsReady", "All replicas are ready", T1_TEXT);
  }

  @Test
  void availableFlipsUpdateInProgressToFalseToo() {
    LeaderWorkerSetStatus status = compute(lws(2, PROGRESSING_TRUE, UPDATING_TRUE), ms(2, 2, 2));
    assertCondition(
        status,
        "UpdateInProgress",
        "False",
        "GroupsUpdating",
        "Rolling Upgrade is in progress",
        T1_TEXT);
    assertCondition(
        status, "Progressing", "False", "GroupsProgressing", "Replicas are progressing", T1_TEXT);
    assertThat(condition(status, "Available").getStatus()).isEqualTo("True");
  }

  @Test
  void scaleUpAfterAvailableFlipsAvailableToFalse() {
    LeaderWorkerSetStatus status = compute(lws(3, AVAILABLE_TRUE), ms(3, 2, 3));
    assertCondition(
        status, "Available", "False", "AllGroupsReady", "All replicas are ready", T1_TEXT);
    assertCondition(
        status, "Progressing", "True", "GroupsProgressing", "Replicas are progressing", T1_TEXT);
  }

  @Test
  void updateSetsUpdateInProgressAndProgressingTogether() {
    LeaderWorkerSetStatus status = compute(lws(2, AVAILABLE_TRUE), ms(2, 2, 1));
    assertCondition(
        status,
        "UpdateInProgress",
        "True",
        "GroupsUpdating",
        "Rolling Upgrade is in progress",
        T1_TEXT);
    assertCondition(
        status, "Progressing", "True", "GroupsProgressing", "Replicas are progressing", T1_TEXT);
    assertCondition(
        status, "Available", "False", "AllGroupsReady", "All replicas are ready", T1_TEXT);
  }

  @Test
  void unchangedConditionKeepsItsTransitionTime() {
    LeaderWorkerSetStatus status = compute(lws(2, AVAILABLE_TRUE), ms(2, 2, 2));
    assertCondition(
        status, "Available", "True", "AllGroupsReady", "All replicas are ready", T0_TEXT);
    assertThat(status.getConditions()).singleElement();
  }

  @Test
  void falseConditionsStayFalseWithTheirTimes() {
    Condition oldFalse =
        cond("Progressing", "False", "GroupsProgressing", "Replicas are progressing", T0_TEXT);
    LeaderWorkerSetStatus status = compute(lws(2, AVAILABLE_TRUE, oldFalse), ms(2, 2, 2));
    assertCondition(
        status, "Progressing", "False", "GroupsProgressing", "Replicas are progressing", T0_TEXT);
  }

  @Test
  void conditionsAreNeverRemovedAndKeepTheirOrder() {
    Condition foreign = cond("Custom", "True", "Mine", "set by someone else", T0_TEXT);
    LeaderWorkerSetStatus status = compute(lws(2, foreign, PROGRESSING_TRUE), ms(2, 2, 2));
    assertThat(status.getConditions())
        .extracting(Condition::getType)
        .containsExactly("Custom", "Progressing", "Available");
    assertThat(condition(status, "Custom").getStatus()).isEqualTo("True");
  }

  @Test
  void unschedulablePodIsNamedInProgressing() {
    Condition msProgressing =
        cond(
            ModelServingKeys.Conditions.PROGRESSING,
            "True",
            "GroupProgressing",
            "1 of 1 serving groups exist; not ready: vllm-0; pod vllm-0-1 cannot be scheduled: 0/4 nodes are available:"
                + " 4 Insufficient nvidia.com/gpu",
            T0_TEXT);
    LeaderWorkerSetStatus status = compute(lws(1), ms(1, 0, 1, msProgressing));
    assertCondition(
        status,
        "Progressing",
        "True",
        "GroupsProgressing",
        "Replicas are progressing; pod vllm-0-1 cannot be scheduled: 0/4 nodes are available: 4 Insufficient nvidia.com/gpu",
        T1_TEXT);
  }

  @Test
  void aModelServingWaitingForItsPredecessorsPodsSaysSoInProgressing() {
    String waiting =
        "waiting for the pods of a previous ModelServing vllm (uid u1) to terminate: they hold the"
            + " names of those to create";
    Condition msProgressing =
        cond(
            ModelServingKeys.Conditions.PROGRESSING,
            "False",
            ModelServingKeys.Conditions.REASON_WAITING_FOR_PREVIOUS_PODS,
            waiting,
            T0_TEXT);
    LeaderWorkerSetStatus status = compute(lws(1), ms(0, 0, 0, msProgressing));
    assertCondition(
        status,
        "Progressing",
        "True",
        "GroupsProgressing",
        "Replicas are progressing; " + waiting,
        T1_TEXT);
  }

  @Test
  void aGroupWaitingForKueueIsNotReadyAndSaysWhy() {
    Condition msProgressing =
        cond(
            ModelServingKeys.Conditions.PROGRESSING,
            "True",
            "GroupProgressing",
            "2 of 2 serving groups exist; not ready: vllm-1; pod vllm-1 cannot be scheduled: held by scheduling gate"
                + " kueue.x-k8s.io/admission (Kueue has not admitted the group's Workload yet: its ClusterQueue lacks quota or is stopped)",
            T0_TEXT);
    LeaderWorkerSetStatus status = compute(lws(2), ms(2, 1, 2, msProgressing));
    assertThat(status.getReadyReplicas()).isEqualTo(1);
    assertCondition(
        status,
        "Progressing",
        "True",
        "GroupsProgressing",
        "Replicas are progressing; pod vllm-1 cannot be scheduled: held by scheduling gate kueue.x-k8s.io/admission"
            + " (Kueue has not admitted the group's Workload yet: its ClusterQueue lacks quota or is stopped)",
        T1_TEXT);
  }

  @Test
  void progressingWithoutSchedulingTroubleHasUpstreamsMessage() {
    Condition msProgressing =
        cond(
            ModelServingKeys.Conditions.PROGRESSING,
            "True",
            "GroupProgressing",
            "1 of 2 serving groups exist; not ready: vllm-0",
            T0_TEXT);
    assertThat(condition(compute(lws(2), ms(1, 0, 1, msProgressing)), "Progressing").getMessage())
        .isEqualTo("Replicas are progressing");
  }

  @Test
  void problemSetsProgressingFalseWithItsReason() {
    LeaderWorkerSetStatus status =
        compute(
            lws(2, PROGRESSING_TRUE),
            NO_MODEL_SERVING,
            Optional.of(
                new Problem(
                    "InvalidSpec",
                    "invalid spec: spec.leaderWorkerTemplate.size: size must be equal or greater than 1")),
            List.of());
    assertCondition(
        status,
        "Progressing",
        "False",
        "InvalidSpec",
        "invalid spec: spec.leaderWorkerTemplate.size: size must be equal or greater than 1",
        T1_TEXT);
  }

  @Test
  void problemLeavesOtherConditionsAlone() {
    // The groups already running keep serving; only progress stops.
    LeaderWorkerSetStatus status =
        compute(
            lws(2, AVAILABLE_TRUE),
            ms(2, 2, 2),
            Optional.of(new Problem("ModelServingConflict", "ModelServing default/vllm exists")),
            List.of());
    assertCondition(
        status, "Available", "True", "AllGroupsReady", "All replicas are ready", T0_TEXT);
    assertCondition(
        status,
        "Progressing",
        "False",
        "ModelServingConflict",
        "ModelServing default/vllm exists",
        T1_TEXT);
    assertThat(status.getReadyReplicas()).isEqualTo(2);
  }

  @Test
  void groupsBelowThePartitionAreNotExpectedToUpdate() {
    LeaderWorkerSet lws = lws(6, AVAILABLE_TRUE);
    var strategy = new dev.modelserving.api.lws.v1.RolloutStrategy();
    var config = new dev.modelserving.api.lws.v1.RollingUpdateConfiguration();
    config.setPartition(4);
    strategy.setRollingUpdateConfiguration(config);
    lws.getSpec().setRolloutStrategy(strategy);
    // Groups 4 and 5 carry the new revision, 0-3 stay old on purpose; all are ready.
    LeaderWorkerSetStatus status = compute(lws, ms(6, 6, 2));
    assertCondition(
        status, "Available", "True", "AllGroupsReady", "All replicas are ready", T0_TEXT);
    assertThat(status.getConditions())
        .extracting(Condition::getType)
        .doesNotContain("UpdateInProgress");
  }

  @Test
  void aReadySurgeGroupDoesNotStandInForAnUnreadyDesiredGroup() {
    // 4 groups, maxSurge 1: group 0 is updated but cannot start, the surge group 4 is ready.
    // Upstream counts ready groups below replicas only: not Available (LWS.md §3.12).
    LeaderWorkerSetStatus status =
        compute(lws(4, PROGRESSING_TRUE), groups("-U", "RU", "RU", "RU", "RU"));
    assertThat(status.getReadyReplicas())
        .as("readyReplicas counts surge groups, as upstream")
        .isEqualTo(4);
    assertThat(status.getUpdatedReplicas()).isEqualTo(5);
    assertCondition(
        status, "Progressing", "True", "GroupsProgressing", "Replicas are progressing", T0_TEXT);
    assertThat(status.getConditions())
        .extracting(Condition::getType)
        .containsExactly("Progressing");
  }

  @Test
  void anUpdatedSurgeGroupDoesNotEndTheUpdate() {
    // Group 3 is still old; updated surge group 4 must not count for it.
    LeaderWorkerSetStatus status =
        compute(lws(4, AVAILABLE_TRUE), groups("RU", "RU", "RU", "R-", "RU"));
    assertCondition(
        status,
        "UpdateInProgress",
        "True",
        "GroupsUpdating",
        "Rolling Upgrade is in progress",
        T1_TEXT);
    assertCondition(
        status, "Available", "False", "AllGroupsReady", "All replicas are ready", T1_TEXT);
  }

  @Test
  void missingGroupsAreNotExpectedToBeUpdated() {
    // As upstream: only counted groups in [partition, replicas) are expected updated; group 1 is
    // not there yet, so this is Progressing, not UpdateInProgress.
    LeaderWorkerSetStatus status = compute(lws(2), groups("RU"));
    assertThat(status.getConditions())
        .extracting(Condition::getType)
        .containsExactly("Progressing");
  }

  @Test
  void ignoredFieldsAreNamedInAConditionOfTheirOwn() {
    LeaderWorkerSetStatus status =
        compute(lws(2, AVAILABLE_TRUE), ms(2, 2, 2), Optional.empty(), List.of("spec.scheduling"));
    assertCondition(
        status,
        "UnsupportedFields",
        "True",
        "FieldsIgnored",
        "fields this controller does not implement are ignored (the LeaderWorkerSet CRD is newer than the v0.10.0 API served here): spec.scheduling",
        T1_TEXT);
    assertCondition(
        status, "Available", "True", "AllGroupsReady", "All replicas are ready", T0_TEXT);

    LeaderWorkerSet later = lws(2, status.getConditions().toArray(Condition[]::new));
    LeaderWorkerSetStatus cleared = compute(later, ms(2, 2, 2));
    assertCondition(
        cleared,
        "UnsupportedFields",
        "False",
        "AllFieldsSupported",
        "every field set is implemented",
        T1_TEXT);
    assertThat(compute(lws(2), ms(2, 2, 2)).getConditions())
        .extracting(Condition::getType)
        .doesNotContain("UnsupportedFields");
  }

  @Test
  void previousStatusIsNotChanged() {
    LeaderWorkerSet lws = lws(2, PROGRESSING_TRUE);
    compute(lws, ms(2, 2, 2));
    assertThat(lws.getStatus().getConditions()).containsExactly(PROGRESSING_TRUE);
    assertThat(PROGRESSING_TRUE.getStatus()).isEqualTo("True");
  }
}
