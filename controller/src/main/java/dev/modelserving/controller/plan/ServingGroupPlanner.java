package dev.modelserving.controller.plan;

import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingKeys.EventReasons;
import dev.modelserving.api.v1alpha1.Role;
import dev.modelserving.controller.plan.RoleTemplates.RoleTemplate;
import dev.modelserving.controller.podgen.TemplateHashes;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;

/**
 * Decides, from a ModelServing and the pods and Services it owns, what one reconcile pass creates
 * and deletes. Pure: everything it knows comes in as arguments. Level-triggered, so that a
 * restarted controller continues where it stopped.
 *
 * <p>The plan is composed from small policies, each a pure function over the same {@link
 * PlanContext} that returns its part, in this order:
 *
 * <ol>
 *   <li>{@link RolloutPolicy#step}: the rollout's surge groups and partition ({@link
 *       ServingGroupRollout}, {@link RoleRollout} or {@link LwsGroupRollout});
 *   <li>{@link ScalePolicy}: which serving groups exist (spec.replicas plus the surge), then per
 *       kept group which role replicas, and which pods no longer fit;
 *   <li>per kept role replica: {@link RoleTemplates} (the template it is built from), {@link
 *       FailurePolicy} (recovery), {@link RefillPolicy} (missing pods, with the startup policy);
 *   <li>{@link RolloutPolicy#replace}: outdated units to replace now, given what the steps before
 *       already delete;
 *   <li>{@link ServicePolicy}: the headless Services of the kept role replicas.
 * </ol>
 */
public final class ServingGroupPlanner {
  private ServingGroupPlanner() {}

  /**
   * Everything the planner reads. {@code pods} and {@code services} are those owned by {@code ms};
   * {@code hashes} are {@link TemplateHashes#of} {@code ms}'s roles (the reconciler's come from a
   * memo keyed by the ModelServing's generation), computed here when not given.
   */
  public record Input(
      ModelServing ms,
      Collection<Pod> pods,
      Collection<Service> services,
      Collection<Disruption> disruptions,
      Instant now,
      Map<String, List<Role>> revisions,
      TemplateHashes hashes) {

    public Input(
        ModelServing ms,
        Collection<Pod> pods,
        Collection<Service> services,
        Collection<Disruption> disruptions,
        Instant now,
        Map<String, List<Role>> revisions) {
      this(
          ms,
          pods,
          services,
          disruptions,
          now,
          revisions,
          TemplateHashes.of(ms.getSpec().getTemplate().getRoles()));
    }

    public Input(
        ModelServing ms,
        Collection<Pod> pods,
        Collection<Service> services,
        Collection<Disruption> disruptions,
        Instant now) {
      this(ms, pods, services, disruptions, now, Map.of());
    }
  }

  public static Plan plan(Input in) {
    PlanContext ctx = PlanContext.of(in);
    Draft draft = new Draft();
    ScalePolicy.Groups groups = ScalePolicy.groups(ctx);
    draft.delete(groups.strays());

    RolloutPolicy rollout = RolloutPolicy.of(ctx);
    RolloutPolicy.Step step = rollout.step(ctx, groups);
    draft.lookAgainAt(step.lookAgainAt());

    SortedSet<Integer> kept = ScalePolicy.keptGroups(ctx, groups, ctx.replicas() + step.surge());
    draft.add(ScalePolicy.removedGroups(ctx, groups, kept));
    List<RoleReplica> keptReplicas = new ArrayList<>();
    for (int g : kept) {
      planGroup(ctx, g, groups.of(g), step, draft, keptReplicas);
    }

    RolloutPolicy.Replacement replacement =
        rollout.replace(ctx, groups, kept, step, draft.deleting());
    draft.add(replacement.part());
    draft.creates.removeIf(p -> replacement.cancelledCreates().contains(p.getMetadata().getName()));

    ServicePolicy.Services services = ServicePolicy.plan(ctx, keptReplicas);
    Optional<Duration> requeue =
        draft
            .nextLook
            .map(t -> Duration.between(ctx.now(), t))
            .map(d -> d.isNegative() ? Duration.ZERO : d);
    return new Plan(
        List.copyOf(draft.creates),
        List.copyOf(draft.deletes.values()),
        services.toCreate(),
        services.toDelete(),
        requeue,
        List.copyOf(draft.notes),
        step.lwsStep());
  }

