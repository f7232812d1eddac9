package dev.modelserving.controller.plan;

import dev.modelserving.api.v1alpha1.RollingUpdateConfiguration;
import dev.modelserving.controller.validation.IntOrPercent;
import dev.modelserving.controller.validation.IntOrPercent.Rounding;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.NavigableMap;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * Kthena's ServingGroupRollingUpdate: outdated groups with an ordinal at or above the partition are
 * replaced whole, the not-ready ones and then the highest ordinal first, while at most
 * maxUnavailable groups are not ready. With maxSurge (an addition to Kthena), up to that many extra
 * groups (ordinals from spec.replicas on) run the new template while the desired groups are
 * replaced; ready surge groups stand in for groups being replaced, and once every desired group is
 * updated and ready the surge goes again.
 */
final class ServingGroupRollout implements RolloutPolicy {
  static final ServingGroupRollout INSTANCE = new ServingGroupRollout();

  private ServingGroupRollout() {}

  @Override
  public Step step(PlanContext ctx, ScalePolicy.Groups groups) {
    int desired = ctx.replicas();
    int partition =
        PlanContext.resolve(
            ctx.rollingUpdate(RollingUpdateConfiguration::getPartition), desired, true, 0);
    return Step.of(surge(ctx, groups, desired, partition), partition);
  }

  /**
   * Extra groups to keep: one per outdated desired group, up to maxSurge; after the last one is
   * replaced, the surge stays until every desired group is ready again, then goes.
   */
  static int surge(PlanContext ctx, ScalePolicy.Groups groups, int desired, int partition) {
    int limit =
        Math.min(
            desired,
            PlanContext.resolve(
                ctx.rollingUpdate(RollingUpdateConfiguration::getMaxSurge), desired, true, 0));
    if (limit == 0) {
      return 0;
    }
    int outdated = 0;
    for (var e : groups.byOrdinal().entrySet()) {
      if (e.getKey() >= partition
          && e.getKey() < desired
          && e.getValue().stream().anyMatch(p -> !PodHealth.isTerminating(p) && ctx.outdated(p))) {
        outdated++;
      }
    }
    if (outdated > 0) {
      return Math.min(limit, outdated);
    }
    long above = groups.byOrdinal().keySet().stream().filter(g -> g >= desired).count();
    boolean settling = false;
    for (int g = 0; g < desired; g++) {
      List<Pod> pods = groups.of(g);
      if (pods.isEmpty() || !ctx.groupReady(g, pods)) {
        settling = true;
      }
    }
    return settling ? (int) Math.min(limit, above) : 0;
  }

  @Override
  public Replacement replace(
      PlanContext ctx,
      ScalePolicy.Groups groups,
      SortedSet<Integer> kept,
      Step step,
      Set<String> deleting) {
    int desired = ctx.replicas();
    IntOrString rawMaxUnavailable =
        ctx.rollingUpdate(RollingUpdateConfiguration::getMaxUnavailable);
    int maxUnavailable = PlanContext.resolve(rawMaxUnavailable, desired, false, 1);
    if (step.surge() > 0 && rawMaxUnavailable != null) {
      // With a surge, an explicit 0 (or a percentage rounding to 0) means: never fewer ready
      // groups.
      maxUnavailable =
          IntOrPercent.parse(rawMaxUnavailable)
              .map(v -> v.scale(desired, Rounding.DOWN))
              .orElse(maxUnavailable);
    }
    // Ready surge groups stand in for groups being replaced. Without a surge every kept group is
    // a desired one, also one above the desired ordinals that Kthena's scale-down kept (it picks
    // not-ready groups first, not the highest): leaving it out left it outdated for good.
    boolean surging = step.surge() > 0;
    int readySurge =
        surging
            ? (int)
                kept.stream()
                    .filter(g -> g >= desired)
                    .filter(g -> !groups.of(g).isEmpty() && ctx.groupReady(g, groups.of(g)))
                    .count()
            : 0;
    NavigableMap<Integer, List<Pod>> desiredGroups = new TreeMap<>();
    kept.stream()
        .filter(g -> !surging || g < desired)
        .forEach(g -> desiredGroups.put(g, groups.of(g)));
    return OutdatedReplacement.replace(
        ctx,
        desiredGroups,
        desired,
        maxUnavailable + readySurge,
        step.partition(),
        ctx::groupReady,
        g -> "serving group " + ctx.groupName(g),
        deleting);
  }
}
