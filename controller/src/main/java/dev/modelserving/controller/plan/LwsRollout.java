package dev.modelserving.controller.plan;

import dev.modelserving.controller.validation.IntOrPercent;
import dev.modelserving.controller.validation.IntOrPercent.Rounding;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.List;
import java.util.Objects;

/**
 * Upstream LeaderWorkerSet's rolling-update arithmetic for the leader StatefulSet, as a pure
 * function: given the spec and the state of every group, which {@code partition} and {@code
 * replicas} the leader StatefulSet should have next.
 *
 * <p>Notation: R = spec.replicas, U = maxUnavailable of R rounded down (not capped), S = maxSurge
 * of R rounded up and capped at R, B = R + S, P = spec partition.
 *
 * <ul>
 *   <li>A rollout starts when a new revision appears: the partition jumps to the top and the
 *       StatefulSet grows to the surge size (new indices get the new template).
 *   <li>On later reconciles the partition walks down from the highest index, to R - tail - U where
 *       tail is the run of updated-and-ready groups at the top (surge groups included), plus one
 *       for every unavailable group below that point. Groups that are unready or already updated
 *       never hold it back, so a rollout whose groups are all broken still progresses. It never
 *       moves back up while a rollout is running.
 *   <li>Surge groups are given back once the desired groups that are not yet updated and ready fit
 *       in the budget: {@code want(u) = u <= S ? R + max(0, u - U) : B}.
 *   <li>Whatever was computed, the partition is never below P.
 * </ul>
 *
 * <p>Follows the LWS behaviour reference: §3.10 (algorithm), §3.3 (the StatefulSet's own
 * maxUnavailable) and §1.3 (rounding).
 */
public final class LwsRollout {
  private LwsRollout() {}

  /**
   * One group (leader pod plus worker StatefulSet) as the rollout sees it.
   *
   * @param exists whether the group's leader pod (and, for size > 1, worker StatefulSet) exists; a
   *     missing group counts as neither ready nor updated, whatever the other two flags say
   * @param ready leader Running and Ready, and (size > 1) the worker StatefulSet ready
   * @param updated leader and (size > 1) worker StatefulSet carry the current revision key
   */
  public record GroupState(boolean exists, boolean ready, boolean updated) {
    public static final GroupState MISSING = new GroupState(false, false, false);

    boolean isReady() {
      return exists && ready;
    }

    boolean isUpdated() {
      return exists && updated;
    }

    boolean isReadyAndUpdated() {
      return isReady() && isUpdated();
    }
  }

  /**
   * What the rollout decides from.
   *
   * @param replicas R, spec.replicas
   * @param currentGroups the leader StatefulSet's spec.replicas (what the previous reconcile asked
   *     for, surge included); 0 means there is no leader StatefulSet yet
   * @param currentPartition the leader StatefulSet's current partition
   * @param specPartition P, spec.rolloutStrategy.rollingUpdateConfiguration.partition
   * @param maxUnavailable as written in the spec (already defaulted)
   * @param maxSurge as written in the spec (already defaulted)
   * @param templateChanged a new revision was created in this reconcile
   * @param replicasChanged spec.replicas differs from the {@code replicas} annotation on the leader
   *     StatefulSet (the value of the previous apply)
   * @param states group {@code i} at index {@code i} for {@code 0 <= i < currentGroups}; indices
   *     the list does not reach count as missing, entries beyond {@code currentGroups} are ignored
   */
  public record Input(
      int replicas,
      int currentGroups,
      int currentPartition,
      int specPartition,
      IntOrString maxUnavailable,
      IntOrString maxSurge,
      boolean templateChanged,
      boolean replicasChanged,
      List<GroupState> states) {
    public Input {
      requireNonNegative("replicas", replicas);
      requireNonNegative("currentGroups", currentGroups);
      requireNonNegative("currentPartition", currentPartition);
      requireNonNegative("specPartition", specPartition);
      states = List.copyOf(Objects.requireNonNull(states, "states"));
    }

    GroupState state(int index) {
      return index < states.size() ? states.get(index) : GroupState.MISSING;
    }
  }

  /** The leader StatefulSet's next rollingUpdate.partition and spec.replicas. */
  public record Result(int partition, int replicas) {}

  /**
   * The next partition and replicas of the leader StatefulSet (upstream rollingUpdateParameters).
   *
   * @throws IllegalArgumentException if maxUnavailable or maxSurge is neither a count nor a
   *     percentage, or is negative (defaulting and validation normally rule both out)
   */
  public static Result plan(Input in) {
    Result raw = planBeforeSpecPartition(in);
    // The spec partition is a floor: groups below it are never updated.
    return new Result(Math.max(raw.partition(), in.specPartition()), raw.replicas());
  }

