package dev.modelserving.controller.plan;

import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Annotations;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Labels;
import dev.modelserving.api.v1alpha1.RecoveryPolicy;
import dev.modelserving.api.v1alpha1.Role;
import dev.modelserving.controller.podgen.PodNames;
import dev.modelserving.controller.podgen.PodNaming;
import dev.modelserving.controller.podgen.Revisions;
import dev.modelserving.controller.podgen.ServingGroupPods;
import dev.modelserving.controller.podgen.ServingGroupPods.Position;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Decides, from a ModelServing and the pods and Services it owns, what one reconcile pass creates
 * and deletes. Pure: everything it knows comes in as arguments.
 *
 * <p>The algorithm, level-triggered so that a restarted controller continues where it stopped:
 *
 * <ol>
 *   <li>Serving groups: the groups that own pods exist. With more than {@code spec.replicas}, the
 *       surplus is removed in Kthena's order: groups that are not ready first, then the lowest sum
 *       of {@code pod-deletion-cost}, then the highest ordinal. With fewer, the lowest missing
 *       ordinals are added.
 *   <li>Roles inside each kept group, the same way per role; pods of roles no longer in the spec
 *       go.
 *   <li>Recovery inside each kept role replica: a failed pod (phase Failed, or a restarted
 *       container that is not Ready again) older than {@code restartGracePeriodSeconds}, or a pod
 *       someone else deleted ({@link Disruption}), rebuilds the role replica ({@code RoleRecreate})
 *       or the whole group ({@code ServingGroupRecreate}); {@code None} leaves failed pods alone
 *       and only replaces deleted ones.
 *   <li>Refill: missing pods of a role replica are created, entry first, unless some of its pods
 *       are still terminating (their names are not free yet). With the startup policy {@code
 *       WorkersAfterEntryReady} workers wait for a Ready entry pod.
 *   <li>Headless Services: one per role replica whose role has a worker template.
 * </ol>
 */
public final class ServingGroupPlanner {
  private ServingGroupPlanner() {}

  /** Everything the planner reads. {@code pods} and {@code services} are those owned by {@code ms}. */
  public record Input(
      ModelServing ms,
      Collection<Pod> pods,
      Collection<Service> services,
      Collection<Disruption> disruptions,
      Instant now,
      Map<String, List<Role>> revisions) {

    public Input(ModelServing ms, Collection<Pod> pods, Collection<Service> services, Collection<Disruption> disruptions, Instant now) {
      this(ms, pods, services, disruptions, now, Map.of());
    }
  }

  public static Plan plan(Input in) {
    return new Pass(in).run();
  }

  /** The state of one planning pass; discarded afterwards. */
  private static final class Pass {
    private final ModelServing ms;
    private final String msName;
    private final Instant now;
    private final Collection<Pod> allPods;
    private final Collection<Service> services;
    private final Collection<Disruption> disruptions;
    private final Map<String, List<Role>> knownRevisions;
    private final List<Role> roles;
    private final String revision;
    private final Map<String, String> roleHashes = new HashMap<>();
    private final RecoveryPolicy recovery;
    private final Duration grace;
    private final boolean workersWaitForEntry;
    private final PodNaming naming;
    private final boolean roleRollout;
    /** LWS restart policies: any container restart counts as a failure, even once Ready again. */
    private final boolean restartCounts;
    /** LWS RecreateGroupAfterStart: failures of a group that is still starting are ignored. */
    private final boolean restartAfterStart;

    private final Map<String, Pod> toDelete = new LinkedHashMap<>();
    private final List<Pod> toCreate = new ArrayList<>();
    private final Set<String> wantedServices = new LinkedHashSet<>();
    private final List<Service> servicesToCreate = new ArrayList<>();
    private final List<Plan.Note> notes = new ArrayList<>();
    private Instant nextLook;
    /** With LeaderWorkerSet naming: upstream LWS's rolling-update step for this pass. */
    private LwsRollout.Result lwsStep;

