package dev.modelserving.controller.plan;

import dev.modelserving.api.v1alpha1.ModelServingKeys.Labels;
import dev.modelserving.api.v1alpha1.Role;
import dev.modelserving.controller.podgen.Revisions;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which template a role replica is rebuilt from. Missing pods of a replica whose pods all run one
 * older template (kept by the partition, or not reached by the rollout yet) are created from that
 * template, found in the stored revisions. A group created from nothing below the partition gets
 * the current revision (status.currentRevision); everything else the new one.
 */
final class RoleTemplates {
  private RoleTemplates() {}

  /** The template a role replica is built from, and the revision labels its pods carry. */
  record RoleTemplate(Role role, String revision, String roleHash) {}

  static RoleTemplate forReplica(
      PlanContext ctx, RoleReplica replica, List<Pod> groupPods, int partition) {
    Role role = replica.role();
    String revision = ctx.revision();
    RoleTemplate current = new RoleTemplate(role, revision, ctx.roleHashes().get(role.getName()));
    Set<String> hashes = new TreeSet<>();
    Set<String> revisions = new TreeSet<>();
    for (Pod p : replica.pods()) {
      if (!PodHealth.isTerminating(p)) {
        hashes.add(String.valueOf(PlanContext.label(p, Labels.ROLE_TEMPLATE_HASH)));
        revisions.add(String.valueOf(PlanContext.label(p, Labels.REVISION)));
      }
    }
    if (hashes.size() == 1 && revisions.size() == 1 && !revisions.contains(revision)) {
      String oldRevision = revisions.iterator().next();
      String oldHash = hashes.iterator().next();
      Optional<Role> old = stored(ctx, oldRevision, role);
      if (old.isPresent() && Revisions.ofRole(old.get()).equals(oldHash)) {
        return new RoleTemplate(old.get(), oldRevision, oldHash);
      }
      return current;
    }
    var status = ctx.ms().getStatus();
    String currentRevision = status == null ? null : status.getCurrentRevision();
    if (groupPods.isEmpty()
        && currentRevision != null
        && !currentRevision.equals(revision)
        && replica.group() < partition) {
      Optional<Role> old = stored(ctx, currentRevision, role);
      if (old.isPresent()) {
        return new RoleTemplate(old.get(), currentRevision, Revisions.ofRole(old.get()));
      }
    }
    return current;
  }

  private static Optional<Role> stored(PlanContext ctx, String revision, Role role) {
    return ctx.in().revisions().getOrDefault(revision, List.of()).stream()
        .filter(r -> r.getName().equals(role.getName()))
        .findFirst();
  }
}
