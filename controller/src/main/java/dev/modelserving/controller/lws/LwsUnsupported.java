package dev.modelserving.controller.lws;

import static dev.modelserving.controller.lws.Violations.quote;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.lws.v1.LeaderWorkerTemplate;
import dev.modelserving.api.lws.v1.RollingUpdateConfiguration;
import dev.modelserving.controller.validation.IntOrPercent;
import dev.modelserving.controller.validation.IntOrPercent.Rounding;
import dev.modelserving.controller.validation.NameRules;
import dev.modelserving.controller.validation.Violation;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.util.List;

/**
 * Our own "cannot honour" checks, not upstream rules: things upstream's webhook admits but that
 * this controller could not turn into running pods. Runs on a defaulted object.
 */
final class LwsUnsupported {
  private static final String WORKER_TEMPLATE = LwsValidator.TEMPLATE + ".workerTemplate";
  private static final String LEADER_TEMPLATE = LwsValidator.TEMPLATE + ".leaderTemplate";

  private LwsUnsupported() {}

  static List<Violation> check(LeaderWorkerSet lws) {
    Violations violations = new Violations();
    LeaderWorkerTemplate template = lws.getSpec().getLeaderWorkerTemplate();
    if (template != null) {
      checkTemplates(template, violations);
      checkPodNameLength(lws, template, violations);
    }
    checkGroupIdentity(lws, violations);
    return violations.toList();
  }

  // A newer CRD's Hash mode runs leaders under a Deployment with hashed group names: a different
  // workload from the one built here, so it is refused rather than silently run as Ordinal.
  private static void checkGroupIdentity(LeaderWorkerSet lws, Violations violations) {
    Object identity = LwsUnknownFields.groupIdentity(lws);
    if (identity != null && !LwsUnknownFields.GROUP_IDENTITY_ORDINAL.equals(identity)) {
      violations.add(
          "spec." + LwsUnknownFields.GROUP_IDENTITY,
          "%s is not supported: this controller gives groups ordinal identities (pods %s-<index>);"
              + " remove the field or set it to %s",
          quote(String.valueOf(identity)),
          lws.getMetadata() == null ? "<name>" : lws.getMetadata().getName(),
          LwsUnknownFields.GROUP_IDENTITY_ORDINAL);
    }
  }

  // The API server rejects pods without containers, so no group could ever start.
  private static void checkTemplates(LeaderWorkerTemplate template, Violations violations) {
    boolean ownLeaderTemplate = template.getLeaderTemplate() != null;
    String workerPods = ownLeaderTemplate ? "the worker pods" : "the leader and worker pods";
    if (template.getWorkerTemplate() == null) {
      violations.add(
          WORKER_TEMPLATE, "workerTemplate is required: %s are created from it", workerPods);
    } else if (hasNoContainers(template.getWorkerTemplate())) {
      violations.add(
          WORKER_TEMPLATE + ".spec.containers",
          "must list at least one container: %s are created from this template and the API server"
              + " rejects pods without containers",
          workerPods);
    }
    if (ownLeaderTemplate && hasNoContainers(template.getLeaderTemplate())) {
      violations.add(
          LEADER_TEMPLATE + ".spec.containers",
          "must list at least one container: the leader pods are created from this template and"
              + " the API server rejects pods without containers; remove leaderTemplate to use"
              + " workerTemplate for the leaders");
    }
  }

  private static boolean hasNoContainers(PodTemplateSpec template) {
    return template.getSpec() == null
        || template.getSpec().getContainers() == null
        || template.getSpec().getContainers().isEmpty();
  }

  // A pod's name is its hostname, which may have at most 63 characters.
  private static void checkPodNameLength(
      LeaderWorkerSet lws, LeaderWorkerTemplate template, Violations violations) {
    String name = lws.getMetadata() == null ? null : lws.getMetadata().getName();
    int replicas = lws.getSpec().getReplicas();
    int size = template.getSize();
    // Missing names and negative counts are the validator's to report.
    if (name == null || name.isEmpty() || replicas < 0 || size < 1) {
      return;
    }
    int surge = surge(lws, replicas);
    // Even with 0 replicas, group 0 is what a scale-up creates first.
    long lastGroup = Math.max((long) replicas + surge - 1, 0);
    String longest = size > 1 ? name + "-" + lastGroup + "-" + (size - 1) : name + "-" + lastGroup;
    int excess = longest.length() - NameRules.MAX_DNS_LABEL_LENGTH;
    if (excess <= 0) {
      return;
    }
    String pattern =
        size > 1
            ? String.format(
                "<metadata.name>-<group>-<worker>; the last group is %d (replicas %d, maxSurge %d),"
                    + " the last worker %d (size - 1)",
                lastGroup, replicas, surge, size - 1)
            : String.format(
                "<metadata.name>-<group>; the last group is %d (replicas %d, maxSurge %d)",
                lastGroup, replicas, surge);
    violations.add(
        LwsValidator.NAME,
        "the longest pod name %s would have %d characters, %d more than the %d allowed in a pod"
            + " hostname (pods are named %s); shorten metadata.name by %d character%s",
        quote(longest),
        longest.length(),
        excess,
        NameRules.MAX_DNS_LABEL_LENGTH,
        pattern,
        excess,
        excess == 1 ? "" : "s");
  }

  /** Surge groups as the rollout creates them: maxSurge of replicas rounded up, <= replicas. */
  private static int surge(LeaderWorkerSet lws, int replicas) {
    RollingUpdateConfiguration config =
        lws.getSpec().getRolloutStrategy().getRollingUpdateConfiguration();
    return IntOrPercent.parse(config.getMaxSurge())
        .filter(IntOrPercent::isInRange)
        .map(value -> Math.min(value.scale(replicas, Rounding.UP), replicas))
        .orElse(0);
  }
}
