package dev.modelserving.controller.validation;

import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Annotations;
import dev.modelserving.api.v1alpha1.ModelServingSpec;
import dev.modelserving.api.v1alpha1.PodTemplate;
import dev.modelserving.api.v1alpha1.RecoveryPolicy;
import dev.modelserving.api.v1alpha1.Role;
import dev.modelserving.api.v1alpha1.RollingUpdateConfiguration;
import dev.modelserving.api.v1alpha1.RolloutStrategy;
import dev.modelserving.api.v1alpha1.ServingGroup;
import dev.modelserving.controller.validation.IntOrPercent.Rounding;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.ObjIntConsumer;

/**
 * Checks a ModelServing against every rule of Kthena's validating webhook (KTHENA.md §6) and the
 * CRD schema rules the API server enforces (1 to 4 roles, unique role names of at most 12
 * characters), so that the reconciler can refuse an invalid object with a useful message even when
 * no webhook ran or the CRD was changed. All violations are collected, none stops the others.
 */
public final class ModelServingValidator {
  static final int MAX_ROLES = 4;
  static final int MAX_ROLE_NAME_LENGTH = 12;
  private static final String ROLES = "spec.template.roles";
  private static final String ROLLING_UPDATE = "spec.rolloutStrategy.rollingUpdateConfiguration";

  private final ModelServing ms;
  private final ModelServingSpec spec;
  private final List<Role> roles;
  private final List<Violation> violations = new ArrayList<>();

  private ModelServingValidator(ModelServing ms) {
    this.ms = ms;
    this.spec = ms.getSpec();
    ServingGroup template = spec == null ? null : spec.getTemplate();
    this.roles = template == null || template.getRoles() == null ? List.of() : template.getRoles();
  }

  /** Every violation of {@code ms}, in rule order; empty when it is valid. */
  public static List<Violation> validate(ModelServing ms) {
    Objects.requireNonNull(ms, "ms");
    ModelServingValidator validator = new ModelServingValidator(ms);
    validator.checkAll();
    return List.copyOf(validator.violations);
  }

  private void checkAll() {
    if (spec == null) {
      add("spec", "spec is required");
      return;
    }
    if (spec.getTemplate() == null) {
      add("spec.template", "template (the serving group template with its roles) is required");
    }
    // The order follows Kthena's webhook, so the messages come out in the order users know.
    checkGeneratedNames();
    checkRoleNames();
    checkImages();
    checkReplicas();
    checkRollingUpdateConfiguration();
    checkRoleRollingUpdateFields();
    checkGangPolicy();
    checkTemplates();
    checkRecoveryPolicyAgainstRolloutType();
    checkLeaderWorkerSetNaming();
  }

  /** LeaderWorkerSet naming gives one name per group and worker, so it admits one role replica. */
  private void checkLeaderWorkerSetNaming() {
    var annotations = ms.getMetadata() == null ? null : ms.getMetadata().getAnnotations();
    if (annotations == null
        || !Annotations.NAMING_LEADER_WORKER_SET.equals(annotations.get(Annotations.POD_NAMING))
        || spec.getTemplate() == null
        || spec.getTemplate().getRoles() == null) {
      return;
    }
    var roles = spec.getTemplate().getRoles();
    if (roles.size() != 1) {
      add(
          "spec.template.roles",
          "LeaderWorkerSet pod naming (annotation modelserving.dev/pod-naming) needs exactly one role, got %d",
          roles.size());
    } else if (roles.get(0) != null
        && roles.get(0).getReplicas() != null
        && roles.get(0).getReplicas() != 1) {
      add(
          "spec.template.roles[0].replicas",
          "LeaderWorkerSet pod naming (annotation modelserving.dev/pod-naming) needs exactly one role replica, got %d",
          roles.get(0).getReplicas());
    }
  }

  // Rule 1: every generated pod and Service name must be a DNS-1035 label.
  private void checkGeneratedNames() {
    String name = ms.getMetadata() == null ? null : ms.getMetadata().getName();
    if (name == null || name.isEmpty()) {
      add("metadata.name", "metadata.name is required; it begins the name of every generated pod");
      return;
    }
    // metadata.name only starts the generated names ("<ms>-<g>-..."), so a trailing '-' is
    // harmless.
    if (!NameRules.isDns1035Prefix(name)) {
      add(
          "metadata.name",
          "metadata.name %s must start with a lowercase letter and contain only lowercase letters,"
              + " digits and '-', because it begins the names of the generated pods and headless"
              + " Services, which must be DNS-1035 labels",
          quote(name));
    }
    int replicas = orDefault(spec.getReplicas(), 1);
    forEachRole(
        (role, i) -> {
          String roleName = Objects.requireNonNullElse(role.getName(), "");
          // Kthena's stand-in for the longest name: the replica counts instead of the largest
          // ordinals, so the check is a little conservative but does not change with ordinals.
          String longest =
              name
                  + "-"
                  + replicas
                  + "-"
                  + roleName
                  + "-"
                  + orDefault(role.getReplicas(), 1)
                  + "-"
                  + orDefault(role.getWorkerReplicas(), 0);
          int excess = NameRules.excessOverDnsLabel(longest);
          if (excess > 0) {
            add(
                "metadata.name",
                "the pod names of role %s would be too long: %s has %d characters, more than the %d"
                    + " allowed in a DNS-1035 label (pods and their Services are named"
                    + " <metadata.name>-<group>-<role>-<replica>-<worker>, checked with"
                    + " spec.replicas, the role's replicas and workerReplicas as the largest"
                    + " indexes); shorten metadata.name or the role name by %d character%s",
                quote(roleName),
                quote(longest),
                longest.length(),
                NameRules.MAX_DNS_LABEL_LENGTH,
                excess,
                excess == 1 ? "" : "s");
          }
        });
  }

