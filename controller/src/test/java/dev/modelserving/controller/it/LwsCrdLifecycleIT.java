package dev.modelserving.controller.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.modelserving.api.UpstreamFiles;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * LeaderWorkerSet support follows the upstream CRD without a restart: off while the CRD is absent,
 * on within seconds of installing it, so an LWS applied then is served within 30 s; off again when
 * the CRD is removed and on again when it returns. Throughout, the controller holds one pod watch
 * on the API server: LWS support reads the ModelServing operator's pods and adds no watch of its
 * own, nor leaves one behind when it stops.
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
      int others = steadyPodWatches();
      try (ControllerProcess controller = ControllerProcess.start("LwsCrdLifecycleIT")) {
        controller.awaitLogLine("LeaderWorkerSet support is off", Duration.ofSeconds(10));
        awaitOurPodWatches(others);
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
        awaitOurPodWatches(others);

        crds.withName(CRD).delete();
        controller.awaitLogLine(
            "LeaderWorkerSet support is off: the LeaderWorkerSet CRD", Duration.ofSeconds(30));

        // Back again: the new LWS operator counts the pods of the one pod watch, and the stopped
        // one left no watch behind.
        installCrd();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> logCount(controller, "LeaderWorkerSet support is on") == 2);
        Lws.lwss().inNamespace(ns.name()).resource(Lws.simple("again", 2, 2, "", "")).create();
        Lws.awaitReady(ns.name(), "again", 2, 2);
        awaitOurPodWatches(others);
      }
    } finally {
      installCrd();
    }
  }

  /**
   * Waits until the API server holds exactly one pod watch more than {@code others} (the control
   * plane's own), three samples in a row: the controller's, whether or not LWS support runs.
   */
  private static void awaitOurPodWatches(int others) {
    int[] inARow = {0};
    await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              int ours = podWatches() - others;
              inARow[0] = ours == 1 ? inARow[0] + 1 : 0;
              assertThat(ours).as("pod watches the controller holds").isEqualTo(1);
              assertThat(inARow[0]).isGreaterThanOrEqualTo(3);
            });
  }

  /** The pod watches of everything else, once two samples a second apart agree. */
  private static int steadyPodWatches() {
    int[] last = {-1};
    return await()
        .atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofSeconds(1))
        .until(
            () -> {
              int now = podWatches();
              boolean same = now == last[0];
              last[0] = now;
              return same ? now : -1;
            },
            n -> n >= 0);
  }

  /** Pod watches open on the API server now, from every client (its own /metrics). */
  private static int podWatches() {
    var client = LocalCluster.client();
    String metrics = client.raw(client.getMasterUrl().toString().replaceAll("/$", "") + "/metrics");
    int watches = 0;
    for (String line : metrics.split("\n")) {
      if (line.startsWith("apiserver_longrunning_requests{")
          && line.contains("resource=\"pods\"")
          && line.contains("subresource=\"\"")
          && line.contains("verb=\"WATCH\"")) {
        watches += (int) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return watches;
  }

  private static long logCount(ControllerProcess controller, String text) {
    return controller.logLines().stream().filter(l -> l.contains(text)).count();
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