    Pass(Input in) {
      this.ms = in.ms();
      this.msName = ms.getMetadata().getName();
      this.naming = PodNaming.of(ms);
      this.roleRollout = ms.getSpec().getRolloutStrategy() != null
          && ms.getSpec().getRolloutStrategy().getType() == dev.modelserving.api.v1alpha1.RolloutStrategy.Type.RoleRollingUpdate;
      this.now = in.now();
      this.allPods = in.pods();
      this.services = in.services();
      this.disruptions = in.disruptions();
      this.knownRevisions = in.revisions();
      this.roles = ms.getSpec().getTemplate().getRoles();
      this.revision = Revisions.ofRoles(roles);
      for (Role role : roles) {
        roleHashes.put(role.getName(), Revisions.ofRole(role));
      }
      this.recovery =
          ms.getSpec().getRecoveryPolicy() == null
              ? RecoveryPolicy.RoleRecreate
              : ms.getSpec().getRecoveryPolicy();
      Long graceSeconds = ms.getSpec().getTemplate().getRestartGracePeriodSeconds();
      this.grace = Duration.ofSeconds(graceSeconds == null ? 0 : Math.max(0, graceSeconds));
      var annotations = ms.getMetadata().getAnnotations();
      this.workersWaitForEntry =
          annotations != null
              && Annotations.WORKERS_AFTER_ENTRY_READY.equals(annotations.get(Annotations.STARTUP_POLICY));
      String restartPolicy = annotations == null ? null : annotations.get(Annotations.RESTART_POLICY);
      this.restartAfterStart = Annotations.RESTART_AFTER_START.equals(restartPolicy);
      this.restartCounts = restartAfterStart || Annotations.RESTART_ANY.equals(restartPolicy);
    }

    Plan run() {
      Map<Integer, List<Pod>> groups = new TreeMap<>();
      for (Pod pod : allPods) {
        OptionalInt g = PodNames.ordinalAfter(msName, label(pod, Labels.GROUP_NAME));
        if (g.isEmpty()) {
          delete(pod); // ours by ownerReference, but not a pod this controller would name
        } else {
          groups.computeIfAbsent(g.getAsInt(), k -> new ArrayList<>()).add(pod);
        }
      }
      int desired = replicas(ms.getSpec().getReplicas());
      // During a rolling update with maxSurge, up to that many extra groups (ordinals from
      // replicas on) run the new template; once every group is updated they go again.
      int surge;
      if (naming.leaderWorkerSet() && !roleRollout) {
        lwsStep = lwsRolloutStep(groups, desired);
        surge = Math.max(0, lwsStep.replicas() - desired);
      } else {
        surge = roleRollout ? 0 : surgeGroups(groups, desired);
      }
      Set<Integer> kept;
      if (naming.leaderWorkerSet()) {
        // StatefulSet semantics: exactly the indices 0..n-1, whatever else exists.
        kept = new TreeSet<>();
        for (int g = 0; g < desired + surge; g++) {
          kept.add(g);
        }
      } else {
        kept = keep(groups, desired + surge, this::groupScore, "serving group");
      }
      for (var entry : groups.entrySet()) {
        if (!kept.contains(entry.getKey())) {
          notes.add(new Plan.Note(
              "ServingGroupDeleted", "deleting serving group " + PodNames.group(msName, entry.getKey()), false));
          entry.getValue().forEach(this::delete);
        }
      }
      for (int g : kept) {
        planGroup(g, groups.getOrDefault(g, List.of()));
      }
      planRollingUpdate(groups, kept, desired, surge);
      List<Service> servicesToDelete =
          services.stream()
              .filter(s -> s.getMetadata().getDeletionTimestamp() == null)
              .filter(s -> !wantedServices.contains(s.getMetadata().getName()))
              .toList();
      Set<String> existingServices = new TreeSet<>();
      services.forEach(s -> existingServices.add(s.getMetadata().getName()));
      servicesToCreate.removeIf(s -> existingServices.contains(s.getMetadata().getName()));
      Optional<Duration> requeue =
          Optional.ofNullable(nextLook).map(t -> Duration.between(now, t)).map(d -> d.isNegative() ? Duration.ZERO : d);
      return new Plan(List.copyOf(toCreate), List.copyOf(toDelete.values()), List.copyOf(servicesToCreate), servicesToDelete, requeue, List.copyOf(notes),
          Optional.ofNullable(lwsStep));
    }

