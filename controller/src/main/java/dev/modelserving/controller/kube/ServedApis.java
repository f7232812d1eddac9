package dev.modelserving.controller.kube;

import io.fabric8.kubernetes.client.KubernetesClient;

/** Which of the custom resource APIs this controller works with are served by the cluster. */
public record ServedApis(boolean modelServing, boolean leaderWorkerSet) {
  public static final String MODEL_SERVING_CRD = "modelservings.workload.serving.volcano.sh";
  public static final String LEADER_WORKER_SET_CRD = "leaderworkersets.leaderworkerset.x-k8s.io";

  public static ServedApis discover(KubernetesClient client) {
    return new ServedApis(isServed(client, MODEL_SERVING_CRD), isServed(client, LEADER_WORKER_SET_CRD));
  }

  private static boolean isServed(KubernetesClient client, String crdName) {
    var crd = client.apiextensions().v1().customResourceDefinitions().withName(crdName).get();
    return crd != null
        && crd.getStatus() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
