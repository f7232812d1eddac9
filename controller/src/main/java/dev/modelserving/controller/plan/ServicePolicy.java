package dev.modelserving.controller.plan;

import dev.modelserving.controller.podgen.ServingGroupPods;
import io.fabric8.kubernetes.api.model.Service;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Headless Services: one per kept role replica whose role has a worker template (with
 * LeaderWorkerSet naming, one shared Service or one per group). Missing ones are created, those no
 * replica wants any more are deleted, except, as upstream LWS, the shared one.
 */
final class ServicePolicy {
  private ServicePolicy() {}

  record Services(List<Service> toCreate, List<Service> toDelete) {}

  /**
   * @param replicas every kept role replica of the pass, with its current role
   */
  static Services plan(PlanContext ctx, List<RoleReplica> replicas) {
    Set<String> wanted = new LinkedHashSet<>();
    List<Service> toCreate = new ArrayList<>();
    for (RoleReplica replica : replicas) {
      if (ServingGroupPods.wantsHeadlessService(ctx.ms(), replica.role())) {
        Service svc =
            ServingGroupPods.buildHeadlessService(
                ctx.ms(), replica.group(), replica.role().getName(), replica.ordinal());
        if (wanted.add(svc.getMetadata().getName())) {
          toCreate.add(svc); // a shared Service is wanted by every group, created once
        }
      }
    }
    var existing = ctx.in().services();
    List<Service> toDelete =
        existing.stream()
            .filter(s -> s.getMetadata().getDeletionTimestamp() == null)
            .filter(s -> !wanted.contains(s.getMetadata().getName()))
            // As upstream LWS: the Shared Service stays when the policy becomes UniquePerReplica.
            .filter(
                s ->
                    !(ctx.naming().leaderWorkerSet()
                        && ctx.msName().equals(s.getMetadata().getName())))
            .toList();
    Set<String> existingNames = new TreeSet<>();
    existing.forEach(s -> existingNames.add(s.getMetadata().getName()));
    toCreate.removeIf(s -> existingNames.contains(s.getMetadata().getName()));
    return new Services(List.copyOf(toCreate), toDelete);
  }
}
