package dev.modelserving.controller.lws;

import static dev.modelserving.controller.lws.Violations.quote;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.lws.v1.LeaderWorkerSetSpec;
import dev.modelserving.api.lws.v1.LeaderWorkerTemplate;
import dev.modelserving.api.lws.v1.LwsKeys;
import dev.modelserving.api.lws.v1.RollingUpdateConfiguration;
import dev.modelserving.api.lws.v1.SubGroupPolicy;
import dev.modelserving.api.lws.v1.SubGroupPolicyType;
import dev.modelserving.controller.validation.IntOrPercent;
import dev.modelserving.controller.validation.IntOrPercent.Rounding;
import dev.modelserving.controller.validation.NameRules;
import dev.modelserving.controller.validation.Violation;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks a LeaderWorkerSet against every rule of upstream's validating webhook {@code
 * vleaderworkerset.kb.io} (LWS.md §1.9), which is not installed here. Callers pass the object
 * defaulted ({@link DefaultedLeaderWorkerSet}), as upstream's mutating webhook would have left it;
 * the overloads for an object as stored default it first. All violations are collected, none stops
 * the others.
 */
public final class LwsValidator {
  static final int MAX_REPLICAS = 1_000_000;

  static final String NAME = "metadata.name";
  static final String REPLICAS = "spec.replicas";
  static final String TEMPLATE = "spec.leaderWorkerTemplate";
  static final String SIZE = TEMPLATE + ".size";
  static final String SUB_GROUP_POLICY = TEMPLATE + ".subGroupPolicy";
  static final String SUB_GROUP_SIZE = SUB_GROUP_POLICY + ".subGroupSize";
  static final String ROLLING_UPDATE = "spec.rolloutStrategy.rollingUpdateConfiguration";
  static final String MAX_UNAVAILABLE = ROLLING_UPDATE + ".maxUnavailable";
  static final String MAX_SURGE = ROLLING_UPDATE + ".maxSurge";
  static final String PARTITION = ROLLING_UPDATE + ".partition";
  static final String SUBGROUP_EXCLUSIVE_ANNOTATION =
      "metadata.annotations[" + LwsKeys.Annotations.SUBGROUP_EXCLUSIVE_TOPOLOGY + "]";

  private static final String INT_OR_PERCENT_ALLOWED =
      "use an integer >= 0 or a percentage from 0% to 100%";

  private final LeaderWorkerSet lws;
  private final LeaderWorkerSetSpec spec;
  private final LeaderWorkerTemplate template;
  private final Violations violations = new Violations();

  private LwsValidator(LeaderWorkerSet defaulted) {
    this.lws = defaulted;
    this.spec = defaulted.getSpec();
    this.template = spec.getLeaderWorkerTemplate();
  }

  /** Every violation of {@code lws} (raw, as stored) in upstream's order; empty when valid. */
  public static List<Violation> validate(LeaderWorkerSet lws) {
    return validate(DefaultedLeaderWorkerSet.of(lws));
  }

  /** Every violation of {@code lws} in upstream's order; empty when valid. */
  public static List<Violation> validate(DefaultedLeaderWorkerSet lws) {
    LwsValidator validator = new LwsValidator(lws.get());
    validator.checkAll();
    return validator.violations.toList();
  }

  /**
   * Everything {@link #validate} reports for {@code current}, followed by the rules that only apply
   * to updates: the sub-group policy can be neither added nor removed and its size is immutable.
   *
   * @param previous the last accepted version of the object
   * @param current the new version
   */
  public static List<Violation> validateUpdate(LeaderWorkerSet previous, LeaderWorkerSet current) {
    return validateUpdate(previous, DefaultedLeaderWorkerSet.of(current));
  }

  /**
   * As {@link #validateUpdate(LeaderWorkerSet, LeaderWorkerSet)}, for a defaulted {@code current}.
   */
  public static List<Violation> validateUpdate(
      LeaderWorkerSet previous, DefaultedLeaderWorkerSet current) {
    Objects.requireNonNull(previous, "previous");
    List<Violation> all = new ArrayList<>(validate(current));
    all.addAll(SubGroupPolicyUpdate.check(previous, current.get()));
    return List.copyOf(all);
  }

  /**
   * What this controller cannot honour although upstream's webhook allows it: templates without
   * containers and pod names longer than a hostname may be. Not an upstream rule; see {@link
   * LwsUnsupported}. Callers pass the raw object, defaults are applied internally.
   */
  public static List<Violation> unsupported(LeaderWorkerSet lws) {
    return unsupported(DefaultedLeaderWorkerSet.of(lws));
  }

