package dev.modelserving.controller.podgen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.PluginSpec;
import dev.modelserving.api.v1alpha1.RecoveryPolicy;
import dev.modelserving.api.v1alpha1.Role;
import dev.modelserving.controller.testing.ModelServingFixture;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RevisionsTest {
  /** Label values: at most 63 characters, alphanumeric at both ends, [-_.a-zA-Z0-9] between. */
  private static final String LABEL_VALUE = "^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$";

  private static ModelServing base() {
    return ModelServingFixture.named("m")
        .replicas(2)
        .role("prefill", 1, 2)
        .role("decode", 2, 0)
        .build();
  }

  private static String revision(ModelServing ms) {
    return Revisions.ofRoles(ms.getSpec().getTemplate().getRoles());
  }

  private static Role role(ModelServing ms, int i) {
    return ms.getSpec().getTemplate().getRoles().get(i);
  }

  @Test
  void stableAcrossCallsAndEqualInputs() {
    assertThat(revision(base())).isEqualTo(revision(base())).isEqualTo(revision(base()));
    assertThat(Revisions.ofRole(role(base(), 0))).isEqualTo(Revisions.ofRole(role(base(), 0)));
  }

  @Test
  void isAValidLabelValueFromTheSafeAlphabet() {
    for (String hash :
        List.of(
            revision(base()), Revisions.ofRole(role(base(), 0)), Revisions.ofRoles(List.of()))) {
      assertThat(hash)
          .hasSize(10)
          .matches(LABEL_VALUE)
          .matches("[bcdfghjklmnpqrstvwxz2456789]{10}");
    }
  }

  @Test
  void independentOfMapKeyOrder() {
    Map<String, String> forward = new LinkedHashMap<>();
    Map<String, String> backward = new LinkedHashMap<>();
    List<String> keys = new ArrayList<>(List.of("a", "b", "c", "app.kubernetes.io/name", "z"));
    keys.forEach(k -> forward.put(k, "v-" + k));
    Collections.reverse(keys);
    keys.forEach(k -> backward.put(k, "v-" + k));
    assertThat(forward.keySet()).isNotEqualTo(List.copyOf(backward.keySet()));

    ModelServing one =
        ModelServingFixture.named("m")
            .role(
                "r",
                1,
                1,
                r -> {
                  ModelServingFixture.metadataOf(r.getEntryTemplate()).getLabels().putAll(forward);
                  r.getEntryTemplate().getSpec().setNodeSelector(forward);
                })
            .build();
    ModelServing other =
        ModelServingFixture.named("m")
            .role(
                "r",
                1,
                1,
                r -> {
                  ModelServingFixture.metadataOf(r.getEntryTemplate()).getLabels().putAll(backward);
                  r.getEntryTemplate().getSpec().setNodeSelector(backward);
                })
            .build();

    assertThat(revision(one)).isEqualTo(revision(other));
    assertThat(Revisions.ofRole(role(one, 0))).isEqualTo(Revisions.ofRole(role(other, 0)));
  }

  @Test
  void roleHashDependsOnlyOnItsOwnRole() {
    ModelServing ms = base();
    ModelServing otherDecode = base();
    role(otherDecode, 1).getEntryTemplate().getSpec().getContainers().get(0).setImage("vllm:2");
    assertThat(Revisions.ofRole(role(otherDecode, 0))).isEqualTo(Revisions.ofRole(role(ms, 0)));
    assertThat(Revisions.ofRole(role(otherDecode, 1))).isNotEqualTo(Revisions.ofRole(role(ms, 1)));
    assertThat(Revisions.ofRole(role(ms, 0))).isNotEqualTo(Revisions.ofRole(role(ms, 1)));
  }

  static Stream<Arguments> podShapingChanges() {
    return Stream.of(
        change(
            "entry image",
            ms ->
                role(ms, 0)
                    .getEntryTemplate()
                    .getSpec()
                    .getContainers()
                    .get(0)
                    .setImage("nginx:2")),
        change(
            "worker image",
            ms ->
                role(ms, 0)
                    .getWorkerTemplate()
                    .getSpec()
                    .getContainers()
                    .get(0)
                    .setImage("nginx:2")),
        change(
            "entry template env",
            ms ->
                role(ms, 0)
                    .getEntryTemplate()
                    .getSpec()
                    .getContainers()
                    .get(0)
                    .setEnv(List.of(new EnvVar("A", "1", null)))),
        change(
            "entry template label",
            ms ->
                ModelServingFixture.metadataOf(role(ms, 1).getEntryTemplate())
                    .getLabels()
                    .put("a", "b")),
        change("workerReplicas", ms -> role(ms, 0).setWorkerReplicas(3)),
        change("role name", ms -> role(ms, 1).setName("generate")),
        change("role order", ms -> Collections.reverse(ms.getSpec().getTemplate().getRoles())),
        change("role removed", ms -> ms.getSpec().getTemplate().getRoles().remove(1)),
        change(
            "role added",
            ms ->
                ms.getSpec()
                    .getTemplate()
                    .getRoles()
                    .add(
                        ModelServingFixture.named("x")
                            .role("router", 1, 0)
                            .build()
                            .getSpec()
                            .getTemplate()
                            .getRoles()
                            .get(0))),
        change("worker template removed", ms -> role(ms, 0).setWorkerTemplate(null)));
  }

  @ParameterizedTest(name = "changes when the {0} changes")
  @MethodSource("podShapingChanges")
  void changesWhenPodShapeChanges(String what, Consumer<ModelServing> change) {
    ModelServing ms = base();
    change.accept(ms);
    assertThat(revision(ms)).isNotEqualTo(revision(base()));
  }

  static Stream<Arguments> scalingAndPolicyChanges() {
    return Stream.of(
        change("role replicas", ms -> role(ms, 1).setReplicas(5)),
        change("role replicas unset", ms -> role(ms, 1).setReplicas(null)),
        change("role maxUnavailable", ms -> role(ms, 0).setMaxUnavailable(new IntOrString("50%"))),
        change("role partition", ms -> role(ms, 0).setPartition(new IntOrString(1))),
        change("spec.replicas", ms -> ms.getSpec().setReplicas(7)),
        change("spec.schedulerName", ms -> ms.getSpec().setSchedulerName("volcano")),
        change(
            "spec.plugins",
            ms -> {
              PluginSpec plugin = new PluginSpec();
              plugin.setName("p");
              plugin.setType(PluginSpec.Type.BuiltIn);
              ms.getSpec().setPlugins(List.of(plugin));
            }),
        change("spec.recoveryPolicy", ms -> ms.getSpec().setRecoveryPolicy(RecoveryPolicy.None)),
        change(
            "restartGracePeriodSeconds",
            ms -> ms.getSpec().getTemplate().setRestartGracePeriodSeconds(60L)),
        change(
            "metadata (name, uid, generation)",
            ms -> {
              ms.getMetadata().setName("other");
              ms.getMetadata().setUid("u2");
              ms.getMetadata().setGeneration(9L);
            }));
  }

  @ParameterizedTest(name = "does not change when the {0} changes")
  @MethodSource("scalingAndPolicyChanges")
  void unchangedByScalingAndPolicies(String what, Consumer<ModelServing> change) {
    ModelServing ms = base();
    change.accept(ms);
    assertThat(revision(ms)).isEqualTo(revision(base()));
    assertThat(Revisions.ofRole(role(ms, 0))).isEqualTo(Revisions.ofRole(role(base(), 0)));
    assertThat(Revisions.ofRole(role(ms, 1))).isEqualTo(Revisions.ofRole(role(base(), 1)));
  }

  private static Arguments change(String what, Consumer<ModelServing> change) {
    return Arguments.of(what, change);
  }
}
