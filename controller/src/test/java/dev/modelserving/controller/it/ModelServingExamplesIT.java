package dev.modelserving.controller.it;

import static dev.modelserving.controller.it.ModelServingSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.UpstreamFiles;
import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.Role;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every upstream Kthena ModelServing example runs under the controller (a separate process): it
 * becomes Available with the expected pods, which carry Kthena's labels and env, and the headless
 * Services Kthena creates exist. The examples name {@code volcano}: without the volcano component
 * the local kube-scheduler answers to it; with it, the real Volcano scheduler places them through
 * the PodGroups the controller makes (their shape is PodGroupIT's subject).
 */
class ModelServingExamplesIT {
  @RegisterExtension static final TestNamespace ns = new TestNamespace("ms-examples");
  private static ControllerProcess controller;

  @BeforeAll
  static void startController() {
    controller = ControllerProcess.start("ModelServingExamplesIT");
  }

  @AfterAll
  static void stopController() {
    if (controller != null) {
      controller.close();
    }
  }

  static Stream<Path> examples() {
    return UpstreamFiles.kthenaModelServingExamples().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void exampleBecomesAvailableWithKthenaPodsAndServices(Path file) throws Exception {
    for (ModelServing ms : load(file, ns.name())) {
      String name = ms.getMetadata().getName();
      modelServings().inNamespace(ns.name()).resource(ms).create();
      int groups = ms.getSpec().getReplicas() == null ? 1 : ms.getSpec().getReplicas();
      Set<String> expected = expectedPodNames(ms);
      awaitAvailable(ns.name(), name, groups, expected);

      for (Pod pod : pods(ns.name(), name)) {
        assertKthenaPod(ms, pod);
      }
      Set<String> expectedServices = new TreeSet<>();
      for (int g = 0; g < groups; g++) {
        for (Role role : ms.getSpec().getTemplate().getRoles()) {
          if (role.getWorkerTemplate() != null) {
            for (int r = 0; r < (role.getReplicas() == null ? 1 : role.getReplicas()); r++) {
              expectedServices.add(String.format("%s-%d-%s-%d-0", name, g, role.getName(), r));
            }
          }
        }
      }
      List<Service> services =
          client()
              .services()
              .inNamespace(ns.name())
              .withLabel("modelserving.volcano.sh/name", name)
              .list()
              .getItems();
      assertThat(services)
          .extracting(s -> s.getMetadata().getName())
          .containsExactlyInAnyOrderElementsOf(expectedServices);
      for (Service svc : services) {
        assertThat(svc.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(svc.getSpec().getSelector())
            .containsEntry("modelserving.volcano.sh/entry", "true");
      }
      ModelServing live = get(ns.name(), name);
      assertThat(live.getStatus().getLabelSelector())
          .contains("modelserving.volcano.sh/name=" + name);
      modelServings().inNamespace(ns.name()).withName(name).delete();
      // Several examples share a name: let garbage collection finish before the next one.
      org.awaitility.Awaitility.await()
          .atMost(java.time.Duration.ofSeconds(90))
          .until(
              () ->
                  pods(ns.name(), name).isEmpty()
                      && client()
                          .services()
                          .inNamespace(ns.name())
                          .withLabel("modelserving.volcano.sh/name", name)
                          .list()
                          .getItems()
                          .isEmpty());
    }
  }

  private static void assertKthenaPod(ModelServing ms, Pod pod) {
    String name = pod.getMetadata().getName();
    String[] parts = name.substring(ms.getMetadata().getName().length() + 1).split("-");
    int g = Integer.parseInt(parts[0]);
    int w = Integer.parseInt(parts[parts.length - 1]);
    int r = Integer.parseInt(parts[parts.length - 2]);
    String role = String.join("-", List.of(parts).subList(1, parts.length - 2));
    Role spec =
        ms.getSpec().getTemplate().getRoles().stream()
            .filter(x -> x.getName().equals(role))
            .findFirst()
            .orElseThrow();
    var labels = pod.getMetadata().getLabels();
    assertThat(labels)
        .as("labels of %s", name)
        .containsEntry("modelserving.volcano.sh/name", ms.getMetadata().getName())
        .containsEntry("modelserving.volcano.sh/group-name", ms.getMetadata().getName() + "-" + g)
        .containsEntry("modelserving.volcano.sh/role", role)
        .containsEntry("modelserving.volcano.sh/role-id", role + "-" + r)
        .containsKeys(
            "modelserving.volcano.sh/revision", "modelserving.volcano.sh/role-template-hash");
    if (w == 0) {
      assertThat(labels).containsEntry("modelserving.volcano.sh/entry", "true");
    } else {
      assertThat(labels).doesNotContainKey("modelserving.volcano.sh/entry");
    }
    String entryAddress =
        String.format(
            "%s-%d-%s-%d-0.%s",
            ms.getMetadata().getName(), g, role, r, pod.getMetadata().getNamespace());
    List<Container> containers = new java.util.ArrayList<>(pod.getSpec().getContainers());
    if (pod.getSpec().getInitContainers() != null) {
      containers.addAll(pod.getSpec().getInitContainers());
    }
    for (Container c : containers) {
      assertThat(c.getEnv().subList(0, 3))
          .as("first env vars of container %s in %s", c.getName(), name)
          .extracting(e -> e.getName() + "=" + e.getValue())
          .containsExactly(
              "ENTRY_ADDRESS=" + entryAddress,
              "WORKER_INDEX=" + w,
              "GROUP_SIZE=" + (spec.getWorkerReplicas() + 1));
    }
    assertThat(pod.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getKind()).isEqualTo("ModelServing");
              assertThat(o.getController()).isTrue();
            });
  }
}