    /**
     * Rolling update, delete-then-recreate (the refill of a later pass builds the new template).
     * ServingGroupRollingUpdate replaces whole outdated groups with an ordinal at or above the
     * partition, the highest ordinal (and not-ready ones) first, while at most maxUnavailable
     * groups are not ready. RoleRollingUpdate replaces outdated role replicas the same way, with
     * each role's maxUnavailable and partition, inside every group. A pod is outdated when its
     * role-template-hash differs from its role's current one.
     */
    private int surgeLimit(int desired) {
      var strategy = ms.getSpec().getRolloutStrategy();
      var config = strategy == null ? null : strategy.getRollingUpdateConfiguration();
      return Math.min(desired, resolve(config == null ? null : config.getMaxSurge(), desired, true, 0));
    }

    private int partitionOrdinal(int desired) {
      if (lwsStep != null) {
        return lwsStep.partition();
      }
      var strategy = ms.getSpec().getRolloutStrategy();
      var config = strategy == null ? null : strategy.getRollingUpdateConfiguration();
      return roleRollout ? 0 : resolve(config == null ? null : config.getPartition(), desired, true, 0);
    }

    private static io.fabric8.kubernetes.api.model.IntOrString orDefault(io.fabric8.kubernetes.api.model.IntOrString value, int fallback) {
      return value == null ? new io.fabric8.kubernetes.api.model.IntOrString(fallback) : value;
    }

    /** Upstream LWS's rolling-update arithmetic (LwsRollout) fed with this pass's groups. */
    private LwsRollout.Result lwsRolloutStep(Map<Integer, List<Pod>> groups, int desired) {
      var status = ms.getStatus();
      var strategy = ms.getSpec().getRolloutStrategy();
      var config = strategy == null ? null : strategy.getRollingUpdateConfiguration();
      int currentGroups = groups.isEmpty() ? 0 : ((TreeMap<Integer, List<Pod>>) groups).lastKey() + 1;
      List<LwsRollout.GroupState> states = new ArrayList<>();
      for (int g = 0; g < currentGroups; g++) {
        List<Pod> live = groups.getOrDefault(g, List.of()).stream().filter(p -> !PodHealth.isTerminating(p)).toList();
        boolean exists = !live.isEmpty();
        states.add(new LwsRollout.GroupState(exists, exists && groupReady(g, live), exists && live.stream().noneMatch(this::outdated)));
      }
      int currentPartition = status == null || status.getRolloutPartition() == null ? 0 : status.getRolloutPartition();
      // Groups adopted from the upstream LWS controller that run another template start a rollout
      // as a template change would (the ModelServing has no status yet).
      boolean templateChanged = status != null && status.getUpdateRevision() != null && !status.getUpdateRevision().equals(revision)
          || status == null && states.stream().anyMatch(s -> s.exists() && !s.updated());
      boolean replicasChanged = status != null && status.getRolloutReplicas() != null && status.getRolloutReplicas() != desired;
      int specPartition = config == null || config.getPartition() == null ? 0
          : resolve(config.getPartition(), desired, true, 0);
      LwsRollout.Result step = LwsRollout.plan(new LwsRollout.Input(desired, currentGroups, currentPartition, specPartition,
          orDefault(config == null ? null : config.getMaxUnavailable(), 1), orDefault(config == null ? null : config.getMaxSurge(), 0),
          templateChanged, replicasChanged, states));
      if (step.partition() != currentPartition || templateChanged || replicasChanged) {
        // The step is kept in our own status write, which brings no event: look again soon.
        lookAgainAt(now.plusMillis(200));
      }
      return step;
    }

    /** The template a role replica is built from, and the revision labels its pods carry. */
    private record Template(Role role, String revision, String roleHash) {}

