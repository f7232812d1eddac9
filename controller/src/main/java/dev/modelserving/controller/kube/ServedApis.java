package dev.modelserving.controller.kube;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;

/** Which of the custom resource APIs this controller works with are served by the cluster. */
public record ServedApis(boolean modelServing, boolean leaderWorkerSet) {
  public static final String MODEL_SERVING_CRD = "modelservings.workload.serving.volcano.sh";
  public static final String LEADER_WORKER_SET_CRD = "leaderworkersets.leaderworkerset.x-k8s.io";

  public static ServedApis discover(KubernetesClient client) {
    return new ServedApis(
        isServed(client, MODEL_SERVING_CRD), isServed(client, LEADER_WORKER_SET_CRD));
  }

  private static boolean isServed(KubernetesClient client, String crdName) {
    return established(
        client.apiextensions().v1().customResourceDefinitions().withName(crdName).get());
  }

  /**
   * The CRD exists, is not being deleted and has the condition Established=True. A CRD created a
   * moment ago has a status without conditions: not established yet.
   */
  public static boolean established(CustomResourceDefinition crd) {
    return crd != null
        && crd.getMetadata().getDeletionTimestamp() == null
        && crd.getStatus() != null
        && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