  private static Result planBeforeSpecPartition(Input in) {
    final int r = in.replicas();
    final int stsR = in.currentGroups();
    final int curP = in.currentPartition();
    final int u = maxUnavailable(r, in.maxUnavailable());
    final int s = maxSurge(r, in.maxSurge());
    final int burst = r + s;

    // 1. No leader StatefulSet yet: create all R groups with the current template.
    if (stsR == 0) {
      return new Result(0, r);
    }
    // 2. New revision: hold every existing group back; scale up first, else surge.
    if (in.templateChanged()) {
      int partition = Math.min(r, stsR);
      return new Result(partition, stsR < r ? r : want(r, u, s, r));
    }
    // 3. Steady state stays put; while scaling up, keep the partition and grow to R.
    if (curP == 0 && stsR == r) {
      return new Result(0, r);
    }
    if (stsR < r) {
      return new Result(curP, r);
    }
    // 4. Desired groups (index < R) that are not both ready and updated.
    int unready = 0;
    for (int i = 0; i < r; i++) {
      if (!in.state(i).isReadyAndUpdated()) {
        unready++;
      }
    }
    // 5. Replicas changed mid-rollout: keep the partition (capped at R + S), resize.
    if (in.replicasChanged()) {
      return new Result(Math.min(curP, burst), want(unready, u, s, r));
    }
    // 6. Rolling: step = U plus the surge groups that currently exist.
    int step = u + s - (burst - stsR);
    return new Result(partition(in, stsR, step, curP), want(unready, u, s, r));
  }

  /** Upstream rollingUpdatePartition: how far the partition may move down now. */
  private static int partition(Input in, int stsR, int step, int curP) {
    // a. Updated-and-ready groups at the top, counted down from the highest index.
    int tail = 0;
    for (int i = stsR - 1; i >= 0 && in.state(i).isReadyAndUpdated(); i--) {
      tail++;
    }
    // b. Replace at most `step` groups below that tail.
    int base = Math.max(0, stsR - tail - step);
    // c. Groups below base that are already unavailable use up part of the budget.
    int p = base;
    for (int i = 0; i < base; i++) {
      if (!in.state(i).isReady()) {
        p++;
      }
    }
    // d. Walk down over groups that are unready or already updated: replacing them costs nothing.
    for (int i = Math.min(p, stsR - 1); i >= base; i--) {
      GroupState g = in.state(i);
      if (!g.isReady() || g.isUpdated()) {
        p = i;
      } else {
        break;
      }
    }
    // e. The partition only ever moves down during a rollout.
    return Math.min(p, curP);
  }

  /**
   * The leader StatefulSet's {@code rollingUpdate.maxUnavailable}: how many groups at or above the
   * partition the StatefulSet controller may replace at once, {@code max(1, U + min(S, R))}.
   */
  public static int statefulSetMaxUnavailable(
      int replicas, IntOrString maxUnavailable, IntOrString maxSurge) {
    requireNonNegative("replicas", replicas);
    return Math.max(1, maxUnavailable(replicas, maxUnavailable) + maxSurge(replicas, maxSurge));
  }

  /** Replicas to ask for while {@code unready} desired groups are not yet updated and ready. */
  private static int want(int unready, int u, int s, int r) {
    return unready <= s ? r + Math.max(0, unready - u) : r + s;
  }

  /** U: maxUnavailable of R, rounded down, not capped. */
  static int maxUnavailable(int replicas, IntOrString raw) {
    return read("maxUnavailable", raw).scale(replicas, Rounding.DOWN);
  }

  /** S: maxSurge of R, rounded up, capped at R. */
  static int maxSurge(int replicas, IntOrString raw) {
    return Math.min(read("maxSurge", raw).scale(replicas, Rounding.UP), replicas);
  }

  private static IntOrPercent read(String field, IntOrString raw) {
    IntOrPercent value =
        IntOrPercent.parse(raw)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        field + " must be an integer or a percentage such as \"25%\", got " + raw));
    if (value.value() < 0) {
      throw new IllegalArgumentException(field + " must not be negative, got " + value);
    }
    return value;
  }

  private static void requireNonNegative(String name, int value) {
    if (value < 0) {
      throw new IllegalArgumentException(name + " must be >= 0, got " + value);
    }
  }
}
