package dev.modelserving.controller.it;

import static dev.modelserving.controller.it.ModelServingSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.modelserving.api.v1alpha1.ModelServing;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The API server is stopped and started again (hack/local-cluster.sh stop|start kube-apiserver)
 * while the controller runs: meanwhile /readyz says what is wrong and /healthz stays up (a restart
 * would not help); afterwards it reconnects and acts on what changed before and after the outage.
 */
class ApiServerRestartIT {
  @RegisterExtension static final TestNamespace ns = new TestNamespace("apiserver-restart");

  private static void localCluster(String... args) {
    // The script finds the cluster by its state directory and ports: both from the kubeconfig.
    Path state = LocalCluster.kubeconfig().getParent();
    int apiPort = URI.create(LocalCluster.client().getConfiguration().getMasterUrl()).getPort();
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                "env",
                "LOCAL_CLUSTER_DIR=" + state,
                "LOCAL_CLUSTER_PORT_BASE=" + (apiPort - 443),
                Helm.repo().resolve("hack/local-cluster.sh").toString()));
    command.addAll(List.of(args));
    Kubectl.Result r = Processes.run(command, null);
    assertThat(r.exitCode()).as("%s: %s", command, r.output()).isZero();
  }

  private static String readyz(int port) {
    try {
      HttpResponse<String> r = StartFailureIT.get(port, "/readyz");
      return r.statusCode() + " " + r.body().trim();
    } catch (RuntimeException e) {
      return "no answer";
    }
  }

  @Test
  void theControllerReportsTheOutageReconnectsAndMissesNothing() {
    ModelServing ms = ModelServingYaml.of("steady", 2, "", ModelServingYaml.role("r", 1, 1));
    try (ControllerProcess controller = ControllerProcess.start("ApiServerRestartIT")) {
      int port = controller.httpPort();
      modelServings().inNamespace(ns.name()).resource(ms).create();
      awaitAvailable(ns.name(), "steady", 2, expectedPodNames(ms));
      Map<String, String> before = podUids(ns.name(), "steady");

      // An edit the controller may not get to before the outage.
      modelServings().inNamespace(ns.name()).withName("steady").scale(3);
      localCluster("stop", "kube-apiserver");
      try {
        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(200))
            .until(
                () -> readyz(port).startsWith("503 not watching (is the API server reachable?)"));
        assertThat(StartFailureIT.get(port, "/healthz").statusCode())
            .as("/healthz during the outage")
            .isEqualTo(200);
        controller.awaitLogLine("not ready: not watching", Duration.ofSeconds(10));
        assertThat(controller.isAlive()).isTrue();
      } finally {
        localCluster("start", "kube-apiserver");
      }
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(300))
          .until(() -> readyz(port).equals("200 ok"));
      controller.awaitLogLine("ready: ok", Duration.ofSeconds(10));

      ms.getSpec().setReplicas(3);
      awaitAvailable(ns.name(), "steady", 3, expectedPodNames(ms));
      assertThat(podUids(ns.name(), "steady"))
          .as("the pods from before the outage stay")
          .containsAllEntriesOf(before);

      // Watches work again: a deleted pod comes back, a scale-down is carried out.
      client().pods().inNamespace(ns.name()).withName("steady-0-r-0-1").delete();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                String uid = podUids(ns.name(), "steady").get("steady-0-r-0-1");
                return uid != null && !uid.equals(before.get("steady-0-r-0-1"));
              });
      awaitAvailable(ns.name(), "steady", 3, expectedPodNames(ms));
      modelServings().inNamespace(ns.name()).withName("steady").scale(1);
      ms.getSpec().setReplicas(1);
      awaitAvailable(ns.name(), "steady", 1, expectedPodNames(ms));
    }
  }
}
