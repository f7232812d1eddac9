package dev.modelserving.controller.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.api.UpstreamFiles;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real API server accepts the upstream manifests under the schemas we install (the unmodified
 * upstream LWS CRD and our generated ModelServing CRD), applies the schema defaults, and rejects
 * what the schemas forbid.
 */
class UpstreamManifestsAcceptedIT {
  @RegisterExtension static final TestNamespace ns = new TestNamespace("manifests");

  static List<Path> lwsExamples() {
    return UpstreamFiles.lwsExamples();
  }

  static List<Path> modelServingExamples() {
    return UpstreamFiles.kthenaModelServingExamples();
  }

  private static List<HasMetadata> load(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return LocalCluster.client().load(in).items();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("lwsExamples")
  void upstreamLwsExampleIsAcceptedByServerSideDryRun(Path file) throws IOException {
    List<HasMetadata> items = load(file);
    assertThat(items).extracting(HasMetadata::getKind).contains("LeaderWorkerSet");
    for (HasMetadata item : items) {
      HasMetadata accepted =
          LocalCluster.client().resource(item).inNamespace(ns.name()).dryRun().create();
      assertThat(accepted.getMetadata().getUid())
          .as("server-assigned uid of %s", item.getKind())
          .isNotBlank();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("modelServingExamples")
  void kthenaModelServingExampleIsAcceptedByServerSideDryRun(Path file) throws IOException {
    List<HasMetadata> items = load(file);
    assertThat(items).extracting(HasMetadata::getKind).contains("ModelServing");
    for (HasMetadata item : items) {
      LocalCluster.client().resource(item).inNamespace(ns.name()).dryRun().create();
    }
  }

  @Test
  void upstreamLwsSchemaDefaultsAreApplied() {
    var lws = lws("defaults", "{\"rolloutStrategy\": {\"rollingUpdateConfiguration\": {}}}");
    var created = LocalCluster.client().resource(lws).inNamespace(ns.name()).create();
    Map<String, Object> spec = created.get("spec");
    assertThat(spec).containsEntry("replicas", 1).containsEntry("startupPolicy", "LeaderCreated");
    assertThat(created.<Object>get("spec", "leaderWorkerTemplate", "size")).isEqualTo(1);
    assertThat(created.<Object>get("spec", "leaderWorkerTemplate", "restartPolicy"))
        .isEqualTo("RecreateGroupOnPodRestart");
    // Nested defaults apply only where the parent object is present.
    assertThat(created.<Object>get("spec", "rolloutStrategy", "type")).isEqualTo("RollingUpdate");
    Map<String, Object> rolling =
        created.get("spec", "rolloutStrategy", "rollingUpdateConfiguration");
    assertThat(rolling)
        .containsEntry("maxUnavailable", 1)
        .containsEntry("maxSurge", 0)
        .containsEntry("partition", 0);
  }

  @Test
  void upstreamLwsSchemaRejectsAnUnknownStartupPolicy() {
    var lws = lws("bad-startup", "{\"startupPolicy\": \"Whenever\"}");
    assertThatThrownBy(() -> LocalCluster.client().resource(lws).inNamespace(ns.name()).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.startupPolicy")
        .hasMessageContaining("Whenever");
  }

  @Test
  void modelServingSchemaRejectsDuplicateRoleNames() {
    var ms =
        modelServing("dup-roles", "{\"roles\": [" + role("prefill") + "," + role("prefill") + "]}");
    assertThatThrownBy(() -> LocalCluster.client().resource(ms).inNamespace(ns.name()).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("roles name must be unique");
  }

  @Test
  void modelServingSchemaRejectsARoleNameLongerThan12() {
    var ms = modelServing("long-role", "{\"roles\": [" + role("averyveryverylongrole") + "]}");
    assertThatThrownBy(() -> LocalCluster.client().resource(ms).inNamespace(ns.name()).create())
        .isInstanceOf(KubernetesClientException.class)
        .hasMessageContaining("spec.template.roles[0].name");
  }

  private static String role(String name) {
    return "{\"name\": \""
        + name
        + "\", \"replicas\": 1, \"workerReplicas\": 0, \"entryTemplate\": {\"spec\": {\"containers\":"
        + " [{\"name\": \"c\", \"image\": \"registry.k8s.io/pause:3.10\"}]}}}";
  }

  static GenericKubernetesResource lws(String name, String extraSpecJson) {
    String json =
        "{\"apiVersion\": \"leaderworkerset.x-k8s.io/v1\", \"kind\": \"LeaderWorkerSet\","
            + " \"metadata\": {\"name\": \""
            + name
            + "\"}, \"spec\": {\"leaderWorkerTemplate\": {\"workerTemplate\": {\"spec\":"
            + " {\"containers\": [{\"name\": \"c\", \"image\": \"registry.k8s.io/pause:3.10\"}]}}}}}";
    GenericKubernetesResource r = Serialization.unmarshal(json, GenericKubernetesResource.class);
    Map<String, Object> extra = Serialization.unmarshal(extraSpecJson, Map.class);
    r.<Map<String, Object>>get("spec").putAll(extra);
    return r;
  }

  static GenericKubernetesResource modelServing(String name, String templateJson) {
    String json =
        "{\"apiVersion\": \"workload.serving.volcano.sh/v1alpha1\", \"kind\": \"ModelServing\","
            + " \"metadata\": {\"name\": \""
            + name
            + "\"}, \"spec\": {\"replicas\": 1, \"template\": "
            + templateJson
            + "}}";
    return Serialization.unmarshal(json, GenericKubernetesResource.class);
  }

  static KubernetesClient client() {
    return LocalCluster.client();
  }
}
