package dev.modelserving.controller.plan;

import dev.modelserving.api.v1alpha1.RollingUpdateConfiguration;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * A LeaderWorkerSet's rolling update: upstream's arithmetic ({@link LwsRollout}) decides the leader
 * StatefulSet's partition and size (surge included) from this pass's groups; then, as the
 * StatefulSet controller would, outdated groups at or above the partition go, highest first, while
 * fewer than {@code max(1, maxUnavailable + maxSurge)} groups are unavailable. The step is kept in
 * the ModelServing's status (rolloutPartition, rolloutReplicas) for the next pass.
 */
final class LwsGroupRollout implements RolloutPolicy {
  static final LwsGroupRollout INSTANCE = new LwsGroupRollout();

  private LwsGroupRollout() {}

  @Override
  public Step step(PlanContext ctx, ScalePolicy.Groups groups) {
    int desired = ctx.replicas();
    var status = ctx.ms().getStatus();
    int currentGroups = groups.byOrdinal().isEmpty() ? 0 : groups.byOrdinal().lastKey() + 1;
    List<LwsRollout.GroupState> states = new ArrayList<>();
    for (int g = 0; g < currentGroups; g++) {
      List<Pod> live = groups.of(g).stream().filter(p -> !PodHealth.isTerminating(p)).toList();
      boolean exists = !live.isEmpty();
      states.add(
          new LwsRollout.GroupState(
              exists,
              exists && ctx.groupReady(g, live),
              exists && live.stream().noneMatch(ctx::outdated)));
    }
    int currentPartition =
        status == null || status.getRolloutPartition() == null ? 0 : status.getRolloutPartition();
    // Groups adopted from the upstream LWS controller that run another template start a rollout
    // as a template change would (the ModelServing has no status yet).
    boolean templateChanged =
        status != null
                && status.getUpdateRevision() != null
                && !status.getUpdateRevision().equals(ctx.revision())
            || status == null && states.stream().anyMatch(s -> s.exists() && !s.updated());
    boolean replicasChanged =
        status != null
            && status.getRolloutReplicas() != null
            && status.getRolloutReplicas() != desired;
    int specPartition =
        PlanContext.resolve(
            ctx.rollingUpdate(RollingUpdateConfiguration::getPartition), desired, true, 0);
    LwsRollout.Result result =
        LwsRollout.plan(
            new LwsRollout.Input(
                desired,
                currentGroups,
                currentPartition,
                specPartition,
                maxUnavailable(ctx),
                maxSurge(ctx),
                templateChanged,
                replicasChanged,
                states));
    if (templateChanged && result.replicas() <= currentGroups) {
      // Upstream's write of the leader StatefulSet (partition at the top) brings its next
      // reconcile at once, which walks the partition down over the same groups. Taken here in the
      // same pass: as a pass of its own it waited behind every other ModelServing in the queue,
      // one of the three trips through it of each group's rolling update. Not when the rollout
      // starts with surge groups: upstream's StatefulSet creates them before anything goes.
      result =
          LwsRollout.plan(
              new LwsRollout.Input(
                  desired,
                  result.replicas(),
                  result.partition(),
                  specPartition,
                  maxUnavailable(ctx),
                  maxSurge(ctx),
                  false,
                  false,
                  states));
    }
    // The step is kept in our own status write, which brings no event: look again soon.
    boolean moving = result.partition() != currentPartition || templateChanged || replicasChanged;
    Optional<Instant> lookAgainAt =
        moving ? Optional.of(ctx.now().plusMillis(200)) : Optional.empty();
    return new Step(
        Math.max(0, result.replicas() - desired),
        result.partition(),
        Optional.of(result),
        lookAgainAt);
  }

  @Override
  public Replacement replace(
      PlanContext ctx,
      ScalePolicy.Groups groups,
      SortedSet<Integer> kept,
      Step step,
      Set<String> deleting) {
    NavigableMap<Integer, List<Pod>> units = new TreeMap<>();
    kept.forEach(g -> units.put(g, groups.of(g)));
    int limit =
        LwsRollout.statefulSetMaxUnavailable(ctx.replicas(), maxUnavailable(ctx), maxSurge(ctx));
    return OutdatedReplacement.replace(
        ctx,
        units,
        units.size(),
        limit,
        step.partition(),
        ctx::groupReady,
        g -> "serving group " + ctx.groupName(g),
        deleting);
  }

  /** maxUnavailable as LWS defaults it: 1. */
  private static IntOrString maxUnavailable(PlanContext ctx) {
    IntOrString value = ctx.rollingUpdate(RollingUpdateConfiguration::getMaxUnavailable);
    return value == null ? new IntOrString(1) : value;
  }

  /** maxSurge as LWS defaults it: 0. */
  private static IntOrString maxSurge(PlanContext ctx) {
    IntOrString value = ctx.rollingUpdate(RollingUpdateConfiguration::getMaxSurge);
    return value == null ? new IntOrString(0) : value;
  }
}
