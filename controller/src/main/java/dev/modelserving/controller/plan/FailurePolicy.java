package dev.modelserving.controller.plan;

import dev.modelserving.api.v1alpha1.ModelServingKeys.EventReasons;
import dev.modelserving.api.v1alpha1.RecoveryPolicy;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Recovery inside a kept role replica. A failed pod (phase Failed, or a restarted container that is
 * not Ready again; with the LWS restart policies any restart) older than {@code
 * restartGracePeriodSeconds}, or a pod someone else deleted ({@link Disruption}), rebuilds the role
 * replica ({@code RoleRecreate}) or the whole group ({@code ServingGroupRecreate}); {@code None}
 * leaves failed pods alone, and the refill only replaces deleted ones. The newest trigger wins: the
 * pods created before it are rebuilt.
 *
 * <p>With LeaderWorkerSet naming, pods that finished (phase Failed or Succeeded, as eviction, node
 * shutdown or spot reclaim leave them) are replaced one by one, as upstream's StatefulSets do,
 * whatever the LWS restart policy: under {@code None} only the group recreate is off. Kthena's
 * {@code RecoveryPolicy: None} on a native ModelServing keeps its meaning.
 */
final class FailurePolicy {
  private FailurePolicy() {}

  /**
   * @param part with {@code RoleRecreate}, the replica's pods to delete; the note; when a failure
   *     still inside its grace period falls due
   * @param recreateGroupBefore with {@code ServingGroupRecreate}: the whole group's pods created at
   *     or before this time go, and nothing is created in the group in this pass
   */
  record Outcome(PlanPart part, Optional<Instant> recreateGroupBefore) {}

  /**
   * Deletes the finished pods of the replica that {@code which} picks; the refill recreates them.
   */
  private static PlanPart replaceFinished(
      PlanContext ctx, RoleReplica replica, java.util.function.Predicate<Pod> which) {
    List<Pod> finished =
        replica.pods().stream().filter(PodHealth::isFinished).filter(which).toList();
    if (finished.isEmpty()) {
      return PlanPart.NONE;
    }
    List<Plan.Note> notes =
        finished.stream()
            .map(
                p ->
                    new Plan.Note(
                        "PodFailed",
                        "pod "
                            + p.getMetadata().getName()
                            + " finished (phase "
                            + p.getStatus().getPhase()
                            + "): replacing it, as a StatefulSet would",
                        false))
            .toList();
    return new PlanPart(List.of(), finished, notes, Optional.empty());
  }

  static Outcome plan(PlanContext ctx, RoleReplica replica, List<Pod> groupPods) {
    RecoveryPolicy recovery = ctx.recovery();
    if (recovery == RecoveryPolicy.None) {
      return new Outcome(
          ctx.naming().leaderWorkerSet() ? replaceFinished(ctx, replica, p -> true) : PlanPart.NONE,
          Optional.empty());
    }
    Instant now = ctx.now();
    List<Pod> pods = replica.pods();
    int size = replica.expectedNames(ctx).size();
    Instant trigger = null;
    String cause = null;
    String causePod = null;
    Optional<Instant> lookAgainAt = Optional.empty();
    boolean starting =
        pods.size() < size
            || pods.stream()
                .anyMatch(p -> p.getStatus() == null || "Pending".equals(p.getStatus().getPhase()));
    boolean watchFailures = !(ctx.restartAfterStart() && starting);
    for (Pod pod : pods) {
      boolean failed =
          PodHealth.isFailed(pod) || (ctx.restartCounts() && PodHealth.hasRestarted(pod));
      if (!watchFailures || !failed) {
        continue;
      }
      Instant due = PodHealth.failedSince(pod).plus(ctx.grace());
      if (due.isAfter(now)) {
        lookAgainAt = PlanPart.earliest(lookAgainAt, Optional.of(due));
      } else if (trigger == null || now.isAfter(trigger)) {
        trigger = now;
        cause = "pod " + pod.getMetadata().getName() + " failed";
        causePod = pod.getMetadata().getName();
      }
    }
    for (Disruption d : ctx.in().disruptions()) {
      // ServingGroupRecreate rebuilds the group while any of its pods predates the loss, even
      // when the whole role replica is gone; RoleRecreate looks at the role replica only.
      List<Pod> scope = recovery == RecoveryPolicy.ServingGroupRecreate ? groupPods : pods;
      if (d.group() == replica.group()
          && d.role().equals(replica.role().getName())
          && d.roleOrdinal() == replica.ordinal()) {
        // creationTimestamp has whole seconds, so a pod made in the second of the loss is told
        // apart by its UID: the refill (or rebuild) this controller made since must not trigger
        // the rebuild again, a pod that was there before it must.
        boolean olderPodsLeft =
            scope.stream()
                .anyMatch(
                    p ->
                        !PodHealth.isTerminating(p)
                            && !d.createdSince().contains(p.getMetadata().getUid())
                            && !PodHealth.createdAt(p).isAfter(d.at()));
        if (olderPodsLeft && (trigger == null || d.at().isAfter(trigger))) {
          trigger = d.at();
          cause = "pod " + d.podName() + " was deleted";
          causePod = d.podName();
        }
      }
    }
    if (trigger == null) {
      // A Failed pod still inside its grace period waits for the group recreate; a Succeeded one is
      // replaced.
      PlanPart replaced =
          ctx.naming().leaderWorkerSet()
              ? replaceFinished(ctx, replica, p -> "Succeeded".equals(p.getStatus().getPhase()))
              : PlanPart.NONE;
      return new Outcome(
          new PlanPart(List.of(), replaced.deletes(), replaced.notes(), lookAgainAt),
          Optional.empty());
    }
    if (recovery == RecoveryPolicy.ServingGroupRecreate) {
      Plan.Note note =
          new Plan.Note(
              EventReasons.RECREATING_SERVING_GROUP,
              cause + ": recreating serving group " + ctx.groupName(replica.group()),
              false,
              causePod);
      return new Outcome(
          new PlanPart(List.of(), List.of(), List.of(note), lookAgainAt), Optional.of(trigger));
    }
    Instant cutoff = trigger;
    Plan.Note note =
        new Plan.Note(
            EventReasons.RECREATING_ROLE, cause + ": recreating " + replica.describe(ctx), false);
    List<Pod> deletes = pods.stream().filter(p -> !PodHealth.createdAt(p).isAfter(cutoff)).toList();
    return new Outcome(
        new PlanPart(List.of(), deletes, List.of(note), lookAgainAt), Optional.empty());
  }
}
