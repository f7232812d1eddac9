package dev.modelserving.controller.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.modelserving.api.UpstreamFiles;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * LeaderWorkerSet support follows the upstream CRD without a restart: off while the CRD is absent,
 * on within seconds of installing it, so an LWS applied then is served within 30 s.
 */
class LwsCrdLifecycleIT {
  @RegisterExtension static final TestNamespace ns = new TestNamespace("lws-crd");
  private static final String CRD = "leaderworkersets.leaderworkerset.x-k8s.io";

  @Test
  void lwsCrdInstalledAfterTheControllerStartedIsServedWithin30Seconds() {
    var crds = LocalCluster.client().apiextensions().v1().customResourceDefinitions();
    try {
      crds.withName(CRD).delete();
      await().atMost(Duration.ofSeconds(60)).until(() -> crds.withName(CRD).get() == null);
      try (ControllerProcess controller = ControllerProcess.start("LwsCrdLifecycleIT")) {
        controller.awaitLogLine("LeaderWorkerSet support is off", Duration.ofSeconds(10));
        installCrd();
        controller.awaitLogLine("LeaderWorkerSet support is on", Duration.ofSeconds(30));
        long applied = System.nanoTime();
        Lws.lwss().inNamespace(ns.name()).resource(Lws.simple("late", 1, 2, "", "")).create();
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(
                () ->
                    assertThat(Lws.pods(ns.name(), "late").keySet())
                        .containsExactly("late-0", "late-0-1"));
        assertThat(Duration.ofNanos(System.nanoTime() - applied))
            .isLessThan(Duration.ofSeconds(30));
        Lws.awaitReady(ns.name(), "late", 1, 2);

        crds.withName(CRD).delete();
        controller.awaitLogLine(
            "LeaderWorkerSet support is off: the LeaderWorkerSet CRD", Duration.ofSeconds(30));
      }
    } finally {
      installCrd();
    }
  }

  private static void installCrd() {
    var crds = LocalCluster.client().apiextensions().v1().customResourceDefinitions();
    // A CRD being deleted must be gone before it can be created again.
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(
            () -> {
              var crd = crds.withName(CRD).get();
              return crd == null || crd.getMetadata().getDeletionTimestamp() == null;
            });
    Kubectl.run(
        "apply",
        "--server-side",
        "--field-manager=local-cluster",
        "-f",
        UpstreamFiles.lwsCrd().toString());
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () ->
                crds.withName(CRD).get().getStatus().getConditions().stream()
                    .anyMatch(
                        c -> "Established".equals(c.getType()) && "True".equals(c.getStatus())));
  }
}
