package dev.modelserving.controller.plan;

import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Annotations;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Labels;
import dev.modelserving.api.v1alpha1.RecoveryPolicy;
import dev.modelserving.api.v1alpha1.Role;
import dev.modelserving.api.v1alpha1.RollingUpdateConfiguration;
import dev.modelserving.api.v1alpha1.RolloutStrategy;
import dev.modelserving.controller.podgen.PodNames;
import dev.modelserving.controller.podgen.PodNaming;
import dev.modelserving.controller.podgen.ServingGroupPods;
import dev.modelserving.controller.validation.IntOrPercent;
import dev.modelserving.controller.validation.IntOrPercent.Rounding;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * What every planning policy reads: the planner's input and what follows from the spec, computed
 * once per pass. Immutable; the policies share it instead of each re-reading the spec.
 *
 * @param in the planner's input
 * @param revision the current revision of the whole template (the {@code revision} label)
 * @param roleHashes each role's current {@code role-template-hash}
 * @param naming Kthena's or LeaderWorkerSet's pod names
 * @param replicas spec.replicas, defaulted (the desired serving groups)
 * @param recovery spec.recoveryPolicy, defaulted to {@code RoleRecreate}
 * @param grace restartGracePeriodSeconds: how long a failed pod may stay before recovery acts
 * @param workersWaitForEntry startup policy {@code WorkersAfterEntryReady}
 * @param restartCounts LWS restart policies: any container restart counts as a failure, even once
 *     Ready again
 * @param restartAfterStart LWS {@code RecreateGroupAfterStart}: failures of a role replica that is
 *     still starting are ignored
 * @param roleRollout rollout type {@code RoleRollingUpdate}
 * @param rollingUpdate spec.rolloutStrategy.rollingUpdateConfiguration, or null
 */
record PlanContext(
    ServingGroupPlanner.Input in,
    String revision,
    Map<String, String> roleHashes,
    PodNaming naming,
    int replicas,
    RecoveryPolicy recovery,
    Duration grace,
    boolean workersWaitForEntry,
    boolean restartCounts,
    boolean restartAfterStart,
    boolean roleRollout,
    RollingUpdateConfiguration rollingUpdate) {

  static PlanContext of(ServingGroupPlanner.Input in) {
    ModelServing ms = in.ms();
    RecoveryPolicy recovery =
        ms.getSpec().getRecoveryPolicy() == null
            ? RecoveryPolicy.RoleRecreate
            : ms.getSpec().getRecoveryPolicy();
    Long graceSeconds = ms.getSpec().getTemplate().getRestartGracePeriodSeconds();
    Map<String, String> annotations =
        ms.getMetadata().getAnnotations() == null ? Map.of() : ms.getMetadata().getAnnotations();
    String restartPolicy = annotations.get(Annotations.RESTART_POLICY);
    boolean restartAfterStart = Annotations.RESTART_AFTER_START.equals(restartPolicy);
    RolloutStrategy strategy = ms.getSpec().getRolloutStrategy();
    return new PlanContext(
        in,
        in.hashes().revision(),
        in.hashes().roleHashes(),
        PodNaming.of(ms),
        replicas(ms.getSpec().getReplicas()),
        recovery,
        Duration.ofSeconds(graceSeconds == null ? 0 : Math.max(0, graceSeconds)),
        Annotations.WORKERS_AFTER_ENTRY_READY.equals(annotations.get(Annotations.STARTUP_POLICY)),
        restartAfterStart || Annotations.RESTART_ANY.equals(restartPolicy),
        restartAfterStart,
        strategy != null && strategy.getType() == RolloutStrategy.Type.RoleRollingUpdate,
        strategy == null ? null : strategy.getRollingUpdateConfiguration());
  }

  ModelServing ms() {
    return in.ms();
  }

  String msName() {
    return in.ms().getMetadata().getName();
  }

  Instant now() {
    return in.now();
  }

  List<Role> roles() {
    return in.ms().getSpec().getTemplate().getRoles();
  }

  String groupName(int g) {
    return PodNames.group(msName(), g);
  }

  /** The rolling-update field {@code get} reads, or null when there is no configuration. */
  IntOrString rollingUpdate(Function<RollingUpdateConfiguration, IntOrString> get) {
    return rollingUpdate == null ? null : get.apply(rollingUpdate);
  }

  /**
   * A pod built from an older template: of its role (role rollouts), or of the whole group (group
   * rollouts, where also a change of role order or names counts).
   */
  boolean outdated(Pod pod) {
    String hash = roleHashes.get(label(pod, Labels.ROLE));
    boolean roleOutdated = hash != null && !hash.equals(label(pod, Labels.ROLE_TEMPLATE_HASH));
    return roleOutdated || !roleRollout && !revision.equals(label(pod, Labels.REVISION));
  }

  /** Every desired role replica of group {@code g} has all its pods Ready. */
  boolean groupReady(int g, List<Pod> pods) {
    Set<String> ready = new TreeSet<>();
    pods.stream().filter(PodHealth::isReady).forEach(p -> ready.add(p.getMetadata().getName()));
    for (Role role : roles()) {
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

  /** A replica count as the spec means it: unset is 1, negative is 0. */
  static int replicas(Integer value) {
    return value == null ? 1 : Math.max(0, value);
  }

  static String label(Pod pod, String key) {
    var labels = pod.getMetadata().getLabels();
    return labels == null ? null : labels.get(key);
  }

  /**
   * An int-or-percent of {@code total}: rounded up (partition, maxSurge), or down but at least 1
   * (maxUnavailable); {@code fallback} when unset or unreadable.
   */
  static int resolve(IntOrString value, int total, boolean roundUp, int fallback) {
    if (value == null) {
      return fallback;
    }
    return IntOrPercent.parse(value)
        .map(v -> v.scale(total, roundUp ? Rounding.UP : Rounding.DOWN))
        .map(v -> roundUp ? v : Math.max(1, v))
        .orElse(fallback);
  }
}
