package dev.modelserving.controller.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.lws.v1.LeaderWorkerSetList;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Helpers for the LeaderWorkerSet integration tests; expectations are written out here, not taken
 * from the controller.
 */
final class Lws {
  private Lws() {}

  static MixedOperation<LeaderWorkerSet, LeaderWorkerSetList, Resource<LeaderWorkerSet>> lwss() {
    return LocalCluster.client().resources(LeaderWorkerSet.class, LeaderWorkerSetList.class);
  }

  /**
   * Sets the env of the worker template's first container to {@code name=value} alone: the edit the
   * rollout tests make to start a new revision.
   */
  static LeaderWorkerSet setWorkerEnv(String ns, String lws, String name, String value) {
    return Edits.edit(
        lwss().inNamespace(ns).withName(lws),
        l -> {
          l.getSpec()
              .getLeaderWorkerTemplate()
              .getWorkerTemplate()
              .getSpec()
              .getContainers()
              .get(0)
              .setEnv(List.of(new EnvVar(name, value, null)));
          return l;
        });
  }

  static LeaderWorkerSet get(String ns, String name) {
    return lwss().inNamespace(ns).withName(name).get();
  }

  static LeaderWorkerSet fromYaml(String yaml) {
    return LocalCluster.client()
        .getKubernetesSerialization()
        .unmarshal(yaml, LeaderWorkerSet.class);
  }

  /** A small LWS: pause containers, {@code extraSpec} lines indented by two spaces under spec. */
  static LeaderWorkerSet simple(
      String name, int replicas, int size, String extraSpec, String extraTemplate) {
    return fromYaml(
        "apiVersion: leaderworkerset.x-k8s.io/v1\nkind: LeaderWorkerSet\nmetadata:\n  name: "
            + name
            + "\n"
            + "spec:\n  replicas: "
            + replicas
            + "\n"
            + extraSpec
            + "  leaderWorkerTemplate:\n    size: "
            + size
            + "\n"
            + extraTemplate
            + "    workerTemplate:\n      spec:\n        containers:\n        - name: c\n          image: registry.k8s.io/pause:3.10\n");
  }

  /** Upstream names: leader {@code L-g}, workers {@code L-g-w}. */
  static Set<String> podNames(String lws, int replicas, int size) {
    Set<String> names = new TreeSet<>();
    for (int g = 0; g < replicas; g++) {
      names.add(lws + "-" + g);
      for (int w = 1; w < size; w++) {
        names.add(lws + "-" + g + "-" + w);
      }
    }
    return names;
  }

  static Map<String, Pod> pods(String ns, String lws) {
    return LocalCluster.client()
        .pods()
        .inNamespace(ns)
        .withLabel("leaderworkerset.sigs.k8s.io/name", lws)
        .list()
        .getItems()
        .stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .collect(
            Collectors.toMap(p -> p.getMetadata().getName(), p -> p, (a, b) -> a, TreeMap::new));
  }

  static Optional<Condition> condition(LeaderWorkerSet lws, String type) {
    if (lws == null || lws.getStatus() == null || lws.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return lws.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }

  /**
   * READY = DESIRED = UP-TO-DATE = replicas, Available=True, and exactly the upstream pod names.
   */
  static void awaitReady(String ns, String name, int replicas, int size) {
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(300))
        .untilAsserted(
            () -> {
              LeaderWorkerSet lws = get(ns, name);
              assertThat(lws.getSpec().getReplicas()).isEqualTo(replicas);
              assertThat(lws.getStatus()).as("status of LWS %s", name).isNotNull();
              assertThat(lws.getStatus().getObservedGeneration())
                  .as("status is about the current spec")
                  .isEqualTo(lws.getMetadata().getGeneration());
              assertThat(lws.getStatus().getReadyReplicas())
                  .as("readyReplicas")
                  .isEqualTo(replicas);
              assertThat(lws.getStatus().getUpdatedReplicas())
                  .as("updatedReplicas")
                  .isEqualTo(replicas);
              assertThat(condition(lws, "Available"))
                  .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
              assertThat(pods(ns, name).keySet()).isEqualTo(podNames(name, replicas, size));
            });
  }

  static Map<String, String> uids(String ns, String lws) {
    Map<String, String> uids = new TreeMap<>();
    pods(ns, lws).forEach((n, p) -> uids.put(n, p.getMetadata().getUid()));
    return uids;
  }
}
