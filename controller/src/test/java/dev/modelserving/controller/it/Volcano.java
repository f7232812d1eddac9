package dev.modelserving.controller.it;

import static org.awaitility.Awaitility.await;

import dev.modelserving.api.volcano.v1beta1.PodGroup;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;

/**
 * Volcano in the ITs: the PodGroup CRD from the Volcano snapshot in {@code ../shared}, and whether
 * the local cluster runs the {@code volcano} component ({@code hack/local-cluster.sh up --with
 * volcano}).
 */
final class Volcano {
  static final String CRD = PodGroup.CRD_NAME;

  private Volcano() {}

  static Path repo() {
    return LocalCluster.kubeconfig().getParent().getParent();
  }

  static Path podGroupCrd() {
    return repo()
        .resolve(
            "../shared/upstream-src/volcano-ed72c7c8/config/crd/volcano/bases/scheduling.volcano.sh_podgroups.yaml")
        .normalize();
  }

  /** Skips the test without the Volcano snapshot (../shared absent). */
  static void assumeSnapshot() {
    Assumptions.assumeTrue(
        Files.isRegularFile(podGroupCrd()),
        "skipped: the Volcano PodGroup CRD "
            + podGroupCrd()
            + " is absent (../shared/upstream-src)");
  }

  /**
   * Whether the local cluster runs Volcano's scheduler: the component is listed in
   * .local-cluster/with and the vc-scheduler process it started is alive.
   */
  static boolean running() {
    Path state = LocalCluster.kubeconfig().getParent();
    try {
      if (!Files.isRegularFile(state.resolve("with"))
          || !Files.readAllLines(state.resolve("with")).contains("volcano")) {
        return false;
      }
      Path pid = state.resolve("pids/vc-scheduler");
      return Files.isRegularFile(pid)
          && ProcessHandle.of(Long.parseLong(Files.readString(pid).trim()))
              .map(ProcessHandle::isAlive)
              .orElse(false);
    } catch (IOException | NumberFormatException e) {
      return false;
    }
  }

  static void assumeRunning() {
    assumeSnapshot();
    Assumptions.assumeTrue(
        running(),
        "skipped: Volcano does not run in the local cluster (start it with `hack/local-cluster.sh up --with volcano`; make test does)");
  }

  static boolean crdInstalled() {
    return LocalCluster.client()
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName(CRD)
            .get()
        != null;
  }

  /** Installs the PodGroup CRD (unchanged from the snapshot) and waits until it is established. */
  static void installCrd() {
    var crds = LocalCluster.client().apiextensions().v1().customResourceDefinitions();
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(
            () -> {
              var crd = crds.withName(CRD).get();
              return crd == null || crd.getMetadata().getDeletionTimestamp() == null;
            });
    Kubectl.run(
        "apply", "--server-side", "--field-manager=local-cluster", "-f", podGroupCrd().toString());
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () ->
                crds.withName(CRD).get().getStatus().getConditions().stream()
                    .anyMatch(
                        c -> "Established".equals(c.getType()) && "True".equals(c.getStatus())));
  }

  static void deleteCrd() {
    var crds = LocalCluster.client().apiextensions().v1().customResourceDefinitions();
    crds.withName(CRD).delete();
    await().atMost(Duration.ofSeconds(60)).until(() -> crds.withName(CRD).get() == null);
  }

  static Map<String, PodGroup> podGroups(String ns) {
    return LocalCluster.client()
        .resources(PodGroup.class)
        .inNamespace(ns)
        .list()
        .getItems()
        .stream()
        .filter(pg -> pg.getMetadata().getDeletionTimestamp() == null)
        .collect(
            Collectors.toMap(
                pg -> pg.getMetadata().getName(), pg -> pg, (a, b) -> a, TreeMap::new));
  }

  /** Bound pods (with a node) of each serving group, by the group-name label. */
  static Map<String, Long> boundByGroup(List<Pod> pods) {
    return pods.stream()
        .collect(
            Collectors.groupingBy(
                p -> p.getMetadata().getLabels().get("modelserving.volcano.sh/group-name"),
                TreeMap::new,
                Collectors.filtering(
                    p -> p.getSpec().getNodeName() != null && !p.getSpec().getNodeName().isEmpty(),
                    Collectors.counting())));
  }
}