  /** As {@link #unsupported(LeaderWorkerSet)}, for a defaulted LWS. */
  public static List<Violation> unsupported(DefaultedLeaderWorkerSet lws) {
    return LwsUnsupported.check(lws.get());
  }

  private void checkAll() {
    checkName();
    checkReplicas();
    if (template == null) {
      violations.add(
          TEMPLATE,
          "leaderWorkerTemplate is required: it holds the pod templates and the group size");
    } else {
      checkSize();
      checkPodCount();
    }
    checkRollingUpdate();
    if (template != null && template.getSubGroupPolicy() != null) {
      checkSubGroupPolicy(template.getSubGroupPolicy());
    }
    checkSubGroupExclusiveAnnotation();
  }

  // Rule 1: the name becomes the headless Service's name, so it must be a DNS-1035 label.
  private void checkName() {
    String name = lws.getMetadata() == null ? null : lws.getMetadata().getName();
    if (name == null || name.isEmpty()) {
      violations.add(NAME, "name is required; it becomes the name of the headless Service");
      return;
    }
    if (NameRules.excessOverDnsLabel(name) > 0) {
      violations.add(
          NAME,
          "must be no more than %d characters, got %d: the name becomes the name of the headless"
              + " Service, which must be a DNS-1035 label",
          NameRules.MAX_DNS_LABEL_LENGTH,
          name.length());
    }
    if (!NameRules.isDns1035Label(name)) {
      violations.add(
          NAME,
          "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with"
              + " an alphabetic character, and end with an alphanumeric character (e.g. 'my-name'"
              + " or 'abc-123'), got %s: the name becomes the name of the headless Service, which"
              + " must be a DNS-1035 label",
          quote(name));
    }
  }

  // Rule 2.
  private void checkReplicas() {
    int replicas = spec.getReplicas();
    if (replicas < 0) {
      violations.add(
          REPLICAS,
          "replicas must be equal or greater than 0, got %d (replicas counts groups: 0 to %d)",
          replicas,
          MAX_REPLICAS);
    } else if (replicas > MAX_REPLICAS) {
      violations.add(
          REPLICAS, "replicas must be equal or less than %d, got %d", MAX_REPLICAS, replicas);
    }
  }

  // Rule 3.
  private void checkSize() {
    int size = template.getSize();
    if (size < 1) {
      violations.add(
          SIZE,
          "size must be equal or greater than 1, got %d (size counts the pods of a group, the"
              + " leader included)",
          size);
    }
  }

  // Rule 4: every pod of the set must fit the int32 counters of the StatefulSets and status.
  private void checkPodCount() {
    long pods = (long) spec.getReplicas() * template.getSize();
    if (pods > Integer.MAX_VALUE) {
      violations.add(
          REPLICAS,
          "the product of replicas and worker replicas must not exceed %d, got replicas %d x size"
              + " %d = %d pods; lower replicas or size",
          Integer.MAX_VALUE,
          spec.getReplicas(),
          template.getSize(),
          pods);
    }
  }

  // Rules 5 to 7.
  private void checkRollingUpdate() {
    RollingUpdateConfiguration config = spec.getRolloutStrategy().getRollingUpdateConfiguration();
    Optional<IntOrPercent> maxUnavailable =
        checkIntOrPercent(MAX_UNAVAILABLE, config.getMaxUnavailable());
    Optional<IntOrPercent> maxSurge = checkIntOrPercent(MAX_SURGE, config.getMaxSurge());
    int partition = config.getPartition();
    if (partition < 0) {
      violations.add(
          PARTITION,
          "must be greater than or equal to 0, got %d (groups with an index at or above partition"
              + " are updated; 0 updates all)",
          partition);
    }
    int replicas = spec.getReplicas();
    // With 0 groups nothing is ever rolled, so both may well be 0 then; < 0 is reported above.
    if (maxUnavailable.isEmpty() || maxSurge.isEmpty() || replicas <= 0) {
      return;
    }
    int unavailable = maxUnavailable.get().scale(replicas, Rounding.DOWN);
    int surge = maxSurge.get().scale(replicas, Rounding.UP);
    if (unavailable == 0 && surge == 0) {
      violations.add(
          MAX_UNAVAILABLE,
          "must not be 0 when `maxSurge` is 0: %s and %s, so a rolling update could never replace"
              + " a group; allow at least 1 unavailable group or set maxSurge above 0",
          describe("maxUnavailable", maxUnavailable.get(), replicas, "down"),
          describe("maxSurge", maxSurge.get(), replicas, "up"));
    }
  }

