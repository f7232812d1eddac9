package dev.modelserving.controller.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.Role;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Helpers shared by the ModelServing integration tests; expectations are computed here,
 * independently of the controller's code.
 */
final class ModelServingSupport {
  private ModelServingSupport() {}

  static KubernetesClient client() {
    return LocalCluster.client();
  }

  static MixedOperation<
          ModelServing, dev.modelserving.api.v1alpha1.ModelServingList, Resource<ModelServing>>
      modelServings() {
    return client()
        .resources(ModelServing.class, dev.modelserving.api.v1alpha1.ModelServingList.class);
  }

  /** The ModelServing documents of a manifest file, moved into {@code namespace}. */
  static List<ModelServing> load(Path file, String namespace) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      List<HasMetadata> items = client().load(in).items();
      return items.stream()
          .filter(i -> ModelServing.KIND.equals(i.getKind()))
          .map(i -> client().getKubernetesSerialization().convertValue(i, ModelServing.class))
          .peek(ms -> ms.getMetadata().setNamespace(namespace))
          .toList();
    }
  }

  /** Pod names Kthena gives a ModelServing: {@code <ms>-<g>-<role>-<r>-<w>}. */
  static Set<String> expectedPodNames(ModelServing ms) {
    Set<String> names = new TreeSet<>();
    int groups = ms.getSpec().getReplicas() == null ? 1 : ms.getSpec().getReplicas();
    for (int g = 0; g < groups; g++) {
      for (Role role : ms.getSpec().getTemplate().getRoles()) {
        int replicas = role.getReplicas() == null ? 1 : role.getReplicas();
        for (int r = 0; r < replicas; r++) {
          for (int w = 0; w <= role.getWorkerReplicas(); w++) {
            names.add(
                String.format(
                    "%s-%d-%s-%d-%d", ms.getMetadata().getName(), g, role.getName(), r, w));
          }
        }
      }
    }
    return names;
  }

  static List<Pod> pods(String namespace, String msName) {
    return client()
        .pods()
        .inNamespace(namespace)
        .withLabel("modelserving.volcano.sh/name", msName)
        .list()
        .getItems();
  }

  static Set<String> podNames(String namespace, String msName) {
    return pods(namespace, msName).stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .map(p -> p.getMetadata().getName())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** Pod name to UID of the live pods. */
  static Map<String, String> podUids(String namespace, String msName) {
    return pods(namespace, msName).stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .collect(
            Collectors.toMap(
                p -> p.getMetadata().getName(),
                p -> p.getMetadata().getUid(),
                (a, b) -> a,
                TreeMap::new));
  }

  static Optional<Condition> condition(ModelServing ms, String type) {
    if (ms == null || ms.getStatus() == null || ms.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return ms.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }

  static ModelServing get(String namespace, String name) {
    return modelServings().inNamespace(namespace).withName(name).get();
  }

  /**
   * Waits until the ModelServing is Available with {@code groups} ready serving groups and exactly
   * the expected pods.
   */
  static void awaitAvailable(String namespace, String name, int groups, Set<String> expectedPods) {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(300))
        .untilAsserted(
            () -> {
              ModelServing live = get(namespace, name);
              assertThat(condition(live, "Available"))
                  .as("Available condition of %s", name)
                  .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
              assertThat(live.getStatus().getAvailableReplicas()).isEqualTo(groups);
              assertThat(live.getStatus().getReplicas()).isEqualTo(groups);
              assertThat(live.getStatus().getObservedGeneration())
                  .isEqualTo(live.getMetadata().getGeneration());
              assertThat(podNames(namespace, name)).isEqualTo(expectedPods);
            });
  }

  static String env(Pod pod, int container, String name) {
    return pod.getSpec().getContainers().get(container).getEnv().stream()
        .filter(e -> e.getName().equals(name))
        .map(e -> e.getValue())
        .findFirst()
        .orElse(null);
  }
}