    /**
     * A role replica is rebuilt from its own revision: missing pods of a replica whose pods run an
     * older template (kept by the partition or not reached by the rollout yet) are created from
     * that template, found in the stored revisions. A group created from nothing below the
     * partition gets the current revision (status.currentRevision); everything else the new one.
     */
    private Template templateFor(int g, Role role, List<Pod> pods, List<Pod> groupPods) {
      Template current = new Template(role, revision, roleHashes.get(role.getName()));
      Set<String> hashes = new TreeSet<>();
      Set<String> revs = new TreeSet<>();
      for (Pod p : pods) {
        if (!PodHealth.isTerminating(p)) {
          hashes.add(String.valueOf(label(p, Labels.ROLE_TEMPLATE_HASH)));
          revs.add(String.valueOf(label(p, Labels.REVISION)));
        }
      }
      if (hashes.size() == 1 && revs.size() == 1 && !revs.contains(revision)) {
        String oldRevision = revs.iterator().next();
        String oldHash = hashes.iterator().next();
        Optional<Role> old = knownRevisions.getOrDefault(oldRevision, List.of()).stream()
            .filter(r -> r.getName().equals(role.getName())).findFirst();
        if (old.isPresent() && Revisions.ofRole(old.get()).equals(oldHash)) {
          return new Template(old.get(), oldRevision, oldHash);
        }
        return current;
      }
      String stored = ms.getStatus() == null ? null : ms.getStatus().getCurrentRevision();
      if (groupPods.isEmpty() && stored != null && !stored.equals(revision) && g < partitionOrdinal(replicas(ms.getSpec().getReplicas()))) {
        Optional<Role> old = knownRevisions.getOrDefault(stored, List.of()).stream()
            .filter(r -> r.getName().equals(role.getName())).findFirst();
        if (old.isPresent()) {
          return new Template(old.get(), stored, Revisions.ofRole(old.get()));
        }
      }
      return current;
    }

    /**
     * Extra groups to keep: one per outdated desired group, up to maxSurge; after the last one is
     * replaced, the surge stays until every desired group is ready again, then goes.
     */
    private int surgeGroups(Map<Integer, List<Pod>> groups, int desired) {
      int limit = surgeLimit(desired);
      if (limit == 0) {
        return 0;
      }
      int outdated = outdatedEligible(groups, desired);
      if (outdated > 0) {
        return Math.min(limit, outdated);
      }
      long above = groups.keySet().stream().filter(g -> g >= desired).count();
      boolean settling = false;
      for (int g = 0; g < desired; g++) {
        List<Pod> pods = groups.getOrDefault(g, List.of());
        if (pods.isEmpty() || !groupReady(g, pods)) {
          settling = true;
        }
      }
      return settling ? (int) Math.min(limit, above) : 0;
    }

    /** Desired groups (below replicas, at or above the partition) still running an old template. */
    private int outdatedEligible(Map<Integer, List<Pod>> groups, int desired) {
      int partition = partitionOrdinal(desired);
      int count = 0;
      for (var e : groups.entrySet()) {
        if (e.getKey() >= partition && e.getKey() < desired
            && e.getValue().stream().anyMatch(p -> !PodHealth.isTerminating(p) && outdated(p))) {
          count++;
        }
      }
      return count;
    }

