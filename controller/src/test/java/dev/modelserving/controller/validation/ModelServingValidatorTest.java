package dev.modelserving.controller.validation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.v1alpha1.GangPolicy;
import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingSpec;
import dev.modelserving.api.v1alpha1.PodTemplate;
import dev.modelserving.api.v1alpha1.RecoveryPolicy;
import dev.modelserving.api.v1alpha1.Role;
import dev.modelserving.api.v1alpha1.RollingUpdateConfiguration;
import dev.modelserving.api.v1alpha1.RolloutStrategy;
import dev.modelserving.api.v1alpha1.ServingGroup;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ModelServingValidatorTest {

  /** An expected violation: its exact field and a fragment of its message. */
  record Expected(String field, String messageFragment) {}

  static Expected expect(String field, String messageFragment) {
    return new Expected(field, messageFragment);
  }

  static Arguments invalid(String name, Consumer<ModelServing> change, Expected... expected) {
    return Arguments.of(name, change, List.of(expected));
  }

  static Arguments valid(String name, Consumer<ModelServing> change) {
    return Arguments.of(name, change, List.of());
  }

  // --- fixture: "llama" with 2 serving groups of prefill (1 x entry only) and decode (2 x entry +
  // 1 worker)

  static ModelServing validModelServing() {
    ModelServing ms = new ModelServing();
    ms.setMetadata(new ObjectMetaBuilder().withName("llama").withNamespace("default").build());
    ModelServingSpec spec = new ModelServingSpec();
    spec.setReplicas(2);
    ServingGroup template = new ServingGroup();
    template.setRoles(new ArrayList<>(List.of(role("prefill", 1, 0), role("decode", 2, 1))));
    spec.setTemplate(template);
    ms.setSpec(spec);
    return ms;
  }

  static Role role(String name, int replicas, int workerReplicas) {
    Role role = new Role();
    role.setName(name);
    role.setReplicas(replicas);
    role.setWorkerReplicas(workerReplicas);
    role.setEntryTemplate(podTemplate("vllm/vllm-openai:v0.6.0"));
    if (workerReplicas > 0) {
      role.setWorkerTemplate(podTemplate("vllm/vllm-openai:v0.6.0"));
    }
    role.setMaxUnavailable(new IntOrString(1)); // the CRD default
    return role;
  }

  static PodTemplate podTemplate(String image) {
    PodSpec spec = new PodSpec();
    spec.setContainers(
        new ArrayList<>(List.of(new ContainerBuilder().withName("main").withImage(image).build())));
    PodTemplate template = new PodTemplate();
    template.setSpec(spec);
    return template;
  }

  // --- small setters so that the case table stays one line per idea

  static Role prefill(ModelServing ms) {
    return ms.getSpec().getTemplate().getRoles().get(0);
  }

  static Role decode(ModelServing ms) {
    return ms.getSpec().getTemplate().getRoles().get(1);
  }

  static void rollout(
      ModelServing ms, RolloutStrategy.Type type, Object maxUnavailable, Object partition) {
    RolloutStrategy strategy = new RolloutStrategy();
    strategy.setType(type);
    if (maxUnavailable != null || partition != null) {
      RollingUpdateConfiguration config = new RollingUpdateConfiguration();
      config.setMaxUnavailable(maxUnavailable == null ? null : new IntOrString(maxUnavailable));
      config.setPartition(partition == null ? null : new IntOrString(partition));
      strategy.setRollingUpdateConfiguration(config);
    }
    ms.getSpec().setRolloutStrategy(strategy);
  }

  static void roleMode(ModelServing ms) {
    rollout(ms, RolloutStrategy.Type.RoleRollingUpdate, null, null);
  }

  static void sgMode(ModelServing ms, Object maxUnavailable, Object partition) {
    rollout(ms, RolloutStrategy.Type.ServingGroupRollingUpdate, maxUnavailable, partition);
  }

  static void minRoleReplicas(ModelServing ms, Object... keysAndValues) {
    Map<String, Integer> min = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      min.put((String) keysAndValues[i], (Integer) keysAndValues[i + 1]);
    }
    GangPolicy gang = new GangPolicy();
    gang.setMinRoleReplicas(min);
    ms.getSpec().getTemplate().setGangPolicy(gang);
  }

  static String name(int length) {
    return "m".repeat(length);
  }

  static final String ROLE0 = "spec.template.roles[0]";
  static final String ROLE1 = "spec.template.roles[1]";
  static final String RUC = "spec.rolloutStrategy.rollingUpdateConfiguration";

  static Stream<Arguments> cases() {
    return Stream.of(
        valid("the fixture", ms -> {}),

        // Rule 1: generated names are DNS-1035 labels of at most 63 characters.
        valid(
            "longest generated name exactly 63 characters",
            ms -> ms.getMetadata().setName(name(49))),
        invalid(
            "generated name of 64 characters for the longer role only",
            ms -> ms.getMetadata().setName(name(50)),
            expect(
                "metadata.name",
                "the pod names of role \"prefill\" would be too long: \""
                    + name(50)
                    + "-2-prefill-1-0\" has 64 characters, more than the 63 allowed")),
        invalid(
            "one character too many",
            ms -> ms.getMetadata().setName(name(50)),
            expect("metadata.name", "shorten metadata.name or the role name by 1 character")),
        invalid(
            "generated name too long for both roles says by how much",
            ms -> ms.getMetadata().setName(name(60)),
            expect("metadata.name", "shorten metadata.name or the role name by 11 characters"),
            expect("metadata.name", "role \"decode\"")),
        invalid(
            "a 2-digit replica count adds a character",
            ms -> {
              ms.getMetadata().setName(name(49));
              ms.getSpec().setReplicas(10);
            },
            expect("metadata.name", "-10-prefill-1-0\" has 64 characters")),
        invalid(
            "nil replicas count as 1 in the generated name",
            ms -> {
              ms.getMetadata().setName(name(50));
              ms.getSpec().setReplicas(null);
            },
            expect("metadata.name", "-1-prefill-1-0\" has 64 characters"),
            expect("spec.replicas", "replicas (the number of serving groups) must be set")),
        invalid(
            "metadata.name starting with a digit",
            ms -> ms.getMetadata().setName("1llama"),
            expect("metadata.name", "metadata.name \"1llama\" must start with a lowercase letter")),
        invalid(
            "metadata.name with a dot",
            ms -> ms.getMetadata().setName("llama.v2"),
            expect("metadata.name", "DNS-1035 labels")),
        invalid(
            "metadata.name missing",
            ms -> ms.getMetadata().setName(null),
            expect("metadata.name", "metadata.name is required")),

        // Rule 2 and the CRD: role names.
        invalid(
            "role name with uppercase letters",
            ms -> prefill(ms).setName("Prefill"),
            expect(
                ROLE0 + ".name",
                "role name \"Prefill\" must consist of lowercase letters, digits and '-',"
                    + " start with a letter and end with a letter or digit")),
        invalid(
            "role name starting with a digit",
            ms -> prefill(ms).setName("1prefill"),
            expect(ROLE0 + ".name", "DNS-1035")),
        invalid(
            "role name ending with '-'",
            ms -> prefill(ms).setName("prefill-"),
            expect(ROLE0 + ".name", "DNS-1035")),
        invalid(
            "role name with '_'",
            ms -> prefill(ms).setName("pre_fill"),
            expect(ROLE0 + ".name", "DNS-1035")),
        valid("role name of 12 characters", ms -> prefill(ms).setName("p".repeat(12))),
        invalid(
            "role name of 13 characters",
            ms -> prefill(ms).setName("p".repeat(13)),
            expect(ROLE0 + ".name", "has 13 characters; at most 12 are allowed")),
        invalid(
            "role name missing",
            ms -> decode(ms).setName(null),
            expect(ROLE1 + ".name", "role name is required")),
        invalid(
            "duplicate role names",
            ms -> decode(ms).setName("prefill"),
            expect(
                ROLE1 + ".name",
                "role name \"prefill\" is already used by spec.template.roles[0]; role names must"
                    + " be unique")),
        valid(
            "4 roles",
            ms ->
                ms.getSpec()
                    .getTemplate()
                    .getRoles()
                    .addAll(List.of(role("r3", 1, 0), role("r4", 1, 0)))),
        invalid(
            "5 roles",
            ms ->
                ms.getSpec()
                    .getTemplate()
                    .getRoles()
                    .addAll(List.of(role("r3", 1, 0), role("r4", 1, 0), role("r5", 1, 0))),
            expect("spec.template.roles", "a serving group can have at most 4 roles, got 5")),
        invalid(
            "null role",
            ms -> ms.getSpec().getTemplate().getRoles().add(null),
            expect("spec.template.roles[2]", "got null")),

        // Rule 3: images without whitespace.
        invalid(
            "entry image with a space",
            ms ->
                prefill(ms)
                    .getEntryTemplate()
                    .getSpec()
                    .getContainers()
                    .getFirst()
                    .setImage("vllm: latest"),
            expect(
                ROLE0 + ".entryTemplate.spec.containers[0].image",
                "container image \"vllm: latest\" contains whitespace")),
        invalid(
            "worker image with a tab",
            ms ->
                decode(ms)
                    .getWorkerTemplate()
                    .getSpec()
                    .getContainers()
                    .getFirst()
                    .setImage("vllm\t"),
            expect(ROLE1 + ".workerTemplate.spec.containers[0].image", "contains whitespace")),
        invalid(
            "init container image with a space",
            ms ->
                decode(ms)
                    .getEntryTemplate()
                    .getSpec()
                    .setInitContainers(
                        List.of(
                            new ContainerBuilder().withName("init").withImage("busy box").build())),
            expect(ROLE1 + ".entryTemplate.spec.initContainers[0].image", "contains whitespace")),
        valid(
            "empty image",
            ms -> prefill(ms).getEntryTemplate().getSpec().getContainers().getFirst().setImage("")),
        valid("template without spec", ms -> prefill(ms).getEntryTemplate().setSpec(null)),

        // Rule 4: replica counts.
        valid("0 serving groups", ms -> ms.getSpec().setReplicas(0)),
        invalid(
            "negative serving groups",
            ms -> ms.getSpec().setReplicas(-1),
            expect(
                "spec.replicas",
                "replicas (the number of serving groups) must be an integer >= 0, got -1")),
        invalid(
            "no roles",
            ms -> ms.getSpec().getTemplate().getRoles().clear(),
            expect("spec.template.roles", "at least one role is required")),
        invalid(
            "roles missing",
            ms -> ms.getSpec().getTemplate().setRoles(null),
            expect("spec.template.roles", "at least one role is required")),
        invalid(
            "negative role replicas",
            ms -> decode(ms).setReplicas(-2),
            expect(
                ROLE1 + ".replicas",
                "role replicas (role replicas per serving group) must be an integer >= 0, got -2")),
        invalid(
            "role replicas missing",
            ms -> decode(ms).setReplicas(null),
            expect(ROLE1 + ".replicas", "must be set to an integer >= 0")),
        valid("0 role replicas", ms -> decode(ms).setReplicas(0)),

        // Rule 5: rollingUpdateConfiguration.
        valid("SG rollout with defaults", ms -> sgMode(ms, 1, null)),
        valid("maxUnavailable above replicas", ms -> sgMode(ms, 5, null)),
        valid("maxUnavailable 50% of 2", ms -> sgMode(ms, "50%", null)),
        valid("maxUnavailable 100%", ms -> sgMode(ms, "100%", null)),
        valid("partition above replicas", ms -> sgMode(ms, 1, 7)),
        valid("partition 100%", ms -> sgMode(ms, 1, "100%")),
        valid(
            "no rolloutStrategy type means ServingGroupRollingUpdate",
            ms -> rollout(ms, null, 1, "50%")),
        invalid(
            "rollingUpdateConfiguration with RoleRollingUpdate",
            ms -> rollout(ms, RolloutStrategy.Type.RoleRollingUpdate, "150%", -1),
            expect(
                RUC,
                "rollingUpdateConfiguration is only used when rolloutStrategy.type is"
                    + " ServingGroupRollingUpdate; with RoleRollingUpdate, set maxUnavailable and"
                    + " partition on each role")),
        invalid(
            "maxUnavailable 150%",
            ms -> sgMode(ms, "150%", null),
            expect(
                RUC + ".maxUnavailable",
                "maxUnavailable must be an integer >= 0 or a percentage between 0% and 100%, got"
                    + " \"150%\"")),
        invalid(
            "negative maxUnavailable",
            ms -> sgMode(ms, -1, null),
            expect(RUC + ".maxUnavailable", "got -1")),
        invalid(
            "maxUnavailable as a quoted number",
            ms -> sgMode(ms, "2", null),
            expect(RUC + ".maxUnavailable", "got \"2\"")),
        invalid(
            "maxUnavailable 0",
            ms -> sgMode(ms, 0, null),
            expect(
                RUC + ".maxUnavailable",
                "maxUnavailable must be at least 1, otherwise the rolling update could never"
                    + " proceed")),
        invalid(
            "maxUnavailable 0%",
            ms -> sgMode(ms, "0%", null),
            expect(
                RUC + ".maxUnavailable",
                "maxUnavailable \"0%\" of 2 serving groups rounds down to 0")),
        invalid(
            "maxUnavailable percentage rounding down to 0 suggests the smallest that works",
            ms -> {
              ms.getSpec().setReplicas(3);
              sgMode(ms, "33%", null);
            },
            expect(
                RUC + ".maxUnavailable",
                "\"33%\" of 3 serving groups rounds down to 0, so the rolling update"
                    + " could never proceed; use at least 34% or an integer >= 1")),
        valid(
            "maxUnavailable percentage with 0 serving groups",
            ms -> {
              ms.getSpec().setReplicas(0);
              sgMode(ms, "10%", null);
            }),
        invalid(
            "partition 101%",
            ms -> sgMode(ms, 1, "101%"),
            expect(
                RUC + ".partition",
                "partition must be an integer >= 0 or a percentage between 0% and 100%, got"
                    + " \"101%\"")),
        invalid(
            "negative partition", ms -> sgMode(ms, 1, -3), expect(RUC + ".partition", "got -3")),
        invalid(
            "both fields bad",
            ms -> sgMode(ms, "x", "y"),
            expect(RUC + ".maxUnavailable", "got \"x\""),
            expect(RUC + ".partition", "got \"y\"")),

        // Rule 6: role-level maxUnavailable and partition.
        invalid(
            "role partition with ServingGroupRollingUpdate",
            ms -> decode(ms).setPartition(new IntOrString(1)),
            expect(
                ROLE1 + ".partition",
                "partition on a role is only used when rolloutStrategy.type is RoleRollingUpdate")),
        invalid(
            "bad role partition with ServingGroupRollingUpdate",
            ms -> decode(ms).setPartition(new IntOrString("200%")),
            expect(ROLE1 + ".partition", "got \"200%\""),
            expect(
                ROLE1 + ".partition", "only used when rolloutStrategy.type is RoleRollingUpdate")),
        valid(
            "role partition with RoleRollingUpdate",
            ms -> {
              roleMode(ms);
              decode(ms).setPartition(new IntOrString("50%"));
            }),
        invalid(
            "bad role partition with RoleRollingUpdate",
            ms -> {
              roleMode(ms);
              decode(ms).setPartition(new IntOrString(-1));
            },
            expect(ROLE1 + ".partition", "partition must be an integer >= 0 or a percentage")),
        valid(
            "role maxUnavailable is ignored with ServingGroupRollingUpdate",
            ms -> decode(ms).setMaxUnavailable(new IntOrString(0))),
        valid(
            "role maxUnavailable missing with RoleRollingUpdate",
            ms -> {
              roleMode(ms);
              decode(ms).setMaxUnavailable(null);
            }),
        valid(
            "role maxUnavailable equal to role replicas",
            ms -> {
              roleMode(ms);
              decode(ms).setMaxUnavailable(new IntOrString(2));
            }),
        invalid(
            "role maxUnavailable above role replicas",
            ms -> {
              roleMode(ms);
              decode(ms).setMaxUnavailable(new IntOrString(3));
            },
            expect(
                ROLE1 + ".maxUnavailable",
                "maxUnavailable 3 is more than the role's 2 replicas; use an integer between 1 and"
                    + " 2")),
        invalid(
            "role maxUnavailable 0",
            ms -> {
              roleMode(ms);
              decode(ms).setMaxUnavailable(new IntOrString(0));
            },
            expect(ROLE1 + ".maxUnavailable", "maxUnavailable must be at least 1")),
        invalid(
            "role maxUnavailable 49% of 2",
            ms -> {
              roleMode(ms);
              decode(ms).setMaxUnavailable(new IntOrString("49%"));
            },
            expect(
                ROLE1 + ".maxUnavailable",
                "\"49%\" of 2 role replicas rounds down to 0, so the rolling"
                    + " update could never proceed; use at least 50% or an integer >= 1")),
        invalid(
            "role maxUnavailable not a percentage",
            ms -> {
              roleMode(ms);
              decode(ms).setMaxUnavailable(new IntOrString("all"));
            },
            expect(ROLE1 + ".maxUnavailable", "got \"all\"")),
        invalid(
            "nil role replicas count as 1 for role maxUnavailable",
            ms -> {
              roleMode(ms);
              decode(ms).setReplicas(null);
              decode(ms).setMaxUnavailable(new IntOrString(2));
            },
            expect(ROLE1 + ".replicas", "must be set"),
            expect(ROLE1 + ".maxUnavailable", "more than the role's 1 replicas")),
        valid(
            "role maxUnavailable with 0 role replicas",
            ms -> {
              roleMode(ms);
              decode(ms).setReplicas(0);
            }),

        // Rule 7: gangPolicy.minRoleReplicas.
        valid(
            "minRoleReplicas within role replicas",
            ms -> minRoleReplicas(ms, "prefill", 0, "decode", 2)),
        invalid(
            "minRoleReplicas for an unknown role",
            ms -> minRoleReplicas(ms, "encode", 1),
            expect(
                "spec.template.gangPolicy.minRoleReplicas[encode]",
                "role \"encode\" does not exist; the keys of minRoleReplicas must be role names"
                    + " from spec.template.roles (prefill, decode)")),
        invalid(
            "minRoleReplicas above role replicas",
            ms -> minRoleReplicas(ms, "decode", 3),
            expect(
                "spec.template.gangPolicy.minRoleReplicas[decode]",
                "minRoleReplicas for role \"decode\" must be between 0 and the role's replicas (2),"
                    + " got 3")),
        invalid(
            "negative minRoleReplicas",
            ms -> minRoleReplicas(ms, "prefill", -1),
            expect("spec.template.gangPolicy.minRoleReplicas[prefill]", "got -1")),
        invalid(
            "minRoleReplicas reported in key order",
            ms -> minRoleReplicas(ms, "zeta", 1, "alpha", 1),
            expect("spec.template.gangPolicy.minRoleReplicas[alpha]", "does not exist"),
            expect("spec.template.gangPolicy.minRoleReplicas[zeta]", "does not exist")),

        // Rule 8 and the CRD: templates and workerReplicas.
        invalid(
            "negative workerReplicas",
            ms -> prefill(ms).setWorkerReplicas(-1),
            expect(
                ROLE0 + ".workerReplicas",
                "workerReplicas (worker pods per role replica) must be an integer >= 0, got -1")),
        invalid(
            "workers without workerTemplate",
            ms -> decode(ms).setWorkerTemplate(null),
            expect(
                ROLE1 + ".workerTemplate",
                "workerTemplate is required when workerReplicas is greater than 0 (it is 1)")),
        valid(
            "workerTemplate without workers",
            ms -> prefill(ms).setWorkerTemplate(podTemplate("vllm"))),
        invalid(
            "workerReplicas missing",
            ms -> prefill(ms).setWorkerReplicas(null),
            expect(ROLE0 + ".workerReplicas", "must be set to an integer >= 0")),
        invalid(
            "entryTemplate missing",
            ms -> prefill(ms).setEntryTemplate(null),
            expect(ROLE0 + ".entryTemplate", "entryTemplate is required")),

        // Rule 9: recoveryPolicy against the rollout type.
        invalid(
            "ServingGroupRecreate with RoleRollingUpdate",
            ms -> {
              ms.getSpec().setRecoveryPolicy(RecoveryPolicy.ServingGroupRecreate);
              roleMode(ms);
            },
            expect(
                "spec.rolloutStrategy.type",
                "rolloutStrategy.type RoleRollingUpdate cannot be combined with recoveryPolicy"
                    + " ServingGroupRecreate")),
        valid(
            "ServingGroupRecreate without rolloutStrategy",
            ms -> ms.getSpec().setRecoveryPolicy(RecoveryPolicy.ServingGroupRecreate)),
        valid(
            "ServingGroupRecreate with a rolloutStrategy without type",
            ms -> {
              ms.getSpec().setRecoveryPolicy(RecoveryPolicy.ServingGroupRecreate);
              rollout(ms, null, null, null);
            }),
        valid(
            "None with RoleRollingUpdate",
            ms -> {
              ms.getSpec().setRecoveryPolicy(RecoveryPolicy.None);
              roleMode(ms);
            }),
        valid(
            "RoleRecreate with RoleRollingUpdate",
            ms -> {
              ms.getSpec().setRecoveryPolicy(RecoveryPolicy.RoleRecreate);
              roleMode(ms);
            }),

        // Missing parts of the object are violations, never exceptions.
        invalid("spec missing", ms -> ms.setSpec(null), expect("spec", "spec is required")),
        invalid(
            "template missing",
            ms -> ms.getSpec().setTemplate(null),
            expect(
                "spec.template",
                "template (the serving group template with its roles) is required")),
        invalid(
            "metadata missing",
            ms -> ms.setMetadata(null),
            expect("metadata.name", "metadata.name is required")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void validate(String name, Consumer<ModelServing> change, List<Expected> expected) {
    ModelServing ms = validModelServing();
    change.accept(ms);

    List<Violation> violations = ModelServingValidator.validate(ms);

    assertThat(violations)
        .extracting(Violation::field)
        .containsExactlyElementsOf(expected.stream().map(Expected::field).toList());
    for (int i = 0; i < expected.size(); i++) {
      assertThat(violations.get(i).message()).contains(expected.get(i).messageFragment());
    }
  }

  @Test
  void collectsEveryViolationInRuleOrder() {
    ModelServing ms = validModelServing();
    ms.getMetadata().setName("1llama");
    prefill(ms).setName("Prefill");
    ms.getSpec().setReplicas(-1);
    sgMode(ms, "150%", null);
    minRoleReplicas(ms, "encode", 1);
    decode(ms).setWorkerTemplate(null);

    assertThat(ModelServingValidator.validate(ms))
        .extracting(Violation::field)
        .containsExactly(
            "metadata.name",
            ROLE0 + ".name",
            "spec.replicas",
            RUC + ".maxUnavailable",
            "spec.template.gangPolicy.minRoleReplicas[encode]",
            ROLE1 + ".workerTemplate");
  }

  @Test
  void countsCharactersInTheSingular() {
    ModelServing ms = validModelServing();
    ms.getMetadata().setName(name(50));

    assertThat(ModelServingValidator.validate(ms))
        .singleElement()
        .satisfies(v -> assertThat(v.message()).endsWith("by 1 character"));
  }

  @Test
  void violationPrintsAsFieldColonMessage() {
    assertThat(new Violation("spec.replicas", "must be >= 0"))
        .hasToString("spec.replicas: must be >= 0");
  }

  @Test
  void doesNotChangeTheModelServing() {
    ModelServing ms = validModelServing();
    sgMode(ms, "150%", null);
    ModelServing before = validModelServing();
    sgMode(before, "150%", null);

    ModelServingValidator.validate(ms);

    KubernetesSerialization json = new KubernetesSerialization();
    assertThat(json.asJson(ms)).isEqualTo(json.asJson(before));
  }
}
