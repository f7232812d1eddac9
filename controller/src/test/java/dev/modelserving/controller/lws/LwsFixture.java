package dev.modelserving.controller.lws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.lws.v1.LeaderWorkerTemplate;
import dev.modelserving.api.lws.v1.RollingUpdateConfiguration;
import dev.modelserving.api.lws.v1.RolloutStrategy;
import dev.modelserving.api.lws.v1.SubGroupPolicy;
import dev.modelserving.api.lws.v1.SubGroupPolicyType;
import dev.modelserving.controller.testing.PodFixture;
import dev.modelserving.controller.validation.Violation;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.params.provider.Arguments;

/** LeaderWorkerSets for the lws tests, written as the user would, and small setters for tables. */
final class LwsFixture {
  static final KubernetesSerialization SERIALIZATION = PodFixture.SERIALIZATION;

  private LwsFixture() {}

  /** "vllm": 2 groups of 4 pods, only the fields a user must write (no defaults applied). */
  static LeaderWorkerSet validLws() {
    return SERIALIZATION.unmarshal(
        """
        apiVersion: leaderworkerset.x-k8s.io/v1
        kind: LeaderWorkerSet
        metadata:
          name: vllm
          namespace: default
        spec:
          replicas: 2
          leaderWorkerTemplate:
            size: 4
            workerTemplate:
              spec:
                containers:
                - name: vllm
                  image: vllm/vllm-openai:v0.6.0
        """,
        LeaderWorkerSet.class);
  }

  static LeaderWorkerTemplate template(LeaderWorkerSet lws) {
    return lws.getSpec().getLeaderWorkerTemplate();
  }

  /** Sets rollingUpdateConfiguration; {@code null} arguments stay absent (to be defaulted). */
  static void rollingUpdate(
      LeaderWorkerSet lws, Object maxUnavailable, Object maxSurge, Integer partition) {
    RollingUpdateConfiguration config = new RollingUpdateConfiguration();
    config.setMaxUnavailable(maxUnavailable == null ? null : new IntOrString(maxUnavailable));
    config.setMaxSurge(maxSurge == null ? null : new IntOrString(maxSurge));
    config.setPartition(partition);
    RolloutStrategy strategy = new RolloutStrategy();
    strategy.setRollingUpdateConfiguration(config);
    lws.getSpec().setRolloutStrategy(strategy);
  }

  static void subGroups(LeaderWorkerSet lws, Integer subGroupSize, SubGroupPolicyType type) {
    SubGroupPolicy policy = new SubGroupPolicy();
    policy.setSubGroupSize(subGroupSize);
    policy.setSubGroupPolicyType(type);
    template(lws).setSubGroupPolicy(policy);
  }

  static void annotate(LeaderWorkerSet lws, String key) {
    lws.getMetadata().setAnnotations(Map.of(key, "cloud.google.com/gke-nodepool"));
  }

  static String name(int length) {
    return "v".repeat(length);
  }

  /** An expected violation: its exact field and a fragment of its message. */
  record Expected(String field, String messageFragment) {}

  static Expected expect(String field, String messageFragment) {
    return new Expected(field, messageFragment);
  }

  static Arguments invalid(String name, Consumer<LeaderWorkerSet> change, Expected... expected) {
    return Arguments.of(name, change, List.of(expected));
  }

  static Arguments valid(String name, Consumer<LeaderWorkerSet> change) {
    return Arguments.of(name, change, List.of());
  }

  /** Fields in order, and each message containing its fragment. */
  static void assertMatches(List<Violation> violations, List<Expected> expected) {
    assertThat(violations)
        .extracting(Violation::field)
        .containsExactlyElementsOf(expected.stream().map(Expected::field).toList());
    for (int i = 0; i < expected.size(); i++) {
      assertThat(violations.get(i).message()).contains(expected.get(i).messageFragment());
    }
  }
}