    private void planRollingUpdate(Map<Integer, List<Pod>> groups, Set<Integer> kept, int desired, int surge) {
      var strategy = ms.getSpec().getRolloutStrategy();
      if (roleRollout) {
        for (int g : kept) {
          List<Pod> groupPods = groups.getOrDefault(g, List.of());
          for (Role role : roles) {
            Map<Integer, List<Pod>> replicas = new TreeMap<>();
            for (Pod p : groupPods) {
              if (role.getName().equals(label(p, Labels.ROLE))) {
                PodNames.ordinalAfter(role.getName(), label(p, Labels.ROLE_ID)).ifPresent(r -> replicas.computeIfAbsent(r, k -> new ArrayList<>()).add(p));
              }
            }
            int roleReplicas = replicas(role.getReplicas());
            int maxUnavailable = resolve(role.getMaxUnavailable(), roleReplicas, false, 1);
            int partition = resolve(role.getPartition(), roleReplicas, true, 0);
            replaceOutdated(replicas, roleReplicas, maxUnavailable, partition, pods -> rolePodsReady(role, pods),
                r -> "role replica " + PodNames.roleId(role.getName(), r) + " of serving group " + PodNames.group(msName, g));
          }
        }
        return;
      }
      var config = strategy == null ? null : strategy.getRollingUpdateConfiguration();
      if (lwsStep != null) {
        // As the leader StatefulSet would: outdated groups at or above the partition go, highest
        // first, while fewer than max(1, maxUnavailable + maxSurge) groups are unavailable.
        Map<Integer, List<Pod>> units = new TreeMap<>();
        kept.forEach(g -> units.put(g, groups.getOrDefault(g, List.of())));
        int limit = LwsRollout.statefulSetMaxUnavailable(desired, orDefault(config == null ? null : config.getMaxUnavailable(), 1), orDefault(config == null ? null : config.getMaxSurge(), 0));
        replaceOutdated(units, units.size(), limit, lwsStep.partition(), pods -> pods.isEmpty() ? false : groupReadyByPods(pods),
            g -> "serving group " + PodNames.group(msName, g));
        return;
      }
      int maxUnavailable = resolve(config == null ? null : config.getMaxUnavailable(), desired, false, 1);
      if (surge > 0 && config != null && config.getMaxUnavailable() != null) {
        // With a surge, an explicit 0 (or a percentage rounding to 0) means: never fewer ready groups.
        maxUnavailable = dev.modelserving.controller.validation.IntOrPercent.parse(config.getMaxUnavailable())
            .map(v -> v.scale(desired, dev.modelserving.controller.validation.IntOrPercent.Rounding.DOWN)).orElse(maxUnavailable);
      }
      int partition = partitionOrdinal(desired);
      Map<Integer, List<Pod>> keptGroups = new TreeMap<>();
      kept.forEach(g -> keptGroups.put(g, groups.getOrDefault(g, List.of())));
      // Ready surge groups stand in for groups being replaced.
      int readySurge = (int) kept.stream().filter(g -> g >= desired)
          .filter(g -> !groups.getOrDefault(g, List.of()).isEmpty() && groupReadyByPods(groups.get(g))).count();
      Map<Integer, List<Pod>> desiredGroups = new TreeMap<>(keptGroups);
      desiredGroups.keySet().removeIf(g -> g >= desired);
      replaceOutdated(desiredGroups, desired, maxUnavailable + readySurge, partition, pods -> pods.isEmpty() ? false : groupReadyByPods(pods),
          g -> "serving group " + PodNames.group(msName, g));
    }

    private void replaceOutdated(Map<Integer, List<Pod>> units, int desired, int maxUnavailable, int partition,
        java.util.function.Predicate<List<Pod>> ready, java.util.function.IntFunction<String> describe) {
      int unavailable = Math.max(0, desired - units.size());
      List<Integer> outdated = new ArrayList<>();
      Set<Integer> readyUnits = new TreeSet<>(); // readiness is computed once per unit and pass
      for (var e : units.entrySet()) {
        List<Pod> live = e.getValue().stream().filter(p -> !PodHealth.isTerminating(p) && !toDelete.containsKey(p.getMetadata().getName())).toList();
        boolean busy = live.size() < e.getValue().size();
        if (!busy && !live.isEmpty() && ready.test(live)) {
          readyUnits.add(e.getKey());
        } else {
          unavailable++;
        }
        if (!busy && e.getKey() >= partition && live.stream().anyMatch(this::outdated)) {
          outdated.add(e.getKey());
        }
      }
      int budget = maxUnavailable - unavailable;
      // Not-ready outdated units first (replacing them costs no availability), then highest ordinal.
      outdated.sort(Comparator.<Integer, Boolean>comparing(readyUnits::contains).thenComparing(Comparator.reverseOrder()));
      for (int o : outdated) {
        boolean wasReady = readyUnits.contains(o);
        if (wasReady && budget <= 0) {
          break;
        }
        notes.add(new Plan.Note("RollingUpdate", "replacing outdated " + describe.apply(o), false));
        units.get(o).forEach(this::delete);
        Set<String> replaced = new TreeSet<>();
        units.get(o).forEach(p -> replaced.add(p.getMetadata().getName()));
        toCreate.removeIf(p -> replaced.contains(p.getMetadata().getName()));
        if (wasReady) {
          budget--;
        }
      }
    }

