package dev.modelserving.controller.it;

import dev.modelserving.api.v1alpha1.ModelServing;

/**
 * Small ModelServing manifests for tests, written as YAML so that they read like what users write.
 */
final class ModelServingYaml {
  private ModelServingYaml() {}

  static final String PAUSE =
      "{\"containers\": [{\"name\": \"c\", \"image\": \"registry.k8s.io/pause:3.10\"}]}";

  static String role(String name, int replicas, int workers) {
    return role(name, replicas, workers, PAUSE);
  }

  static String role(String name, int replicas, int workers, String entrySpecJson) {
    return "    - name: "
        + name
        + "\n"
        + "      replicas: "
        + replicas
        + "\n"
        + "      workerReplicas: "
        + workers
        + "\n"
        + "      entryTemplate:\n"
        + "        spec: "
        + entrySpecJson
        + "\n"
        + (workers > 0 ? "      workerTemplate:\n        spec: " + PAUSE + "\n" : "");
  }

  /** {@code specExtra} is indented by two spaces, e.g. {@code " recoveryPolicy: None"}. */
  static ModelServing of(String name, int replicas, String specExtra, String... roles) {
    String yaml =
        "apiVersion: workload.serving.volcano.sh/v1alpha1\n"
            + "kind: ModelServing\n"
            + "metadata:\n  name: "
            + name
            + "\n"
            + "spec:\n"
            + "  replicas: "
            + replicas
            + "\n"
            + (specExtra.isEmpty() ? "" : specExtra + "\n")
            + "  template:\n"
            + "    roles:\n"
            + String.join("", roles).replaceAll("(?m)^", "  ");
    return LocalCluster.client().getKubernetesSerialization().unmarshal(yaml, ModelServing.class);
  }
}
