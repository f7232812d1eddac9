package dev.modelserving.controller.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * kube-controller-manager's HorizontalPodAutoscaler drives a ModelServing and a LeaderWorkerSet
 * through their scale subresources. With no metrics server, the HPA still enforces minReplicas,
 * which is enough to prove it reads and writes the scale subresource.
 */
class HorizontalPodAutoscalerIT {
  @RegisterExtension static final TestNamespace ns = new TestNamespace("hpa");

  private static HorizontalPodAutoscaler hpa(String name, String apiVersion, String kind, int min) {
    return new HorizontalPodAutoscalerBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .withNewScaleTargetRef()
        .withApiVersion(apiVersion)
        .withKind(kind)
        .withName(name)
        .endScaleTargetRef()
        .withMinReplicas(min)
        .withMaxReplicas(5)
        .addNewMetric()
        .withType("Resource")
        .withNewResource()
        .withName("cpu")
        .withNewTarget()
        .withType("Utilization")
        .withAverageUtilization(80)
        .endTarget()
        .endResource()
        .endMetric()
        .endSpec()
        .build();
  }

  @Test
  void anHpaScalesAModelServingAndALeaderWorkerSet() {
    try (ControllerProcess controller = ControllerProcess.start("HorizontalPodAutoscalerIT")) {
      var client = LocalCluster.client();
      ModelServingSupport.modelServings()
          .inNamespace(ns.name())
          .resource(ModelServingYaml.of("hpa-ms", 1, "", ModelServingYaml.role("r", 2, 1)))
          .create();
      Lws.lwss().inNamespace(ns.name()).resource(Lws.simple("hpa-lws", 1, 2, "", "")).create();
      client
          .autoscaling()
          .v2()
          .horizontalPodAutoscalers()
          .inNamespace(ns.name())
          .resource(hpa("hpa-ms", "workload.serving.volcano.sh/v1alpha1", "ModelServing", 3))
          .create();
      client
          .autoscaling()
          .v2()
          .horizontalPodAutoscalers()
          .inNamespace(ns.name())
          .resource(hpa("hpa-lws", "leaderworkerset.x-k8s.io/v1", "LeaderWorkerSet", 2))
          .create();
      await()
          .atMost(Duration.ofSeconds(90))
          .untilAsserted(
              () -> {
                assertThat(ModelServingSupport.get(ns.name(), "hpa-ms").getSpec().getReplicas())
                    .isEqualTo(3);
                assertThat(Lws.get(ns.name(), "hpa-lws").getSpec().getReplicas()).isEqualTo(2);
              });
      Lws.awaitReady(ns.name(), "hpa-lws", 2, 2);
      ModelServingSupport.awaitAvailable(
          ns.name(),
          "hpa-ms",
          3,
          ModelServingSupport.expectedPodNames(ModelServingSupport.get(ns.name(), "hpa-ms")));
      // The scale selector counts serving groups, not role replicas (2 per group here), so the
      // HPA's ratio of current to desired is not inflated.
      String selector = ModelServingSupport.get(ns.name(), "hpa-ms").getStatus().getLabelSelector();
      assertThat(client.pods().inNamespace(ns.name()).withLabelSelector(selector).list().getItems())
          .extracting(p -> p.getMetadata().getName())
          .containsExactlyInAnyOrder("hpa-ms-0-r-0-0", "hpa-ms-1-r-0-0", "hpa-ms-2-r-0-0");
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                var status =
                    client
                        .autoscaling()
                        .v2()
                        .horizontalPodAutoscalers()
                        .inNamespace(ns.name())
                        .withName("hpa-lws")
                        .get()
                        .getStatus();
                assertThat(status.getCurrentReplicas())
                    .as("replicas the HPA reads from the LWS scale subresource")
                    .isEqualTo(2);
              });
    }
  }
}