    /**
     * A pod built from an older template: of its role (role rollouts), or of the whole group
     * (group rollouts, where also a change of role order or names counts).
     */
    private boolean outdated(Pod pod) {
      String hash = roleHashes.get(label(pod, Labels.ROLE));
      boolean roleOutdated = hash != null && !hash.equals(label(pod, Labels.ROLE_TEMPLATE_HASH));
      return roleOutdated || !roleRollout && !revision.equals(label(pod, Labels.REVISION));
    }

    private boolean groupReadyByPods(List<Pod> pods) {
      int g = PodNames.ordinalAfter(msName, label(pods.get(0), Labels.GROUP_NAME)).orElse(-1);
      return groupReady(g, pods);
    }

    private boolean rolePodsReady(Role role, List<Pod> pods) {
      return pods.size() >= ServingGroupPods.groupSize(role) && pods.stream().allMatch(PodHealth::isReady);
    }

    private static int resolve(io.fabric8.kubernetes.api.model.IntOrString value, int total, boolean roundUp, int fallback) {
      if (value == null) {
        return fallback;
      }
      return dev.modelserving.controller.validation.IntOrPercent.parse(value)
          .map(v -> v.scale(total, roundUp ? dev.modelserving.controller.validation.IntOrPercent.Rounding.UP : dev.modelserving.controller.validation.IntOrPercent.Rounding.DOWN))
          .map(v -> roundUp ? v : Math.max(1, v))
          .orElse(fallback);
    }

    private void planGroup(int g, List<Pod> groupPods) {
      Map<String, Map<Integer, List<Pod>>> byRole = new HashMap<>();
      for (Pod pod : groupPods) {
        String roleName = label(pod, Labels.ROLE);
        Optional<Role> role = roles.stream().filter(r -> r.getName().equals(roleName)).findFirst();
        OptionalInt r = role.isEmpty() ? OptionalInt.empty() : PodNames.ordinalAfter(roleName, label(pod, Labels.ROLE_ID));
        if (r.isEmpty()) {
          delete(pod); // a role removed from the spec, or an unreadable role id
          continue;
        }
        byRole.computeIfAbsent(roleName, k -> new TreeMap<>()).computeIfAbsent(r.getAsInt(), k -> new ArrayList<>()).add(pod);
      }
      boolean groupIsNew = groupPods.isEmpty();
      Instant recreateGroupBefore = null;
      List<Pod> groupCreates = new ArrayList<>();
      for (Role role : roles) {
        Map<Integer, List<Pod>> replicas = byRole.getOrDefault(role.getName(), Map.of());
        int desired = replicas(role.getReplicas());
        Set<Integer> keptReplicas = keep(replicas, desired, this::roleReplicaScore, "role replica");
        for (var entry : replicas.entrySet()) {
          if (!keptReplicas.contains(entry.getKey())) {
            notes.add(new Plan.Note("RoleDeleted", "deleting role replica " + PodNames.roleId(role.getName(), entry.getKey())
                + " of serving group " + PodNames.group(msName, g), false));
            entry.getValue().forEach(this::delete);
          }
        }
        for (int r : keptReplicas) {
          List<Pod> pods = replicas.getOrDefault(r, List.of());
          Template template = templateFor(g, role, pods, groupPods);
          Instant groupTrigger = planRoleReplica(g, template, r, pods, groupPods, groupCreates);
          if (groupTrigger != null && (recreateGroupBefore == null || groupTrigger.isAfter(recreateGroupBefore))) {
            recreateGroupBefore = groupTrigger;
          }
          if (ServingGroupPods.wantsHeadlessService(ms, role)) {
            Service svc = ServingGroupPods.buildHeadlessService(ms, g, role.getName(), r);
            if (wantedServices.add(svc.getMetadata().getName())) {
              servicesToCreate.add(svc); // a Shared Service is wanted by every group, created once
            }
          }
        }
      }
      if (recreateGroupBefore != null) {
        Instant cutoff = recreateGroupBefore;
        groupPods.stream().filter(p -> !PodHealth.createdAt(p).isAfter(cutoff)).forEach(this::delete);
        return; // nothing is created in a group that is being rebuilt
      }
      if (groupIsNew && !groupCreates.isEmpty()) {
        notes.add(new Plan.Note("ServingGroupCreated", "creating serving group " + PodNames.group(msName, g), false));
      }
      toCreate.addAll(groupCreates);
    }

