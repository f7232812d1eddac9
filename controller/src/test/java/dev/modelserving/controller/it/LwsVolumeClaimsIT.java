package dev.modelserving.controller.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Per-pod claims of {@code volumeClaimTemplates}, as a new user meets them on the local cluster: a
 * template naming no storage class binds (the cluster has a default class), a deleted claim is
 * created again, and surge groups get their claims too.
 */
class LwsVolumeClaimsIT {
  @RegisterExtension static final TestNamespace ns = new TestNamespace("lws-claims");
  private static ControllerProcess controller;

  private static final String CLAIM_TEMPLATE =
      "    volumeClaimTemplates:\n    - metadata:\n        name: data\n"
          + "      spec:\n        accessModes: [ReadWriteOnce]\n        resources:\n          requests:\n            storage: 1Gi\n";

  @BeforeAll
  static void startController() {
    controller = ControllerProcess.start("LwsVolumeClaimsIT");
  }

  @AfterAll
  static void stopController() {
    if (controller != null) {
      controller.close();
    }
  }

  private static Map<String, PersistentVolumeClaim> claims(String lws) {
    Map<String, PersistentVolumeClaim> claims = new TreeMap<>();
    LocalCluster.client()
        .persistentVolumeClaims()
        .inNamespace(ns.name())
        .withLabel("leaderworkerset.sigs.k8s.io/name", lws)
        .list()
        .getItems()
        .forEach(c -> claims.put(c.getMetadata().getName(), c));
    return claims;
  }

  @Test
  void aClaimTemplateWithoutStorageClassBindsThroughTheDefaultClass() {
    Lws.lwss()
        .inNamespace(ns.name())
        .resource(Lws.simple("vct", 1, 2, "", CLAIM_TEMPLATE))
        .create();
    Lws.awaitReady(ns.name(), "vct", 1, 2);
    assertThat(claims("vct"))
        .as("one claim per pod, Bound, with the default class filled in")
        .hasSize(2)
        .containsOnlyKeys("data-vct-0", "data-vct-0-1")
        .allSatisfy(
            (name, claim) -> {
              assertThat(claim.getStatus().getPhase()).as("phase of %s", name).isEqualTo("Bound");
              assertThat(claim.getSpec().getStorageClassName()).isEqualTo("default");
            });
  }

  @Test
  void aDeletedClaimIsCreatedAgain() {
    // LeaderReady and a leader that cannot be scheduled: the worker's claim exists, no pod uses
    // it, and nothing but the claim itself changes when it is deleted.
    Lws.lwss()
        .inNamespace(ns.name())
        .resource(
            Lws.simple(
                "vct-gone",
                1,
                2,
                "  startupPolicy: LeaderReady\n",
                CLAIM_TEMPLATE
                    + "    leaderTemplate:\n      spec:\n        nodeSelector: {no-such-node-label: x}\n"
                    + "        containers:\n        - name: c\n          image: registry.k8s.io/pause:3.10\n"))
        .create();
    // Wait until everything has settled: the claim bound, the leader reported unschedulable.
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(claims("vct-gone")).containsKey("data-vct-gone-0-1");
              assertThat(claims("vct-gone").get("data-vct-gone-0-1").getStatus().getPhase())
                  .isEqualTo("Bound");
              assertThat(Lws.condition(Lws.get(ns.name(), "vct-gone"), "Progressing"))
                  .hasValueSatisfying(
                      c ->
                          assertThat(c.getMessage())
                              .contains("pod vct-gone-0 cannot be scheduled"));
            });
    await().pollDelay(Duration.ofSeconds(3)).until(() -> true);
    String uid = claims("vct-gone").get("data-vct-gone-0-1").getMetadata().getUid();
    LocalCluster.client()
        .persistentVolumeClaims()
        .inNamespace(ns.name())
        .withName("data-vct-gone-0-1")
        .delete();
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(claims("vct-gone").get("data-vct-gone-0-1"))
                    .as("claim data-vct-gone-0-1 again")
                    .isNotNull()
                    .satisfies(c -> assertThat(c.getMetadata().getUid()).isNotEqualTo(uid)));
  }

  @Test
  void surgeGroupsGetTheirClaims() {
    // maxUnavailable 0: the rollout cannot move on before the surge group is ready, which needs
    // its claim data-vct-surge-2.
    Lws.lwss()
        .inNamespace(ns.name())
        .resource(
            Lws.simple(
                "vct-surge",
                2,
                1,
                "  rolloutStrategy:\n    type: RollingUpdate\n"
                    + "    rollingUpdateConfiguration:\n      maxUnavailable: 0\n      maxSurge: 1\n",
                CLAIM_TEMPLATE))
        .create();
    Lws.awaitReady(ns.name(), "vct-surge", 2, 1);
    Lws.setWorkerEnv(ns.name(), "vct-surge", "V", "2");
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              var live = Lws.get(ns.name(), "vct-surge");
              assertThat(live.getStatus().getObservedGeneration())
                  .isEqualTo(live.getMetadata().getGeneration());
              assertThat(live.getStatus().getUpdatedReplicas()).isEqualTo(2);
              assertThat(Lws.condition(live, "Available"))
                  .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("True"));
              assertThat(Lws.pods(ns.name(), "vct-surge").keySet())
                  .isEqualTo(Lws.podNames("vct-surge", 2, 1));
            });
    assertThat(claims("vct-surge"))
        .as("the surge group's claim was made, and is retained (whenScaled Retain)")
        .containsKeys("data-vct-surge-0", "data-vct-surge-1", "data-vct-surge-2");
  }
}