  /** Rule 5 for one field: the value when it is allowed, empty after reporting it otherwise. */
  private Optional<IntOrPercent> checkIntOrPercent(String path, IntOrString raw) {
    Optional<IntOrPercent.Problem> problem = IntOrPercent.problemOf(raw);
    if (problem.isEmpty()) {
      return IntOrPercent.parse(raw);
    }
    switch (problem.get()) {
      case NOT_A_PERCENT ->
          violations.add(
              path,
              "a valid percent string must be a numeric string followed by an ending '%%' (e.g."
                  + " '1%%' or '93%%'), got %s; %s",
              quote(String.valueOf(raw.getValue())),
              INT_OR_PERCENT_ALLOWED);
      // Only counts can be negative: "-5%" does not parse.
      case NEGATIVE ->
          violations.add(
              path,
              "must be greater than or equal to 0, got %s; %s",
              IntOrPercent.parse(raw).orElseThrow(),
              INT_OR_PERCENT_ALLOWED);
      case ABOVE_100_PERCENT ->
          violations.add(
              path,
              "must not be greater than 100%%, got %s; %s",
              IntOrPercent.parse(raw).orElseThrow(),
              INT_OR_PERCENT_ALLOWED);
    }
    return Optional.empty();
  }

  private static String describe(String name, IntOrPercent value, int replicas, String rounding) {
    return value.percent()
        ? String.format("%s %s of %d replicas rounds %s to 0", name, value, replicas, rounding)
        : name + " is 0";
  }

  // Rule 8. A missing subGroupSize crashes upstream's webhook (so it rejects); say what is needed.
  private void checkSubGroupPolicy(SubGroupPolicy policy) {
    int size = template.getSize();
    Integer subGroupSize = policy.getSubGroupSize();
    if (subGroupSize == null) {
      violations.add(
          SUB_GROUP_SIZE,
          "subGroupSize is required when subGroupPolicy is set: the number of pods per sub-group,"
              + " from 1 to size (%d)",
          size);
      return;
    }
    if (subGroupSize < 1) {
      violations.add(
          SUB_GROUP_SIZE, "subGroupSize must be equal or greater than 1, got %d", subGroupSize);
      return;
    }
    // An invalid size is reported already; comparing sub-groups with it only adds noise.
    if (size < 1) {
      return;
    }
    if (size % subGroupSize != 0 && (size - 1) % subGroupSize != 0) {
      violations.add(
          SUB_GROUP_SIZE,
          "size or size - 1 must be divisible by subGroupSize: neither size %d nor size - 1 = %d is"
              + " a multiple of subGroupSize %d",
          size,
          size - 1,
          subGroupSize);
    }
    if (size < subGroupSize) {
      violations.add(
          SUB_GROUP_SIZE,
          "subGroupSize cannot be larger than size: subGroupSize %d, size %d",
          subGroupSize,
          size);
    }
    if (policy.getSubGroupPolicyType() == SubGroupPolicyType.LEADER_EXCLUDED
        && (size - 1) % subGroupSize != 0) {
      violations.add(
          SUB_GROUP_SIZE,
          "size-1 must be divisible by subGroupSize when using LeaderExcluded: the %d workers"
              + " (size - 1) cannot be split into sub-groups of %d",
          size - 1,
          subGroupSize);
    }
  }

  // Rule 9.
  private void checkSubGroupExclusiveAnnotation() {
    Map<String, String> annotations =
        lws.getMetadata() == null ? null : lws.getMetadata().getAnnotations();
    boolean annotated =
        annotations != null
            && annotations.containsKey(LwsKeys.Annotations.SUBGROUP_EXCLUSIVE_TOPOLOGY);
    if (annotated && (template == null || template.getSubGroupPolicy() == null)) {
      violations.add(
          SUBGROUP_EXCLUSIVE_ANNOTATION,
          "cannot have subgroup-exclusive-topology without subGroupSize set: add %s.subGroupSize,"
              + " or use %s for exclusive placement of whole groups",
          SUB_GROUP_POLICY,
          LwsKeys.Annotations.EXCLUSIVE_TOPOLOGY);
    }
  }
}