    /**
     * Plans one role replica: recovery, removal of pods it should not have, and refill. Returns the
     * time before which the whole group's pods must go ({@code ServingGroupRecreate}), or null.
     */
    private Instant planRoleReplica(int g, Template template, int r, List<Pod> pods, List<Pod> groupPods, List<Pod> creates) {
      Role role = template.role();
      String roleId = PodNames.roleId(role.getName(), r);
      String where = "role replica " + roleId + " of serving group " + PodNames.group(msName, g);
      int size = ServingGroupPods.groupSize(role);
      Map<String, Integer> expected = new LinkedHashMap<>();
      for (int w = 0; w < size; w++) {
        expected.put(naming.pod(g, role.getName(), r, w), w);
      }
      for (Pod pod : pods) {
        if (!expected.containsKey(pod.getMetadata().getName())) {
          delete(pod); // e.g. workerReplicas was lowered
        }
      }

      // Recovery: the newest trigger wins; pods created before it are rebuilt.
      Instant trigger = null;
      String cause = null;
      boolean starting = pods.size() < size || pods.stream().anyMatch(p -> p.getStatus() == null || "Pending".equals(p.getStatus().getPhase()));
      boolean watchFailures = recovery != RecoveryPolicy.None && !(restartAfterStart && starting);
      if (recovery != RecoveryPolicy.None) {
        for (Pod pod : pods) {
          boolean failed = PodHealth.isFailed(pod) || (restartCounts && PodHealth.hasRestarted(pod));
          if (!watchFailures || !failed) {
            continue;
          }
          Instant due = PodHealth.failedSince(pod).plus(grace);
          if (due.isAfter(now)) {
            lookAgainAt(due);
          } else if (trigger == null || now.isAfter(trigger)) {
            trigger = now;
            cause = "pod " + pod.getMetadata().getName() + " failed";
          }
        }
        for (Disruption d : disruptions) {
          // ServingGroupRecreate rebuilds the group while any of its pods predates the loss, even
          // when the whole role replica is gone; RoleRecreate looks at the role replica only.
          List<Pod> scope = recovery == RecoveryPolicy.ServingGroupRecreate ? groupPods : pods;
          if (d.group() == g && d.role().equals(role.getName()) && d.roleOrdinal() == r) {
            boolean olderPodsLeft = scope.stream().anyMatch(p -> PodHealth.createdAt(p).isBefore(d.at()) && !PodHealth.isTerminating(p));
            if (olderPodsLeft && (trigger == null || d.at().isAfter(trigger))) {
              trigger = d.at();
              cause = "pod " + d.podName() + " was deleted";
            }
          }
        }
      }
      if (trigger != null) {
        if (recovery == RecoveryPolicy.ServingGroupRecreate) {
          notes.add(new Plan.Note("RecreatingServingGroup", cause + ": recreating serving group " + PodNames.group(msName, g), false));
          return trigger;
        }
        Instant cutoff = trigger;
        notes.add(new Plan.Note("RecreatingRole", cause + ": recreating " + where, false));
        pods.stream().filter(p -> !PodHealth.createdAt(p).isAfter(cutoff)).forEach(this::delete);
      }

      // Refill, once every old pod of the replica is gone (their names must be free).
      Map<Integer, Pod> present = new TreeMap<>();
      for (Pod pod : pods) {
        Integer w = expected.get(pod.getMetadata().getName());
        if (w != null) {
          present.put(w, pod);
        }
      }
      boolean busy = pods.stream().anyMatch(p -> PodHealth.isTerminating(p) || toDelete.containsKey(p.getMetadata().getName()));
      if (busy) {
        return null;
      }
      Pod entry = present.get(0);
      boolean entryReady = entry != null && PodHealth.isReady(entry);
      for (int w = 0; w < size; w++) {
        if (present.containsKey(w)) {
          continue;
        }
        if (w > 0 && workersWaitForEntry && !entryReady) {
          break; // created when the entry pod reports Ready (its status change triggers a pass)
        }
        if (w > 0 && role.getWorkerTemplate() == null) {
          break; // invalid spec (the reconciler reports it); Kthena creates the entry pod only
        }
        creates.add(ServingGroupPods.buildPod(ms, role, new Position(g, role.getName(), r, w), template.revision(), template.roleHash()));
      }
      return null;
    }

