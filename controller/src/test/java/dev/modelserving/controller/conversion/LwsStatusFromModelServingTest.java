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
 * The LWS status written back from the ModelServing: upstream's counts, selector, condition
 * types, reasons and messages, and its merge rules (LWS.md §1.6, §1.7, §3.12).
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

  /** The ModelServing with a status: groups existing, available (ready) and updated. */
  private static Optional<ModelServing> ms(int replicas, int available, int updated, Condition... conditions) {
    ModelServing ms = new ModelServing();
    ModelServingStatus status = new ModelServingStatus();
    status.setReplicas(replicas);
    status.setAvailableReplicas(available);
    status.setUpdatedReplicas(updated);
    status.setConditions(List.of(conditions));
    ms.setStatus(status);
    return Optional.of(ms);
  }

  private static Condition cond(String type, String status, String reason, String message, String time) {
    return new ConditionBuilder().withType(type).withStatus(status).withReason(reason).withMessage(message)
        .withLastTransitionTime(time).withObservedGeneration(1L).build();
  }

  private static final Condition AVAILABLE_TRUE = cond("Available", "True", "AllGroupsReady", "All replicas are ready", T0_TEXT);
  private static final Condition PROGRESSING_TRUE = cond("Progressing", "True", "GroupsProgressing", "Replicas are progressing", T0_TEXT);
  private static final Condition UPDATING_TRUE = cond("UpdateInProgress", "True", "GroupsUpdating", "Rolling Upgrade is in progress", T0_TEXT);

  private static LeaderWorkerSetStatus compute(LeaderWorkerSet lws, Optional<ModelServing> ms) {
    return LwsStatusFromModelServing.compute(lws, ms, Optional.empty(), T1);
  }

  private static Condition condition(LeaderWorkerSetStatus status, String type) {
    return status.getConditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow(
        () -> new AssertionError("no condition " + type + " in " + status.getConditions()));
  }

  private static void assertCondition(LeaderWorkerSetStatus status, String type, String value, String reason, String message, String time) {
    Condition c = condition(status, type);
    assertThat(c.getStatus()).as("%s status", type).isEqualTo(value);
    assertThat(c.getReason()).as("%s reason", type).isEqualTo(reason);
    assertThat(c.getMessage()).as("%s message", type).isEqualTo(message);
    assertThat(c.getLastTransitionTime()).as("%s lastTransitionTime", type).isEqualTo(time);
    assertThat(c.getObservedGeneration()).as("%s observedGeneration", type).isEqualTo(3L);
  }

  @Test
  void countsComeFromTheModelServing() {
    LeaderWorkerSetStatus status = compute(lws(3), ms(4, 2, 1));
    assertThat(status.getReplicas()).isEqualTo(4);
    assertThat(status.getReadyReplicas()).isEqualTo(2);
    assertThat(status.getUpdatedReplicas()).isEqualTo(1);
    assertThat(status.getObservedGeneration()).isEqualTo(3L);
  }

  @Test
  void hpaPodSelectorSelectsLeadersOnly() {
    assertThat(compute(lws(2), ms(2, 2, 2)).getHpaPodSelector())
        .isEqualTo("leaderworkerset.sigs.k8s.io/name=vllm,leaderworkerset.sigs.k8s.io/worker-index=0");
  }

  @Test
  void withoutModelServingEverythingIsZeroAndProgressing() {
    LeaderWorkerSetStatus status = compute(lws(2), Optional.empty());
    assertThat(status.getReplicas()).isZero();
    assertThat(status.getReadyReplicas()).isZero();
    assertThat(status.getUpdatedReplicas()).isZero();
    assertThat(status.getConditions()).singleElement();
    assertCondition(status, "Progressing", "True", "GroupsProgressing", "Replicas are progressing", T1_TEXT);
  }

  @Test
  void creationIsProgressingNeverUpdateInProgress() {
    LeaderWorkerSetStatus status = compute(lws(2), ms(2, 0, 2));
    assertThat(status.getConditions()).extracting(Condition::getType).containsExactly("Progressing");
  }

  @Test
  void allReadyFlipsProgressingToFalseKeepingItsReasonAndMessage() {
    LeaderWorkerSetStatus status = compute(lws(2, PROGRESSING_TRUE), ms(2, 2, 2));
    // Upstream's flip changes only status and times (tests assert the "True" text stays).
    assertCondition(status, "Progressing", "False", "GroupsProgressing", "Replicas are progressing", T1_TEXT);
    assertCondition(status, "Available", "True", "AllGroupsReady", "All replicas are ready", T1_TEXT);
  }

  @Test
  void availableFlipsUpdateInProgressToFalseToo() {
    LeaderWorkerSetStatus status = compute(lws(2, PROGRESSING_TRUE, UPDATING_TRUE), ms(2, 2, 2));
    assertCondition(status, "UpdateInProgress", "False", "GroupsUpdating", "Rolling Upgrade is in progress", T1_TEXT);
    assertCondition(status, "Progressing", "False", "GroupsProgressing", "Replicas are progressing", T1_TEXT);
    assertThat(condition(status, "Available").getStatus()).isEqualTo("True");
  }

  @Test
  void scaleUpAfterAvailableFlipsAvailableToFalse() {
    LeaderWorkerSetStatus status = compute(lws(3, AVAILABLE_TRUE), ms(3, 2, 3));
    assertCondition(status, "Available", "False", "AllGroupsReady", "All replicas are ready", T1_TEXT);
    assertCondition(status, "Progressing", "True", "GroupsProgressing", "Replicas are progressing", T1_TEXT);
  }

  @Test
  void updateSetsUpdateInProgressAndProgressingTogether() {
    LeaderWorkerSetStatus status = compute(lws(2, AVAILABLE_TRUE), ms(2, 2, 1));
    assertCondition(status, "UpdateInProgress", "True", "GroupsUpdating", "Rolling Upgrade is in progress", T1_TEXT);
    assertCondition(status, "Progressing", "True", "GroupsProgressing", "Replicas are progressing", T1_TEXT);
    assertCondition(status, "Available", "False", "AllGroupsReady", "All replicas are ready", T1_TEXT);
  }

  @Test
  void unchangedConditionKeepsItsTransitionTime() {
    LeaderWorkerSetStatus status = compute(lws(2, AVAILABLE_TRUE), ms(2, 2, 2));
    assertCondition(status, "Available", "True", "AllGroupsReady", "All replicas are ready", T0_TEXT);
    assertThat(status.getConditions()).singleElement();
  }

  @Test
  void falseConditionsStayFalseWithTheirTimes() {
    Condition oldFalse = cond("Progressing", "False", "GroupsProgressing", "Replicas are progressing", T0_TEXT);
    LeaderWorkerSetStatus status = compute(lws(2, AVAILABLE_TRUE, oldFalse), ms(2, 2, 2));
    assertCondition(status, "Progressing", "False", "GroupsProgressing", "Replicas are progressing", T0_TEXT);
  }

  @Test
  void conditionsAreNeverRemovedAndKeepTheirOrder() {
    Condition foreign = cond("Custom", "True", "Mine", "set by someone else", T0_TEXT);
    LeaderWorkerSetStatus status = compute(lws(2, foreign, PROGRESSING_TRUE), ms(2, 2, 2));
    assertThat(status.getConditions()).extracting(Condition::getType).containsExactly("Custom", "Progressing", "Available");
    assertThat(condition(status, "Custom").getStatus()).isEqualTo("True");
  }

  @Test
  void unschedulablePodIsNamedInProgressing() {
    Condition msProgressing = cond(ModelServingKeys.Conditions.PROGRESSING, "True", "GroupProgressing",
        "1 of 1 serving groups exist; not ready: vllm-0; pod vllm-0-1 cannot be scheduled: 0/4 nodes are available:"
            + " 4 Insufficient nvidia.com/gpu", T0_TEXT);
    LeaderWorkerSetStatus status = compute(lws(1), ms(1, 0, 1, msProgressing));
    assertCondition(status, "Progressing", "True", "GroupsProgressing",
        "Replicas are progressing; pod vllm-0-1 cannot be scheduled: 0/4 nodes are available: 4 Insufficient nvidia.com/gpu", T1_TEXT);
  }

  @Test
  void aGroupWaitingForKueueIsNotReadyAndSaysWhy() {
    Condition msProgressing = cond(ModelServingKeys.Conditions.PROGRESSING, "True", "GroupProgressing",
        "2 of 2 serving groups exist; not ready: vllm-1; pod vllm-1 cannot be scheduled: held by scheduling gate"
            + " kueue.x-k8s.io/admission (Kueue has not admitted the group's Workload yet: its ClusterQueue lacks quota or is stopped)",
        T0_TEXT);
    LeaderWorkerSetStatus status = compute(lws(2), ms(2, 1, 2, msProgressing));
    assertThat(status.getReadyReplicas()).isEqualTo(1);
    assertCondition(status, "Progressing", "True", "GroupsProgressing",
        "Replicas are progressing; pod vllm-1 cannot be scheduled: held by scheduling gate kueue.x-k8s.io/admission"
            + " (Kueue has not admitted the group's Workload yet: its ClusterQueue lacks quota or is stopped)", T1_TEXT);
  }

  @Test
  void progressingWithoutSchedulingTroubleHasUpstreamsMessage() {
    Condition msProgressing = cond(ModelServingKeys.Conditions.PROGRESSING, "True", "GroupProgressing",
        "1 of 2 serving groups exist; not ready: vllm-0", T0_TEXT);
    assertThat(condition(compute(lws(2), ms(1, 0, 1, msProgressing)), "Progressing").getMessage())
        .isEqualTo("Replicas are progressing");
  }

  @Test
  void problemSetsProgressingFalseWithItsReason() {
    LeaderWorkerSetStatus status = LwsStatusFromModelServing.compute(lws(2, PROGRESSING_TRUE), Optional.empty(),
        Optional.of(new Problem("InvalidSpec", "invalid spec: spec.leaderWorkerTemplate.size: size must be equal or greater than 1")), T1);
    assertCondition(status, "Progressing", "False", "InvalidSpec",
        "invalid spec: spec.leaderWorkerTemplate.size: size must be equal or greater than 1", T1_TEXT);
  }

  @Test
  void problemLeavesOtherConditionsAlone() {
    // The groups already running keep serving; only progress stops.
    LeaderWorkerSetStatus status = LwsStatusFromModelServing.compute(lws(2, AVAILABLE_TRUE), ms(2, 2, 2),
        Optional.of(new Problem("ModelServingConflict", "ModelServing default/vllm exists")), T1);
    assertCondition(status, "Available", "True", "AllGroupsReady", "All replicas are ready", T0_TEXT);
    assertCondition(status, "Progressing", "False", "ModelServingConflict", "ModelServing default/vllm exists", T1_TEXT);
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
    assertCondition(status, "Available", "True", "AllGroupsReady", "All replicas are ready", T0_TEXT);
    assertThat(status.getConditions()).extracting(Condition::getType).doesNotContain("UpdateInProgress");
  }

  @Test
  void previousStatusIsNotChanged() {
    LeaderWorkerSet lws = lws(2, PROGRESSING_TRUE);
    compute(lws, ms(2, 2, 2));
    assertThat(lws.getStatus().getConditions()).containsExactly(PROGRESSING_TRUE);
    assertThat(PROGRESSING_TRUE.getStatus()).isEqualTo("True");
  }
}