  // Rule 2 (DNS-1035 role names) plus the CRD's limits: 1..4 roles, unique names, <= 12 characters.
  private void checkRoleNames() {
    if (roles.size() > MAX_ROLES) {
      add(ROLES, "a serving group can have at most %d roles, got %d", MAX_ROLES, roles.size());
    }
    for (int i = 0; i < roles.size(); i++) {
      if (roles.get(i) == null) {
        add(
            rolePath(i),
            "a role must be an object with at least name, entryTemplate and workerReplicas, got"
                + " null");
      }
    }
    Map<String, Integer> firstUse = new HashMap<>();
    forEachRole(
        (role, i) -> {
          String path = rolePath(i) + ".name";
          String name = role.getName();
          if (name == null || name.isEmpty()) {
            add(path, "role name is required");
            return;
          }
          if (name.length() > MAX_ROLE_NAME_LENGTH) {
            add(
                path,
                "role name %s has %d characters; at most %d are allowed because it is part of every"
                    + " pod and Service name",
                quote(name),
                name.length(),
                MAX_ROLE_NAME_LENGTH);
          }
          if (!NameRules.isDns1035Label(name)) {
            add(
                path,
                "role name %s must consist of lowercase letters, digits and '-', start with a"
                    + " letter and end with a letter or digit (a DNS-1035 label)",
                quote(name));
          }
          Integer first = firstUse.putIfAbsent(name, i);
          if (first != null) {
            add(
                path,
                "role name %s is already used by %s; role names must be unique",
                quote(name),
                rolePath(first));
          }
        });
  }

  // Rule 3: image references without whitespace. Init containers too: a bad image is never valid.
  private void checkImages() {
    forEachRole(
        (role, i) -> {
          checkImages(rolePath(i) + ".entryTemplate", role.getEntryTemplate());
          checkImages(rolePath(i) + ".workerTemplate", role.getWorkerTemplate());
        });
  }

  private void checkImages(String templatePath, PodTemplate template) {
    if (template == null || template.getSpec() == null) {
      return;
    }
    checkImages(templatePath + ".spec.containers", template.getSpec().getContainers());
    checkImages(templatePath + ".spec.initContainers", template.getSpec().getInitContainers());
  }

  private void checkImages(String containersPath, List<Container> containers) {
    if (containers == null) {
      return;
    }
    for (int j = 0; j < containers.size(); j++) {
      String image = containers.get(j) == null ? null : containers.get(j).getImage();
      if (image != null && image.chars().anyMatch(Character::isWhitespace)) {
        add(
            containersPath + "[" + j + "].image",
            "container image %s contains whitespace; an image reference (such as"
                + " \"registry.example.com/vllm:v0.6.0\") cannot contain spaces",
            quote(image));
      }
    }
  }

  // Rule 4: replica counts present and >= 0, at least one role.
  private void checkReplicas() {
    checkCount("spec.replicas", "replicas (the number of serving groups)", spec.getReplicas());
    if (spec.getTemplate() != null && roles.isEmpty()) {
      add(ROLES, "at least one role is required (a serving group has 1 to %d roles)", MAX_ROLES);
    }
    forEachRole(
        (role, i) ->
            checkCount(
                rolePath(i) + ".replicas",
                "role replicas (role replicas per serving group)",
                role.getReplicas()));
  }

  private void checkCount(String path, String what, Integer value) {
    if (value == null) {
      add(path, "%s must be set to an integer >= 0", what);
    } else if (value < 0) {
      add(path, "%s must be an integer >= 0, got %d", what, value);
    }
  }