    /**
     * Which of the existing ordinals to keep, plus the lowest missing ordinals to add, so that
     * {@code desired} remain. Surplus goes lowest score first.
     */
    private <T> Set<Integer> keep(Map<Integer, T> existing, int desired, java.util.function.ToLongFunction<Map.Entry<Integer, T>> readyFirstScore, String what) {
      Set<Integer> kept = new TreeSet<>(existing.keySet());
      if (kept.size() > desired) {
        List<Map.Entry<Integer, T>> ranked = new ArrayList<>(existing.entrySet());
        ranked.sort(Comparator.<Map.Entry<Integer, T>>comparingLong(readyFirstScore).thenComparing(Map.Entry::getKey, Comparator.reverseOrder()));
        for (int i = 0; i < ranked.size() - desired; i++) {
          kept.remove(ranked.get(i).getKey());
        }
      }
      for (int o = 0; kept.size() < desired; o++) {
        kept.add(o);
      }
      return kept;
    }

    /** Scale-down rank of a group: not-ready groups sort first, then by summed deletion cost. */
    private long groupScore(Map.Entry<Integer, List<Pod>> group) {
      if (naming.leaderWorkerSet()) {
        return 0; // as a StatefulSet: the highest group indices go, so indices stay 0..replicas-1
      }
      return rank(groupReady(group.getKey(), group.getValue()), group.getValue());
    }

    private long roleReplicaScore(Map.Entry<Integer, List<Pod>> replica) {
      boolean ready = !replica.getValue().isEmpty() && replica.getValue().stream().allMatch(PodHealth::isReady);
      return rank(ready, replica.getValue());
    }

    private static long rank(boolean ready, List<Pod> pods) {
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

    /** Every desired role replica of the group has all its pods Ready. */
    private boolean groupReady(int g, List<Pod> pods) {
      Set<String> ready = new TreeSet<>();
      pods.stream().filter(PodHealth::isReady).forEach(p -> ready.add(p.getMetadata().getName()));
      for (Role role : roles) {
        for (int r = 0; r < replicas(role.getReplicas()); r++) {
          for (int w = 0; w < ServingGroupPods.groupSize(role); w++) {
            if (!ready.contains(naming.pod(g, role.getName(), r, w))) {
              return false;
            }
          }
        }
      }
      return true;
    }

    private void delete(Pod pod) {
      if (!PodHealth.isTerminating(pod)) {
        toDelete.putIfAbsent(pod.getMetadata().getName(), pod);
      }
    }

    private void lookAgainAt(Instant t) {
      if (nextLook == null || t.isBefore(nextLook)) {
        nextLook = t;
      }
    }
  }

  static int replicas(Integer value) {
    return value == null ? 1 : Math.max(0, value);
  }

  static String label(Pod pod, String key) {
    var labels = pod.getMetadata().getLabels();
    return labels == null ? null : labels.get(key);
  }
}
