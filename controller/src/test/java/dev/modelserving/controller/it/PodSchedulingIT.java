package dev.modelserving.controller.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The local control plane schedules pods onto kwok's fake nodes, which make them Running and Ready.
 */
class PodSchedulingIT {
  @RegisterExtension static final TestNamespace ns = new TestNamespace("scheduling");

  @Test
  void plainPodIsScheduledOntoAFakeNodeAndBecomesReady() {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("plain")
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("main")
            .withImage("registry.k8s.io/pause:3.10")
            .withNewResources()
            .addToRequests("nvidia.com/gpu", new io.fabric8.kubernetes.api.model.Quantity("8"))
            .addToLimits("nvidia.com/gpu", new io.fabric8.kubernetes.api.model.Quantity("8"))
            .endResources()
            .endContainer()
            .endSpec()
            .build();
    LocalCluster.client().pods().inNamespace(ns.name()).resource(pod).create();

    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              Pod live =
                  LocalCluster.client().pods().inNamespace(ns.name()).withName("plain").get();
              assertThat(live.getSpec().getNodeName())
                  .as("scheduled node")
                  .startsWith("kwok-node-");
              assertThat(live.getStatus().getPhase()).isEqualTo("Running");
              assertThat(live.getStatus().getConditions())
                  .anySatisfy(
                      c -> {
                        assertThat(c.getType()).isEqualTo("Ready");
                        assertThat(c.getStatus()).isEqualTo("True");
                      });
            });
  }
}
