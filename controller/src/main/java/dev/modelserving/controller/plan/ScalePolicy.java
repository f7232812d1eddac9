package dev.modelserving.controller.plan;

import dev.modelserving.api.v1alpha1.ModelServingKeys.EventReasons;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Labels;
import dev.modelserving.api.v1alpha1.Role;
import dev.modelserving.controller.podgen.PodNames;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToLongFunction;

/**
 * Scale: which serving groups and role replicas exist. With more than desired, the surplus goes in
 * Kthena's order: not ready first, then the lowest sum of {@code pod-deletion-cost}, then the
 * highest ordinal; with fewer, the lowest missing ordinals are added. With LeaderWorkerSet naming
 * the groups are exactly the indices 0..n-1, as a StatefulSet's. Pods this controller would not
 * have named (no readable group, a role no longer in the spec, a worker index beyond the role's
 * size) go as well.
 */
final class ScalePolicy {
  private ScalePolicy() {}

  /** The owned pods by serving-group ordinal, and those with no readable group. */
  record Groups(NavigableMap<Integer, List<Pod>> byOrdinal, List<Pod> strays) {
    List<Pod> of(int g) {
      return byOrdinal.getOrDefault(g, List.of());
    }
  }

  /** The pods of one group by role name and role-replica ordinal, and those of no known role. */
  record Roles(Map<String, NavigableMap<Integer, List<Pod>>> byRole, List<Pod> unknown) {
    NavigableMap<Integer, List<Pod>> of(Role role) {
      return byRole.getOrDefault(role.getName(), new TreeMap<>());
    }
  }

  /** Role replicas of one role to keep, and the removal of the others. */
  record RoleScale(Set<Integer> kept, PlanPart removed) {}

  static Groups groups(PlanContext ctx) {
    NavigableMap<Integer, List<Pod>> groups = new TreeMap<>();
    List<Pod> strays = new ArrayList<>();
    for (Pod pod : ctx.in().pods()) {
      OptionalInt g =
          PodNames.ordinalAfter(ctx.msName(), PlanContext.label(pod, Labels.GROUP_NAME));
      if (g.isEmpty()) {
        strays.add(pod); // ours by ownerReference, but not a pod this controller would name
      } else {
        groups.computeIfAbsent(g.getAsInt(), k -> new ArrayList<>()).add(pod);
      }
    }
    return new Groups(groups, strays);
  }

  /**
   * The groups to keep, in ordinal order: {@code count} of them (spec.replicas plus any rollout
   * surge).
   */
  static SortedSet<Integer> keptGroups(PlanContext ctx, Groups groups, int count) {
    if (ctx.naming().leaderWorkerSet()) {
      // StatefulSet semantics: exactly the indices 0..n-1, whatever else exists.
      SortedSet<Integer> kept = new TreeSet<>();
      for (int g = 0; g < count; g++) {
        kept.add(g);
      }
      return kept;
    }
    return keep(
        groups.byOrdinal(),
        count,
        e -> rank(ctx.groupReady(e.getKey(), e.getValue()), e.getValue()));
  }

  /** Deletes every group that is not kept. */
  static PlanPart removedGroups(PlanContext ctx, Groups groups, Set<Integer> kept) {
    List<Pod> deletes = new ArrayList<>();
    List<Plan.Note> notes = new ArrayList<>();
    for (var entry : groups.byOrdinal().entrySet()) {
      if (!kept.contains(entry.getKey())) {
        notes.add(
            new Plan.Note(
                EventReasons.SERVING_GROUP_DELETED,
                "deleting serving group " + ctx.groupName(entry.getKey()),
                false));
        deletes.addAll(entry.getValue());
      }
    }
    return PlanPart.deleting(deletes, notes);
  }

