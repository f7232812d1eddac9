package dev.modelserving.controller.status;

import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Conditions;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Labels;
import dev.modelserving.api.v1alpha1.ModelServingStatus;
import dev.modelserving.api.v1alpha1.Role;
import dev.modelserving.controller.plan.PodHealth;
import dev.modelserving.controller.podgen.PodNames;
import dev.modelserving.controller.podgen.PodNaming;
import dev.modelserving.controller.podgen.ServingGroupPods;
import dev.modelserving.controller.podgen.TemplateHashes;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Computes a ModelServing's status from its spec and the pods it owns. Pure; the reconciler writes
 * the result only when it differs from what is stored.
 *
 * <ul>
 *   <li>{@code replicas}: serving groups that have at least one pod not being deleted.
 *   <li>{@code availableReplicas}: groups in which every desired role replica has all its pods
 *       Running and Ready.
 *   <li>{@code updatedReplicas} / {@code currentReplicas}: groups whose pods all carry the update
 *       revision / the current revision.
 *   <li>{@code labelSelector}: the entry pod of the first replica of the first role that has
 *       replicas (Kthena's role-id {@code <role>-0}), so that it matches one live pod per group.
 *   <li>Conditions {@code Available} and {@code Progressing} are always both present; each keeps
 *       its lastTransitionTime while its status stays, and gets a fresh reason and message.
 * </ul>
 */
public final class ModelServingStatusAggregator {
  private ModelServingStatusAggregator() {}

  /** A problem that stops progress, reported as {@code Progressing=False} with this reason. */
  public record Blocker(String reason, String message) {}

  public static ModelServingStatus compute(
      ModelServing ms, Collection<Pod> pods, Optional<Blocker> blocker, Instant now) {
    return compute(ms, pods, blocker, now, Optional.empty());
  }

  /**
   * As above; {@code rolloutStep} is the LeaderWorkerSet rolling-update step of this pass, kept in
   * the status for the next one (absent: the stored values are carried over).
   */
  public static ModelServingStatus compute(
      ModelServing ms,
      Collection<Pod> pods,
      Optional<Blocker> blocker,
      Instant now,
      Optional<dev.modelserving.controller.plan.LwsRollout.Result> rolloutStep) {
    return compute(
        ms,
        TemplateHashes.of(ms.getSpec().getTemplate().getRoles()),
        pods,
        blocker,
        now,
        rolloutStep);
  }

  /** As above, with {@code hashes} = {@link TemplateHashes#of} {@code ms}'s roles. */
  public static ModelServingStatus compute(
      ModelServing ms,
      TemplateHashes hashes,
      Collection<Pod> pods,
      Optional<Blocker> blocker,
      Instant now,
      Optional<dev.modelserving.controller.plan.LwsRollout.Result> rolloutStep) {
    ModelServingStatus status = computeStatus(ms, hashes, pods, blocker, now);
    ModelServingStatus previous = ms.getStatus();
    if (rolloutStep.isPresent()) {
      status.setRolloutPartition(rolloutStep.get().partition());
      status.setRolloutReplicas(
          ms.getSpec().getReplicas() == null ? 1 : ms.getSpec().getReplicas());
    } else if (previous != null) {
      status.setRolloutPartition(previous.getRolloutPartition());
      status.setRolloutReplicas(previous.getRolloutReplicas());
    }
    return status;
  }

  private static ModelServingStatus computeStatus(
      ModelServing ms,
      TemplateHashes hashes,
      Collection<Pod> pods,
      Optional<Blocker> blocker,
      Instant now) {
    String msName = ms.getMetadata().getName();
    List<Role> roles = ms.getSpec().getTemplate().getRoles();
    String updateRevision = hashes.revision();
    ModelServingStatus previous =
        ms.getStatus() == null ? new ModelServingStatus() : ms.getStatus();

    Map<Integer, List<Pod>> groups = new TreeMap<>();
    for (Pod pod : pods) {
      if (PodHealth.isTerminating(pod)) {
        continue;
      }
      OptionalInt g = PodNames.ordinalAfter(msName, label(pod, Labels.GROUP_NAME));
      g.ifPresent(o -> groups.computeIfAbsent(o, k -> new ArrayList<>()).add(pod));
    }
    int desired = ms.getSpec().getReplicas() == null ? 1 : Math.max(0, ms.getSpec().getReplicas());

    int available = 0;
    int updated = 0;
    Map<String, Integer> groupsByRevision = new TreeMap<>();
    Map<String, String> roleHashes = hashes.roleHashes();
    boolean roleRollout =
        ms.getSpec().getRolloutStrategy() != null
            && ms.getSpec().getRolloutStrategy().getType()
                == dev.modelserving.api.v1alpha1.RolloutStrategy.Type.RoleRollingUpdate;
    List<String> notReady = new ArrayList<>();
    for (var entry : groups.entrySet()) {
      List<Pod> groupPods = entry.getValue();
      if (isReady(PodNaming.of(ms), entry.getKey(), roles, groupPods)) {
        available++;
      } else {
        notReady.add(PodNames.group(msName, entry.getKey()));
      }
      Set<String> revisions = new TreeSet<>();
      groupPods.forEach(p -> revisions.add(String.valueOf(label(p, Labels.REVISION))));
      if (revisions.size() == 1) {
        groupsByRevision.merge(revisions.iterator().next(), 1, Integer::sum);
      }
      // Updated: what the rollout would leave alone. Role rollouts compare each pod's role
      // template hash; group rollouts the group revision.
      boolean current =
          roleRollout
              ? groupPods.stream()
                  .allMatch(
                      p ->
                          roleHashes.containsKey(label(p, Labels.ROLE))
                              && roleHashes
                                  .get(label(p, Labels.ROLE))
                                  .equals(label(p, Labels.ROLE_TEMPLATE_HASH)))
              : revisions.size() == 1 && revisions.contains(updateRevision);
      if (current) {
        updated++;
      }
    }
    String currentRevision =
        currentRevision(
            previous.getCurrentRevision(),
            updateRevision,
            groupsByRevision,
            updated == groups.size());

    ModelServingStatus status = new ModelServingStatus();
    status.setObservedGeneration(ms.getMetadata().getGeneration());
    status.setReplicas(groups.size());
    status.setAvailableReplicas(available);
    status.setUpdatedReplicas(updated);
    status.setCurrentReplicas(groupsByRevision.getOrDefault(currentRevision, 0));
    status.setUpdateRevision(updateRevision);
    status.setCurrentRevision(currentRevision);
    status.setLabelSelector(labelSelector(msName, roles));

    // Available: at least the desired number of groups is ready (surplus groups may still be
    // going away). Progressing ends only when exactly the desired groups exist and are ready.
    boolean enoughReady = available >= desired;
    int partition = partition(ms, desired);
    boolean updating = updated < Math.min(Math.max(0, desired - partition), groups.size());
    boolean converged = available == desired && groups.size() == desired && !updating;
    long generation =
        ms.getMetadata().getGeneration() == null ? 0 : ms.getMetadata().getGeneration();
    Condition availableCondition =
        enoughReady
            ? condition(
                Conditions.AVAILABLE,
                true,
                Conditions.REASON_ALL_GROUPS_READY,
                Conditions.MESSAGE_ALL_GROUPS_READY,
                generation)
            : condition(
                Conditions.AVAILABLE,
                false,
                Conditions.REASON_GROUPS_NOT_READY,
                available + " of " + desired + " serving groups are ready",
                generation);
    Condition progressing;
    if (blocker.isPresent()) {
      progressing =
          condition(
              Conditions.PROGRESSING,
              false,
              blocker.get().reason(),
              blocker.get().message(),
              generation);
    } else if (converged) {
      progressing =
          condition(
              Conditions.PROGRESSING,
              false,
              Conditions.REASON_ALL_GROUPS_READY,
              Conditions.MESSAGE_ALL_GROUPS_READY,
              generation);
    } else {
      progressing =
          condition(
              Conditions.PROGRESSING,
              true,
              Conditions.REASON_GROUPS_PROGRESSING,
              progressMessage(groups.size(), desired, notReady, pods),
              generation);
    }
    List<Condition> conditions = new ArrayList<>();
    conditions.add(keepTransitionTime(previous, availableCondition, now));
    conditions.add(keepTransitionTime(previous, progressing, now));
    // UpdateInProgress appears with the first rollout and then stays, True or False.
    boolean hadUpdate =
        previous.getConditions() != null
            && previous.getConditions().stream()
                .anyMatch(c -> Conditions.UPDATE_IN_PROGRESS.equals(c.getType()));
    if (updating || hadUpdate) {
      conditions.add(
          keepTransitionTime(
              previous,
              updating
                  ? condition(
                      Conditions.UPDATE_IN_PROGRESS,
                      true,
                      Conditions.REASON_GROUPS_UPDATING,
                      updated
                          + " of "
                          + desired
                          + " serving groups are updated"
                          + (partition > 0
                              ? " (groups below ordinal " + partition + " keep their revision)"
                              : ""),
                      generation)
                  : condition(
                      Conditions.UPDATE_IN_PROGRESS,
                      false,
                      Conditions.REASON_UPDATE_COMPLETE,
                      Conditions.MESSAGE_ALL_GROUPS_UPDATED,
                      generation),
              now));
    }
    // Conditions of other types are carried over untouched.
    if (previous.getConditions() != null) {
      for (Condition c : previous.getConditions()) {
        if (!Conditions.AVAILABLE.equals(c.getType())
            && !Conditions.PROGRESSING.equals(c.getType())
            && !Conditions.UPDATE_IN_PROGRESS.equals(c.getType())) {
          conditions.add(c);
        }
      }
    }
    status.setConditions(conditions);
    return status;
  }

  /** The ServingGroupRollingUpdate partition: groups below this ordinal keep their revision. */
  static int partition(ModelServing ms, int desired) {
    var strategy = ms.getSpec().getRolloutStrategy();
    if (strategy == null
        || strategy.getRollingUpdateConfiguration() == null
        || strategy.getRollingUpdateConfiguration().getPartition() == null) {
      return 0;
    }
    return dev.modelserving.controller.validation.IntOrPercent.parse(
            strategy.getRollingUpdateConfiguration().getPartition())
        .map(v -> v.scale(desired, dev.modelserving.controller.validation.IntOrPercent.Rounding.UP))
        .orElse(0);
  }

  static boolean isReady(PodNaming naming, int g, List<Role> roles, List<Pod> pods) {
    Set<String> ready = new TreeSet<>();
    pods.stream().filter(PodHealth::isReady).forEach(p -> ready.add(p.getMetadata().getName()));
    for (Role role : roles) {
      int replicas = role.getReplicas() == null ? 1 : role.getReplicas();
      for (int r = 0; r < replicas; r++) {
        for (int w = 0; w < ServingGroupPods.groupSize(role); w++) {
          if (!ready.contains(naming.pod(g, role.getName(), r, w))) {
            return false;
          }
        }
      }
    }
    return true;
  }

  /**
   * Keeps the stored current revision while groups still use it; the update revision once all do.
   */
  static String currentRevision(
      String previous, String update, Map<String, Integer> groupsByRevision, boolean allUpdated) {
    if (allUpdated || groupsByRevision.isEmpty()) {
      return update;
    }
    if (previous != null && groupsByRevision.containsKey(previous)) {
      return previous;
    }
    return groupsByRevision.entrySet().stream()
        .filter(e -> !e.getKey().equals(update))
        .max(
            Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
        .map(Map.Entry::getKey)
        .orElse(update);
  }

  static String labelSelector(String msName, List<Role> roles) {
    String role =
        roles.stream()
            .filter(r -> r.getReplicas() == null || r.getReplicas() > 0)
            .map(Role::getName)
            .findFirst()
            .orElse(roles.isEmpty() ? "" : roles.get(0).getName());
    // As Kthena: the entry pod of the role's first replica, so the selector matches one pod per
    // serving group (an HPA divides by what it counts). Keys sorted, as Kubernetes prints them.
    return Labels.ENTRY
        + "="
        + Labels.ENTRY_TRUE
        + ","
        + Labels.NAME
        + "="
        + msName
        + ","
        + Labels.ROLE
        + "="
        + role
        + ","
        + Labels.ROLE_ID
        + "="
        + PodNames.roleId(role, 0);
  }

  private static String progressMessage(
      int existing, int desired, List<String> notReady, Collection<Pod> pods) {
    StringBuilder message = new StringBuilder();
    message.append(existing).append(" of ").append(desired).append(" serving groups exist");
    if (!notReady.isEmpty()) {
      message
          .append("; not ready: ")
          .append(String.join(", ", notReady.subList(0, Math.min(5, notReady.size()))));
      if (notReady.size() > 5) {
        message.append(" and ").append(notReady.size() - 5).append(" more");
      }
    }
    List<String> unschedulable = new ArrayList<>();
    pods.stream()
        .filter(p -> !PodHealth.isTerminating(p))
        .sorted(java.util.Comparator.comparing(p -> p.getMetadata().getName()))
        .forEach(
            p ->
                PodHealth.unschedulableMessage(p)
                    .ifPresent(
                        m ->
                            unschedulable.add(
                                "pod "
                                    + p.getMetadata().getName()
                                    + " cannot be scheduled: "
                                    + m)));
    if (!unschedulable.isEmpty()) {
      message.append("; ").append(unschedulable.get(0));
      if (unschedulable.size() > 1) {
        message
            .append(" (and ")
            .append(unschedulable.size() - 1)
            .append(" more unschedulable pods)");
      }
    }
    return message.toString();
  }

  private static Condition condition(
      String type, boolean status, String reason, String message, long generation) {
    Condition c = new Condition();
    c.setType(type);
    c.setStatus(status ? "True" : "False");
    c.setReason(reason);
    c.setMessage(message);
    c.setObservedGeneration(generation);
    return c;
  }

  private static Condition keepTransitionTime(
      ModelServingStatus previous, Condition next, Instant now) {
    String time = now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    if (previous.getConditions() != null) {
      for (Condition old : previous.getConditions()) {
        if (old.getType().equals(next.getType())
            && old.getStatus().equals(next.getStatus())
            && old.getLastTransitionTime() != null) {
          time = old.getLastTransitionTime();
        }
      }
    }
    next.setLastTransitionTime(time);
    return next;
  }

  private static String label(Pod pod, String key) {
    return pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get(key);
  }
}
