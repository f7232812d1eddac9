package dev.modelserving.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

class ServedApisTest {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  private static CustomResourceDefinition crd(String status) {
    return JSON.unmarshal(
        "{\"apiVersion\":\"apiextensions.k8s.io/v1\",\"kind\":\"CustomResourceDefinition\","
            + "\"metadata\":{\"name\":\"leaderworkersets.leaderworkerset.x-k8s.io\"}"
            + (status == null ? "" : ",\"status\":" + status)
            + "}",
        CustomResourceDefinition.class);
  }

  @Test
  void aCrdJustCreatedHasNoConditionsAndIsNotEstablishedYet() {
    assertThat(ServedApis.established(crd(null))).isFalse();
    assertThat(ServedApis.established(crd("{}"))).isFalse();
    assertThat(ServedApis.established(crd("{\"conditions\":null,\"storedVersions\":[\"v1\"]}")))
        .isFalse();
    assertThat(ServedApis.established(null)).isFalse();
  }

  @Test
  void establishedTrueCountsUnlessTheCrdIsBeingDeleted() {
    CustomResourceDefinition ok =
        crd(
            "{\"conditions\":[{\"type\":\"NamesAccepted\",\"status\":\"True\"},{\"type\":\"Established\",\"status\":\"True\"}]}");
    assertThat(ServedApis.established(ok)).isTrue();
    assertThat(
            ServedApis.established(
                crd("{\"conditions\":[{\"type\":\"Established\",\"status\":\"False\"}]}")))
        .isFalse();
    ok.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
    assertThat(ServedApis.established(ok)).isFalse();
  }
}