  static Roles roles(PlanContext ctx, List<Pod> groupPods) {
    Map<String, NavigableMap<Integer, List<Pod>>> byRole = new HashMap<>();
    List<Pod> unknown = new ArrayList<>();
    for (Pod pod : groupPods) {
      String roleName = PlanContext.label(pod, Labels.ROLE);
      Optional<Role> role =
          ctx.roles().stream().filter(r -> r.getName().equals(roleName)).findFirst();
      OptionalInt r =
          role.isEmpty()
              ? OptionalInt.empty()
              : PodNames.ordinalAfter(roleName, PlanContext.label(pod, Labels.ROLE_ID));
      if (r.isEmpty()) {
        unknown.add(pod); // a role removed from the spec, or an unreadable role id
      } else {
        byRole
            .computeIfAbsent(roleName, k -> new TreeMap<>())
            .computeIfAbsent(r.getAsInt(), k -> new ArrayList<>())
            .add(pod);
      }
    }
    return new Roles(byRole, unknown);
  }

  /** The role replicas of {@code role} in group {@code g} to keep, and the removal of the rest. */
  static RoleScale roleReplicas(
      PlanContext ctx, int g, Role role, Map<Integer, List<Pod>> existing) {
    Set<Integer> kept =
        keep(
            existing,
            PlanContext.replicas(role.getReplicas()),
            e -> {
              boolean ready =
                  !e.getValue().isEmpty() && e.getValue().stream().allMatch(PodHealth::isReady);
              return rank(ready, e.getValue());
            });
    List<Pod> deletes = new ArrayList<>();
    List<Plan.Note> notes = new ArrayList<>();
    for (var entry : existing.entrySet()) {
      if (!kept.contains(entry.getKey())) {
        notes.add(
            new Plan.Note(
                EventReasons.ROLE_DELETED,
                "deleting role replica "
                    + PodNames.roleId(role.getName(), entry.getKey())
                    + " of serving group "
                    + ctx.groupName(g),
                false));
        deletes.addAll(entry.getValue());
      }
    }
    return new RoleScale(kept, PlanPart.deleting(deletes, notes));
  }

  /** Pods of a kept role replica beyond its size, e.g. after workerReplicas was lowered. */
  static List<Pod> surplusPods(PlanContext ctx, RoleReplica replica) {
    Map<String, Integer> expected = replica.expectedNames(ctx);
    return replica.pods().stream()
        .filter(p -> !expected.containsKey(p.getMetadata().getName()))
        .toList();
  }

  /**
   * Which of the existing ordinals to keep, plus the lowest missing ordinals to add, so that {@code
   * desired} remain. Surplus goes lowest score first, then highest ordinal.
   */
  static <T> SortedSet<Integer> keep(
      Map<Integer, T> existing, int desired, ToLongFunction<Map.Entry<Integer, T>> score) {
    SortedSet<Integer> kept = new TreeSet<>(existing.keySet());
    if (kept.size() > desired) {
      List<Map.Entry<Integer, T>> ranked = new ArrayList<>(existing.entrySet());
      ranked.sort(
          Comparator.<Map.Entry<Integer, T>>comparingLong(score)
              .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()));
      for (int i = 0; i < ranked.size() - desired; i++) {
        kept.remove(ranked.get(i).getKey());
      }
    }
    for (int o = 0; kept.size() < desired; o++) {
      kept.add(o);
    }
    return kept;
  }

  /** Scale-down rank: not-ready units sort first, then by summed deletion cost. */
  static long rank(boolean ready, List<Pod> pods) {
    long cost = 0;
    for (Pod pod : pods) {
      cost = saturatedAdd(cost, PodHealth.deletionCost(pod));
    }
    // Readiness dominates: shift the cost into the lower range of the ready/not-ready band.
    long band = ready ? 1L << 62 : 0;
    long bounded = Math.max(-(1L << 61), Math.min(1L << 61, cost));
    return band + bounded;
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    if (((a ^ sum) & (b ^ sum)) < 0) {
      return a > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    }
    return sum;
  }
}