  // Rule 5: rolloutStrategy.rollingUpdateConfiguration belongs to ServingGroupRollingUpdate.
  private void checkRollingUpdateConfiguration() {
    RolloutStrategy strategy = spec.getRolloutStrategy();
    RollingUpdateConfiguration config =
        strategy == null ? null : strategy.getRollingUpdateConfiguration();
    if (config == null) {
      return;
    }
    if (rolloutType() == RolloutStrategy.Type.RoleRollingUpdate) {
      add(
          ROLLING_UPDATE,
          "rollingUpdateConfiguration is only used when rolloutStrategy.type is"
              + " ServingGroupRollingUpdate; with RoleRollingUpdate, set maxUnavailable and"
              + " partition on each role instead");
      return;
    }
    String maxUnavailablePath = ROLLING_UPDATE + ".maxUnavailable";
    Optional<IntOrPercent> maxUnavailable =
        checkIntOrPercent(maxUnavailablePath, "maxUnavailable", config.getMaxUnavailable());
    Integer replicas = spec.getReplicas();
    Optional<IntOrPercent> maxSurge =
        checkIntOrPercent(ROLLING_UPDATE + ".maxSurge", "maxSurge", config.getMaxSurge());
    boolean surges =
        maxSurge.isPresent()
            && replicas != null
            && maxSurge.get().scale(replicas, IntOrPercent.Rounding.UP) > 0;
    // With 0 serving groups there is nothing to roll, so a percentage may well round to 0 then;
    // with a surge, new groups come up before old ones go, so 0 unavailable is fine.
    if (maxUnavailable.isPresent() && replicas != null && replicas > 0 && !surges) {
      checkNotZero(maxUnavailablePath, maxUnavailable.get(), replicas, "serving groups");
    }
    checkIntOrPercent(ROLLING_UPDATE + ".partition", "partition", config.getPartition());
  }

  // Rule 6: a role's partition belongs to RoleRollingUpdate; its maxUnavailable is read only there.
  private void checkRoleRollingUpdateFields() {
    boolean roleMode = rolloutType() == RolloutStrategy.Type.RoleRollingUpdate;
    forEachRole(
        (role, i) -> {
          String partitionPath = rolePath(i) + ".partition";
          if (isSet(role.getPartition())) {
            checkIntOrPercent(partitionPath, "partition", role.getPartition());
            if (!roleMode) {
              add(
                  partitionPath,
                  "partition on a role is only used when rolloutStrategy.type is RoleRollingUpdate"
                      + " (here it is ServingGroupRollingUpdate); remove it, or protect whole"
                      + " serving groups with %s.partition",
                  ROLLING_UPDATE);
            }
          }
          // Outside RoleRollingUpdate the role's maxUnavailable (CRD default 1) is ignored.
          if (!roleMode || !isSet(role.getMaxUnavailable())) {
            return;
          }
          String path = rolePath(i) + ".maxUnavailable";
          Optional<IntOrPercent> maxUnavailable =
              checkIntOrPercent(path, "maxUnavailable", role.getMaxUnavailable());
          int replicas = orDefault(role.getReplicas(), 1);
          if (maxUnavailable.isEmpty() || replicas <= 0) {
            return;
          }
          if (checkNotZero(path, maxUnavailable.get(), replicas, "role replicas")
              && maxUnavailable.get().scale(replicas, Rounding.DOWN) > replicas) {
            add(
                path,
                "maxUnavailable %s is more than the role's %d replicas; use an integer between 1"
                    + " and %d or a percentage",
                maxUnavailable.get(),
                replicas,
                replicas);
          }
        });
  }

  /** Reports a maxUnavailable that resolves to 0; returns whether it is not 0. */
  private boolean checkNotZero(String path, IntOrPercent maxUnavailable, int total, String unit) {
    if (maxUnavailable.scale(total, Rounding.DOWN) > 0) {
      return true;
    }
    if (maxUnavailable.percent()) {
      add(
          path,
          "maxUnavailable %s of %d %s rounds down to 0, so the rolling update could never"
              + " proceed; use at least %d%% or an integer >= 1",
          quote(maxUnavailable.toString()),
          total,
          unit,
          Math.ceilDiv(100, total));
    } else {
      add(
          path,
          "maxUnavailable must be at least 1, otherwise the rolling update could never proceed;"
              + " got 0");
    }
    return false;
  }

  /**
   * Reports {@code raw} unless it is absent, a count >= 0 or a percentage from 0% to 100%; returns
   * the value when it is set and valid.
   */
  private Optional<IntOrPercent> checkIntOrPercent(String path, String what, IntOrString raw) {
    if (!isSet(raw)) {
      return Optional.empty();
    }
    if (IntOrPercent.problemOf(raw).isPresent()) {
      add(
          path,
          "%s must be an integer >= 0 or a percentage between 0%% and 100%%, got %s",
          what,
          raw.getIntVal() != null ? raw.getIntVal().toString() : quote(raw.getStrVal()));
      return Optional.empty();
    }
    return IntOrPercent.parse(raw);
  }

