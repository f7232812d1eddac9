package dev.modelserving.controller.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.controller.lws.LwsValidator;
import dev.modelserving.controller.validation.ModelServingValidator;
import dev.modelserving.controller.validation.Violation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The chart's ValidatingAdmissionPolicies refuse, at `kubectl apply`, the LeaderWorkerSets and
 * ModelServings the controller would reject, with the controller's own message (computed here by
 * the controller's validators, so the two cannot drift apart unnoticed); valid ones are accepted.
 */
class AdmissionPolicyIT {
  static final String RELEASE = "adm-it";
  @RegisterExtension static final TestNamespace release = new TestNamespace("adm-release");
  @RegisterExtension static final TestNamespace ns = new TestNamespace("adm");

  @BeforeAll
  static void install() {
    Helm.install(RELEASE, release.name(), "--set", "replicas=0");
    // The API server picks new policies up asynchronously.
    String invalid = lwsYaml("warmup", 1, 0, "", "");
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> apply(invalid, true).output().contains("denied request"));
  }

  @AfterAll
  static void uninstall() {
    if (release.name() != null) {
      Helm.uninstall(RELEASE, release.name());
    }
  }

  static String lwsYaml(
      String name, int replicas, int size, String extraSpec, String extraTemplate) {
    return "apiVersion: leaderworkerset.x-k8s.io/v1\nkind: LeaderWorkerSet\nmetadata:\n  name: "
        + name
        + "\n"
        + "spec:\n  replicas: "
        + replicas
        + "\n"
        + extraSpec
        + "  leaderWorkerTemplate:\n    size: "
        + size
        + "\n"
        + extraTemplate
        + "    workerTemplate:\n      spec:\n        containers:\n        - name: c\n          image: registry.k8s.io/pause:3.10\n";
  }

  static Stream<Arguments> invalidLeaderWorkerSets() {
    String annotated =
        "apiVersion: leaderworkerset.x-k8s.io/v1\nkind: LeaderWorkerSet\nmetadata:\n  name: annotated\n"
            + "  annotations:\n    leaderworkerset.sigs.k8s.io/subgroup-exclusive-topology: topology.kubernetes.io/zone\n"
            + "spec:\n  replicas: 1\n  leaderWorkerTemplate:\n    size: 2\n"
            + "    workerTemplate:\n      spec:\n        containers:\n        - name: c\n          image: registry.k8s.io/pause:3.10\n";
    String noContainers =
        "apiVersion: leaderworkerset.x-k8s.io/v1\nkind: LeaderWorkerSet\nmetadata:\n  name: empty\n"
            + "spec:\n  leaderWorkerTemplate:\n    size: 2\n    workerTemplate:\n      spec:\n        containers: []\n";
    return Stream.of(
        Arguments.of("size 0", lwsYaml("size-zero", 1, 0, "", "")),
        Arguments.of(
            "maxUnavailable and maxSurge 0",
            lwsYaml(
                "no-progress",
                2,
                1,
                "  rolloutStrategy:\n    type: RollingUpdate\n    rollingUpdateConfiguration:\n      maxUnavailable: 0\n      maxSurge: 0\n",
                "")),
        Arguments.of(
            "10% of 2 rounds down to 0",
            lwsYaml(
                "percent",
                2,
                1,
                "  rolloutStrategy:\n    type: RollingUpdate\n    rollingUpdateConfiguration:\n      maxUnavailable: \"10%\"\n",
                "")),
        Arguments.of(
            "maxSurge 150%",
            lwsYaml(
                "surge",
                2,
                1,
                "  rolloutStrategy:\n    type: RollingUpdate\n    rollingUpdateConfiguration:\n      maxSurge: \"150%\"\n",
                "")),
        Arguments.of(
            "maxUnavailable not a percent",
            lwsYaml(
                "not-percent",
                2,
                1,
                "  rolloutStrategy:\n    type: RollingUpdate\n    rollingUpdateConfiguration:\n      maxUnavailable: \"5\"\n",
                "")),
        Arguments.of(
            "partition -1",
            lwsYaml(
                "partition",
                2,
                1,
                "  rolloutStrategy:\n    type: RollingUpdate\n    rollingUpdateConfiguration:\n      partition: -1\n",
                "")),
        Arguments.of(
            "subGroupSize divides neither size nor size - 1",
            lwsYaml("subgroups", 1, 5, "", "    subGroupPolicy:\n      subGroupSize: 3\n")),
        Arguments.of(
            "subGroupSize larger than size",
            lwsYaml("subgroups-large", 1, 2, "", "    subGroupPolicy:\n      subGroupSize: 4\n")),
        Arguments.of(
            "LeaderExcluded needs size - 1 divisible",
            lwsYaml(
                "excluded",
                1,
                4,
                "",
                "    subGroupPolicy:\n      subGroupPolicyType: LeaderExcluded\n      subGroupSize: 2\n")),
        Arguments.of(
            "subGroupSize missing",
            lwsYaml(
                "subgroups-missing",
                1,
                4,
                "",
                "    subGroupPolicy:\n      subGroupPolicyType: LeaderWorker\n")),
        Arguments.of("subgroup-exclusive-topology without subGroupPolicy", annotated),
        Arguments.of(
            "pod names longer than 63",
            lwsYaml("a-very-long-name-for-a-leader-worker-set-that-keeps-going-on", 12, 4, "", "")),
        Arguments.of("no containers", noContainers));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidLeaderWorkerSets")
  void invalidLeaderWorkerSetIsRefusedWithTheControllerMessage(String description, String yaml) {
    LeaderWorkerSet lws = Lws.fromYaml(yaml);
    List<Violation> violations = new ArrayList<>(LwsValidator.validate(lws));
    violations.addAll(LwsValidator.unsupported(lws));
    assertThat(violations).as("the controller rejects it too").isNotEmpty();
    Kubectl.Result r = apply(yaml, false);
    assertThat(r.exitCode()).as(r.output()).isNotZero();
    assertThat(r.output())
        .contains(
            "ValidatingAdmissionPolicy '" + RELEASE + "-modelserving-controller-leaderworkerset'")
        .contains("denied request: " + violations.get(0));
  }

  @Test
  void subGroupSizeIsImmutable() {
    String before = lwsYaml("immutable", 1, 4, "", "    subGroupPolicy:\n      subGroupSize: 2\n");
    String after = lwsYaml("immutable", 1, 4, "", "    subGroupPolicy:\n      subGroupSize: 4\n");
    assertThat(apply(before, false).exitCode()).isZero();
    List<Violation> violations =
        LwsValidator.validateUpdate(Lws.fromYaml(before), Lws.fromYaml(after));
    assertThat(violations).hasSize(1);
    Kubectl.Result r = apply(after, false);
    assertThat(r.exitCode()).as(r.output()).isNotZero();
    assertThat(r.output()).contains("denied request: " + violations.get(0));
    String removed = lwsYaml("immutable", 1, 4, "", "");
    r = apply(removed, false);
    assertThat(r.output())
        .contains(
            "denied request: "
                + LwsValidator.validateUpdate(Lws.fromYaml(before), Lws.fromYaml(removed)).get(0));
  }

  @Test
  void validObjectsAreAccepted() {
    assertThat(apply(lwsYaml("valid", 2, 3, "", ""), false).exitCode()).isZero();
    assertThat(
            apply(
                    lwsYaml(
                        "valid-subgroups",
                        2,
                        5,
                        "",
                        "    subGroupPolicy:\n      subGroupPolicyType: LeaderExcluded\n      subGroupSize: 2\n"),
                    false)
                .exitCode())
        .isZero();
    assertThat(
            apply(msYaml("valid-ms", "leader", "registry.k8s.io/pause:3.10", 1, true, ""), false)
                .exitCode())
        .isZero();
    assertThat(
            apply(
                    msYaml(
                        "valid-role-update",
                        "leader",
                        "registry.k8s.io/pause:3.10",
                        0,
                        false,
                        "  rolloutStrategy:\n    type: RoleRollingUpdate\n"),
                    false)
                .exitCode())
        .isZero();
  }

  static String msYaml(
      String name,
      String role,
      String image,
      int workers,
      boolean workerTemplate,
      String extraSpec) {
    String container = "{spec: {containers: [{name: c, image: \"" + image + "\"}]}}";
    return "apiVersion: workload.serving.volcano.sh/v1alpha1\nkind: ModelServing\nmetadata:\n  name: "
        + name
        + "\n"
        + "spec:\n  replicas: 1\n"
        + extraSpec
        + "  template:\n    roles:\n    - name: "
        + role
        + "\n      replicas: 1\n      entryTemplate: "
        + container
        + "\n"
        + "      workerReplicas: "
        + workers
        + "\n"
        + (workerTemplate ? "      workerTemplate: " + container + "\n" : "");
  }

  static Stream<Arguments> invalidModelServings() {
    String pause = "registry.k8s.io/pause:3.10";
    return Stream.of(
        Arguments.of(
            "workerTemplate missing", msYaml("no-worker-template", "leader", pause, 2, false, "")),
        Arguments.of(
            "image with a space",
            msYaml("spaced-image", "leader", "registry.k8s.io/pause :3.10", 0, false, "")),
        Arguments.of("role name not DNS-1035", msYaml("upper-role", "Leader", pause, 0, false, "")),
        Arguments.of(
            "rollingUpdateConfiguration with RoleRollingUpdate",
            msYaml(
                "role-update-config",
                "leader",
                pause,
                0,
                false,
                "  rolloutStrategy:\n    type: RoleRollingUpdate\n    rollingUpdateConfiguration:\n      maxUnavailable: 1\n")),
        Arguments.of(
            "ServingGroupRecreate with RoleRollingUpdate",
            msYaml(
                "recreate",
                "leader",
                pause,
                0,
                false,
                "  recoveryPolicy: ServingGroupRecreate\n  rolloutStrategy:\n    type: RoleRollingUpdate\n")),
        Arguments.of(
            "gangPolicy key not a role",
            msYaml("gang", "leader", pause, 0, false, "")
                .replace(
                    "    roles:\n",
                    "    gangPolicy:\n      minRoleReplicas:\n        decode: 1\n    roles:\n")),
        Arguments.of(
            "metadata.name not a DNS-1035 prefix",
            msYaml("1st-model", "leader", pause, 0, false, "")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidModelServings")
  void invalidModelServingIsRefusedWithTheControllerMessage(String description, String yaml) {
    ModelServing ms =
        LocalCluster.client().getKubernetesSerialization().unmarshal(yaml, ModelServing.class);
    List<Violation> violations = ModelServingValidator.validate(ms);
    assertThat(violations).as("the controller rejects it too").isNotEmpty();
    Kubectl.Result r = apply(yaml, false);
    assertThat(r.exitCode()).as(r.output()).isNotZero();
    assertThat(r.output())
        .contains(
            "ValidatingAdmissionPolicy '" + RELEASE + "-modelserving-controller-modelserving'")
        .contains("denied request: " + violations.get(0));
  }

  private static Kubectl.Result apply(String yaml, boolean dryRun) {
    List<String> args = new ArrayList<>(List.of("apply", "--namespace", ns.name(), "-f", "-"));
    if (dryRun) {
      args.add("--dry-run=server");
    }
    return Kubectl.exec(LocalCluster.kubeconfig(), yaml, args.toArray(String[]::new));
  }
}
