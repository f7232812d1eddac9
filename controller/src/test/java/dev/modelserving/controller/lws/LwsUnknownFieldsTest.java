package dev.modelserving.controller.lws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.controller.validation.Violation;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

/**
 * Fields of a newer LWS CRD: kept by the types, named when ignored, refused when they would change
 * the workload.
 */
class LwsUnknownFieldsTest {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private static LeaderWorkerSet lws(String extraSpec, String extraTemplate) {
    return JSON.unmarshal(
        "apiVersion: leaderworkerset.x-k8s.io/v1\nkind: LeaderWorkerSet\nmetadata:\n  name: l\n"
            + "spec:\n  replicas: 2\n"
            + extraSpec
            + "  leaderWorkerTemplate:\n    size: 2\n"
            + extraTemplate
            + "    workerTemplate:\n      spec:\n        containers:\n        - name: c\n          image: pause\n",
        LeaderWorkerSet.class);
  }

  @Test
  void knownFieldsOnly() {
    assertThat(LwsUnknownFields.ignored(lws("", ""))).isEmpty();
  }

  @Test
  void newerFieldsAreNamedWithTheirPath() {
    LeaderWorkerSet lws =
        lws(
            "  scheduling:\n    topology: rack\n  networkConfig:\n    subdomainPolicy: Shared\n    dnsTtl: 5\n"
                + "  rolloutStrategy:\n    type: RollingUpdate\n    rollingUpdateConfiguration:\n      maxSurge: 1\n      pause: true\n",
            "    resourceClaimTemplates: []\n");
    assertThat(LwsUnknownFields.ignored(lws))
        .containsExactly(
            "spec.leaderWorkerTemplate.resourceClaimTemplates", "spec.networkConfig.dnsTtl",
            "spec.rolloutStrategy.rollingUpdateConfiguration.pause", "spec.scheduling");
    // Nothing is lost: the object still carries them, e.g. for a later write.
    assertThat(JSON.asJson(lws))
        .contains("\"scheduling\":{\"topology\":\"rack\"}", "\"pause\":true");
  }

  @Test
  void groupIdentityOrdinalAndGroupReplacementPolicyAreUnderstood() {
    LeaderWorkerSet lws =
        lws("  groupIdentity: Ordinal\n  groupReplacementPolicy: Immediate\n", "");
    assertThat(LwsUnknownFields.ignored(lws)).isEmpty();
    assertThat(LwsValidator.unsupported(lws)).isEmpty();
  }

  @Test
  void groupIdentityHashIsRefusedWithTheFieldAndWhy() {
    assertThat(LwsValidator.unsupported(lws("  groupIdentity: Hash\n", "")))
        .extracting(Violation::toString)
        .containsExactly(
            "spec.groupIdentity: \"Hash\" is not supported: this controller gives groups ordinal identities (pods l-<index>);"
                + " remove the field or set it to Ordinal");
  }
}