  // Rule 7: gangPolicy.minRoleReplicas names existing roles, each within 0..role replicas.
  private void checkGangPolicy() {
    ServingGroup template = spec.getTemplate();
    if (template == null
        || template.getGangPolicy() == null
        || template.getGangPolicy().getMinRoleReplicas() == null) {
      return;
    }
    Map<String, Role> roleByName = new HashMap<>();
    forEachRole((role, i) -> roleByName.putIfAbsent(role.getName(), role));
    List<String> roleNames =
        roles.stream()
            .filter(Objects::nonNull)
            .map(Role::getName)
            .filter(Objects::nonNull)
            .toList();
    template.getGangPolicy().getMinRoleReplicas().entrySet().stream()
        .sorted(Map.Entry.comparingByKey(Comparator.nullsFirst(Comparator.naturalOrder())))
        .forEach(
            entry -> {
              String roleName = entry.getKey();
              String path = "spec.template.gangPolicy.minRoleReplicas[" + roleName + "]";
              Role role = roleByName.get(roleName);
              if (role == null) {
                add(
                    path,
                    "role %s does not exist; the keys of minRoleReplicas must be role names from"
                        + " spec.template.roles (%s)",
                    quote(roleName),
                    String.join(", ", roleNames));
                return;
              }
              int replicas = orDefault(role.getReplicas(), 1);
              Integer min = entry.getValue();
              if (replicas >= 0 && (min == null || min < 0 || min > replicas)) {
                add(
                    path,
                    "minRoleReplicas for role %s must be between 0 and the role's replicas (%d),"
                        + " got %s",
                    quote(roleName),
                    replicas,
                    min);
              }
            });
  }

  // Rule 8 plus the CRD's required fields: entryTemplate, workerReplicas >= 0, workerTemplate.
  private void checkTemplates() {
    forEachRole(
        (role, i) -> {
          if (role.getEntryTemplate() == null) {
            add(
                rolePath(i) + ".entryTemplate",
                "entryTemplate is required: it is the template of the entry pod of every role"
                    + " replica");
          }
          Integer workers = role.getWorkerReplicas();
          if (workers == null) {
            add(
                rolePath(i) + ".workerReplicas",
                "workerReplicas (worker pods per role replica) must be set to an integer >= 0; use"
                    + " 0 for an entry pod without workers");
          } else if (workers < 0) {
            add(
                rolePath(i) + ".workerReplicas",
                "workerReplicas (worker pods per role replica) must be an integer >= 0, got %d",
                workers);
          } else if (workers > 0 && role.getWorkerTemplate() == null) {
            add(
                rolePath(i) + ".workerTemplate",
                "workerTemplate is required when workerReplicas is greater than 0 (it is %d); add a"
                    + " workerTemplate or set workerReplicas to 0",
                workers);
          }
        });
  }

  // Rule 9: recreating whole serving groups on failure defeats a role-by-role rollout.
  private void checkRecoveryPolicyAgainstRolloutType() {
    RecoveryPolicy policy =
        Objects.requireNonNullElse(spec.getRecoveryPolicy(), RecoveryPolicy.RoleRecreate);
    if (policy == RecoveryPolicy.ServingGroupRecreate
        && rolloutType() == RolloutStrategy.Type.RoleRollingUpdate) {
      add(
          "spec.rolloutStrategy.type",
          "rolloutStrategy.type RoleRollingUpdate cannot be combined with recoveryPolicy"
              + " ServingGroupRecreate, because replacing one role's pods would make the controller"
              + " recreate the whole serving group; use recoveryPolicy RoleRecreate (the default)"
              + " or None, or rolloutStrategy.type ServingGroupRollingUpdate");
    }
  }

  /**
   * The rollout type after defaulting: ServingGroupRollingUpdate unless RoleRollingUpdate is set.
   */
  private RolloutStrategy.Type rolloutType() {
    RolloutStrategy strategy = spec.getRolloutStrategy();
    return strategy == null || strategy.getType() == null
        ? RolloutStrategy.Type.ServingGroupRollingUpdate
        : strategy.getType();
  }

  /** Calls {@code check} with each non-null role and its index (null roles are reported once). */
  private void forEachRole(ObjIntConsumer<Role> check) {
    for (int i = 0; i < roles.size(); i++) {
      if (roles.get(i) != null) {
        check.accept(roles.get(i), i);
      }
    }
  }

  private void add(String field, String format, Object... args) {
    violations.add(new Violation(field, args.length == 0 ? format : String.format(format, args)));
  }

  private static String rolePath(int index) {
    return ROLES + "[" + index + "]";
  }

  private static boolean isSet(IntOrString value) {
    return value != null && value.getValue() != null;
  }

  private static int orDefault(Integer value, int fallback) {
    return value == null ? fallback : value;
  }

  private static String quote(String text) {
    return "\"" + text + "\"";
  }
}
