package dev.modelserving.controller.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * LWS exclusive placement ({@code leaderworkerset.sigs.k8s.io/exclusive-topology}) in a namespace
 * of its own: upstream's anti-affinity keeps a domain free of any other group's pods in the
 * namespace, so groups of other tests would take domains away.
 */
class LwsExclusivePlacementIT {
  @RegisterExtension static final TestNamespace ns = new TestNamespace("lws-exclusive");
  private static ControllerProcess controller;

  @BeforeAll
  static void startController() {
    controller = ControllerProcess.start("LwsExclusivePlacementIT");
  }

  @AfterAll
  static void stopController() {
    if (controller != null) {
      controller.close();
    }
  }

  /**
   * Exclusive placement as upstream: leaders first (with affinity to their own group and away from
   * others), workers only once their leader is scheduled, pinned to its domain by a nodeSelector.
   * The leaders wait for a node label the test adds later, so their workers must wait too.
   */
  @Test
  void exclusivePlacementCreatesWorkersOnceTheLeaderIsScheduledAndPinsThemToItsDomain()
      throws InterruptedException {
    String pool = "cloud.google.com/gke-nodepool";
    String welcome = "lws-exclusive.test/leaders-welcome";
    LeaderWorkerSet lws =
        Lws.simple(
            "excl",
            2,
            3,
            "",
            "    leaderTemplate:\n      spec:\n        nodeSelector: {"
                + welcome
                + ": \"yes\"}\n"
                + "        containers:\n        - name: c\n          image: registry.k8s.io/pause:3.10\n");
    lws.getMetadata()
        .setAnnotations(Map.of("leaderworkerset.sigs.k8s.io/exclusive-topology", pool));
    var nodes = LocalCluster.client().nodes();
    try {
      Lws.lwss().inNamespace(ns.name()).resource(lws).create();
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> assertThat(Lws.pods(ns.name(), "excl").keySet()).contains("excl-0", "excl-1"));
      Thread.sleep(3000);
      assertThat(Lws.pods(ns.name(), "excl").keySet())
          .as("no worker before its leader is scheduled")
          .containsExactlyInAnyOrder("excl-0", "excl-1");

      nodes
          .list()
          .getItems()
          .forEach(
              n ->
                  nodes
                      .withName(n.getMetadata().getName())
                      .edit(
                          node -> {
                            node.getMetadata().getLabels().put(welcome, "yes");
                            return node;
                          }));
      Lws.awaitReady(ns.name(), "excl", 2, 3);
      Map<String, String> poolOfNode = new java.util.HashMap<>();
      nodes
          .list()
          .getItems()
          .forEach(
              n ->
                  poolOfNode.put(n.getMetadata().getName(), n.getMetadata().getLabels().get(pool)));
      Map<String, Pod> pods = Lws.pods(ns.name(), "excl");
      Set<String> groupPools = new TreeSet<>();
      for (int g = 0; g < 2; g++) {
        String leaderPool = poolOfNode.get(pods.get("excl-" + g).getSpec().getNodeName());
        groupPools.add(leaderPool);
        for (int w = 1; w < 3; w++) {
          Pod worker = pods.get("excl-" + g + "-" + w);
          assertThat(worker.getSpec().getNodeSelector())
              .as("nodeSelector of %s", worker.getMetadata().getName())
              .containsEntry(pool, leaderPool);
          assertThat(poolOfNode.get(worker.getSpec().getNodeName())).isEqualTo(leaderPool);
          assertThat(
                  worker.getSpec().getAffinity() == null
                      || worker.getSpec().getAffinity().getPodAffinity() == null)
              .as("workers carry no group affinity, as upstream")
              .isTrue();
        }
      }
      assertThat(groupPools).as("one group per domain").hasSize(2);
    } finally {
      Lws.lwss().inNamespace(ns.name()).withName("excl").delete();
      nodes
          .list()
          .getItems()
          .forEach(
              n ->
                  nodes
                      .withName(n.getMetadata().getName())
                      .edit(
                          node -> {
                            node.getMetadata().getLabels().remove(welcome);
                            return node;
                          }));
    }
  }
}
