package dev.modelserving.controller.plan;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;

/**
 * A rolling-update algorithm, delete then recreate: the refill of a later pass builds the new
 * template. A pod is outdated when it was built from an older template ({@link
 * PlanContext#outdated}). One implementation per algorithm:
 *
 * <ul>
 *   <li>{@link ServingGroupRollout}: Kthena's ServingGroupRollingUpdate, whole groups within a
 *       maxUnavailable budget, above a partition, with maxSurge extra groups;
 *   <li>{@link RoleRollout}: RoleRollingUpdate, role replicas with each role's own budget;
 *   <li>{@link LwsGroupRollout}: upstream LeaderWorkerSet's arithmetic ({@link LwsRollout}).
 * </ul>
 *
 * <p>The planner asks twice: {@link #step} before the groups are planned (how many groups to keep,
 * below which ordinal the old template stays), and {@link #replace} after scale, recovery and
 * refill (which outdated units go now).
 */
sealed interface RolloutPolicy permits ServingGroupRollout, RoleRollout, LwsGroupRollout {

  /**
   * @param surge groups to keep beyond spec.replicas (ordinals from replicas on)
   * @param partition groups below this ordinal keep their template; a group created from nothing
   *     below it is built from status.currentRevision
   * @param lwsStep with {@link LwsGroupRollout}: the leader StatefulSet's step, kept in the status
   */
  record Step(
      int surge,
      int partition,
      Optional<LwsRollout.Result> lwsStep,
      Optional<Instant> lookAgainAt) {
    static Step of(int surge, int partition) {
      return new Step(surge, partition, Optional.empty(), Optional.empty());
    }
  }

  /**
   * @param part the outdated units' pods to delete and a note for each
   * @param cancelledCreates names of pods planned earlier in the pass that must not be created
   */
  record Replacement(PlanPart part, Set<String> cancelledCreates) {
    static final Replacement NONE = new Replacement(PlanPart.NONE, Set.of());
  }

  Step step(PlanContext ctx, ScalePolicy.Groups groups);

  /**
   * @param kept the groups the pass keeps
   * @param deleting names of the pods the pass deletes already (their units are busy)
   */
  Replacement replace(
      PlanContext ctx,
      ScalePolicy.Groups groups,
      SortedSet<Integer> kept,
      Step step,
      Set<String> deleting);

  /** RoleRollingUpdate wins over LeaderWorkerSet naming; Kthena's group rollout otherwise. */
  static RolloutPolicy of(PlanContext ctx) {
    if (ctx.roleRollout()) {
      return RoleRollout.INSTANCE;
    }
    return ctx.naming().leaderWorkerSet() ? LwsGroupRollout.INSTANCE : ServingGroupRollout.INSTANCE;
  }
}
