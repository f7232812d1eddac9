package dev.modelserving.controller.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * kube-controller-manager's garbage collector removes dependents whose owner is deleted, also when
 * the owner is a custom resource (a ModelServing), as the controller relies on.
 */
class GarbageCollectionIT {
  @RegisterExtension static final TestNamespace ns = new TestNamespace("gc");

  @Test
  void deletingAModelServingDeletesThePodsAndServicesItOwns() {
    var client = LocalCluster.client();
    GenericKubernetesResource owner =
        client
            .resource(
                UpstreamManifestsAcceptedIT.modelServing(
                    "owner",
                    "{\"roles\": [{\"name\": \"r\", \"replicas\": 1, \"workerReplicas\": 0,"
                        + " \"entryTemplate\": {\"spec\": {\"containers\": [{\"name\": \"c\","
                        + " \"image\": \"registry.k8s.io/pause:3.10\"}]}}}]}"))
            .inNamespace(ns.name())
            .create();
    var ownerRef =
        new OwnerReferenceBuilder()
            .withApiVersion(owner.getApiVersion())
            .withKind(owner.getKind())
            .withName(owner.getMetadata().getName())
            .withUid(owner.getMetadata().getUid())
            .withController(true)
            .withBlockOwnerDeletion(true)
            .build();
    client
        .pods()
        .inNamespace(ns.name())
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("owned-pod")
                .withOwnerReferences(ownerRef)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("c")
                .withImage("registry.k8s.io/pause:3.10")
                .endContainer()
                .endSpec()
                .build())
        .create();
    client
        .services()
        .inNamespace(ns.name())
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName("owned-svc")
                .withOwnerReferences(ownerRef)
                .endMetadata()
                .withNewSpec()
                .withClusterIP("None")
                .endSpec()
                .build())
        .create();
    // A bystander without an owner must survive.
    client
        .configMaps()
        .inNamespace(ns.name())
        .resource(
            new ConfigMapBuilder().withNewMetadata().withName("bystander").endMetadata().build())
        .create();

    client.resource(owner).inNamespace(ns.name()).delete();

    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(250))
        .untilAsserted(
            () -> {
              HasMetadata pod = client.pods().inNamespace(ns.name()).withName("owned-pod").get();
              HasMetadata svc =
                  client.services().inNamespace(ns.name()).withName("owned-svc").get();
              assertThat(pod).as("owned pod").isNull();
              assertThat(svc).as("owned service").isNull();
            });
    assertThat(client.configMaps().inNamespace(ns.name()).withName("bystander").get()).isNotNull();
  }
}
