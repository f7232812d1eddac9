package dev.modelserving.controller.plan;

import dev.modelserving.api.v1alpha1.ModelServingKeys.Labels;
import dev.modelserving.api.v1alpha1.Role;
import dev.modelserving.controller.podgen.PodNames;
import dev.modelserving.controller.podgen.ServingGroupPods;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.NavigableMap;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * RoleRollingUpdate: inside every kept group, outdated role replicas (their role's template
 * changed) are replaced the way {@link ServingGroupRollout} replaces groups, with each role's own
 * maxUnavailable and partition. No surge, and no group-wide partition.
 */
final class RoleRollout implements RolloutPolicy {
  static final RoleRollout INSTANCE = new RoleRollout();

  private RoleRollout() {}

  @Override
  public Step step(PlanContext ctx, ScalePolicy.Groups groups) {
    return Step.of(0, 0);
  }

  @Override
  public Replacement replace(
      PlanContext ctx,
      ScalePolicy.Groups groups,
      SortedSet<Integer> kept,
      Step step,
      Set<String> deleting) {
    Set<String> busy = new HashSet<>(deleting);
    List<Pod> deletes = new ArrayList<>();
    List<Plan.Note> notes = new ArrayList<>();
    Set<String> cancelled = new HashSet<>();
    for (int g : kept) {
      List<Pod> groupPods = groups.of(g);
      for (Role role : ctx.roles()) {
        NavigableMap<Integer, List<Pod>> replicas = new TreeMap<>();
        for (Pod p : groupPods) {
          if (role.getName().equals(PlanContext.label(p, Labels.ROLE))) {
            PodNames.ordinalAfter(role.getName(), PlanContext.label(p, Labels.ROLE_ID))
                .ifPresent(r -> replicas.computeIfAbsent(r, k -> new ArrayList<>()).add(p));
          }
        }
        int roleReplicas = PlanContext.replicas(role.getReplicas());
        int maxUnavailable = PlanContext.resolve(role.getMaxUnavailable(), roleReplicas, false, 1);
        int partition = PlanContext.resolve(role.getPartition(), roleReplicas, true, 0);
        Replacement r =
            OutdatedReplacement.replace(
                ctx,
                replicas,
                roleReplicas,
                maxUnavailable,
                partition,
                (ordinal, pods) ->
                    pods.size() >= ServingGroupPods.groupSize(role)
                        && pods.stream().allMatch(PodHealth::isReady),
                ordinal ->
                    "role replica "
                        + PodNames.roleId(role.getName(), ordinal)
                        + " of serving group "
                        + ctx.groupName(g),
                busy);
        deletes.addAll(r.part().deletes());
        notes.addAll(r.part().notes());
        cancelled.addAll(r.cancelledCreates());
        r.part().deletes().forEach(p -> busy.add(p.getMetadata().getName()));
      }
    }
    return new Replacement(PlanPart.deleting(deletes, notes), cancelled);
  }
}