  /**
   * Scale, recovery and refill of one kept group; its kept role replicas go to {@code
   * keptReplicas}.
   */
  private static void planGroup(
      PlanContext ctx,
      int g,
      List<Pod> groupPods,
      RolloutPolicy.Step step,
      Draft draft,
      List<RoleReplica> keptReplicas) {
    ScalePolicy.Roles roles = ScalePolicy.roles(ctx, groupPods);
    draft.delete(roles.unknown());
    Instant recreateGroupBefore = null;
    List<Pod> groupCreates = new ArrayList<>();
    for (Role role : ctx.roles()) {
      Map<Integer, List<Pod>> existing = roles.of(role);
      ScalePolicy.RoleScale scale = ScalePolicy.roleReplicas(ctx, g, role, existing);
      draft.add(scale.removed());
      for (int r : scale.kept()) {
        RoleReplica current = new RoleReplica(g, role, r, existing.getOrDefault(r, List.of()));
        keptReplicas.add(current);
        RoleTemplate template = RoleTemplates.forReplica(ctx, current, groupPods, step.partition());
        RoleReplica replica = current.withRole(template.role());
        List<Pod> surplus = ScalePolicy.surplusPods(ctx, replica);
        draft.delete(surplus);
        FailurePolicy.Outcome recovery = FailurePolicy.plan(ctx, replica, groupPods);
        draft.add(recovery.part());
        if (recovery.recreateGroupBefore().isPresent()) {
          Instant trigger = recovery.recreateGroupBefore().get();
          if (recreateGroupBefore == null || trigger.isAfter(recreateGroupBefore)) {
            recreateGroupBefore = trigger;
          }
          continue;
        }
        Set<String> deleting = new HashSet<>();
        surplus.forEach(p -> deleting.add(p.getMetadata().getName()));
        recovery.part().deletes().forEach(p -> deleting.add(p.getMetadata().getName()));
        groupCreates.addAll(RefillPolicy.plan(ctx, replica, template, deleting));
      }
    }
    if (recreateGroupBefore != null) {
      Instant cutoff = recreateGroupBefore;
      draft.delete(
          groupPods.stream().filter(p -> !PodHealth.createdAt(p).isAfter(cutoff)).toList());
      return; // nothing is created in a group that is being rebuilt
    }
    if (groupPods.isEmpty() && !groupCreates.isEmpty()) {
      draft.notes.add(
          new Plan.Note(
              EventReasons.SERVING_GROUP_CREATED,
              "creating serving group " + ctx.groupName(g),
              false));
    }
    draft.creates.addAll(groupCreates);
  }

  /** The plan being assembled from the policies' parts, in their order. */
  private static final class Draft {
    final Map<String, Pod> deletes = new LinkedHashMap<>();
    final List<Pod> creates = new ArrayList<>();
    final List<Plan.Note> notes = new ArrayList<>();
    Optional<Instant> nextLook = Optional.empty();

    void add(PlanPart part) {
      creates.addAll(part.creates());
      delete(part.deletes());
      notes.addAll(part.notes());
      lookAgainAt(part.lookAgainAt());
    }

    /** Pods already terminating are not deleted again. */
    void delete(List<Pod> pods) {
      for (Pod pod : pods) {
        if (!PodHealth.isTerminating(pod)) {
          deletes.putIfAbsent(pod.getMetadata().getName(), pod);
        }
      }
    }

    void lookAgainAt(Optional<Instant> t) {
      nextLook = PlanPart.earliest(nextLook, t);
    }

    Set<String> deleting() {
      return Set.copyOf(deletes.keySet());
    }
  }
}
