package dev.modelserving.controller.plugin;

import dev.modelserving.api.v1alpha1.ModelServing;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;

/** Test fixtures: ModelServings and the hook requests of their pods. */
final class HookRequests {
  private HookRequests() {}

  static ModelServing modelServing(String name, String namespace, OwnerReference... owners) {
    ModelServing ms = new ModelServing();
    ms.getMetadata().setName(name);
    ms.getMetadata().setNamespace(namespace);
    if (owners.length > 0) {
      ms.getMetadata().setOwnerReferences(List.of(owners));
    }
    return ms;
  }

  static OwnerReference owner(String kind, String name) {
    return new OwnerReferenceBuilder()
        .withApiVersion("leaderworkerset.x-k8s.io/v1")
        .withKind(kind)
        .withName(name)
        .withUid("uid-" + name)
        .build();
  }

  /** A pod like podgen makes: one container and one init container, each with an env var. */
  static Pod pod(String name, String namespace) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .addToLabels("modelserving.volcano.sh/name", "llama")
        .addToAnnotations("existing", "kept")
        .endMetadata()
        .withNewSpec()
        .withContainers(
            new ContainerBuilder()
                .withName("main")
                .addNewEnv()
                .withName("A")
                .withValue("1")
                .endEnv()
                .build())
        .withInitContainers(
            new ContainerBuilder()
                .withName("init")
                .addNewEnv()
                .withName("B")
                .withValue("2")
                .endEnv()
                .build())
        .endSpec()
        .build();
  }

  /** The request for pod {@code <ms>-<group>-<role>-<replica>-<worker>}. */
  static HookRequest request(ModelServing ms, int group, String role, int replica, int worker) {
    String msName = ms.getMetadata().getName();
    String podName = msName + "-" + group + "-" + role + "-" + replica + "-" + worker;
    return new HookRequest(
        ms,
        msName + "-" + group,
        group,
        role,
        role + "-" + replica,
        worker == 0,
        worker,
        pod(podName, ms.getMetadata().getNamespace()));
  }
}
