package dev.modelserving.controller.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Kthena's real router and autoscaler, as {@code hack/local-cluster.sh up --with kthena} runs them
 * (hack/components/kthena.sh), and the loopback node whose pods the tests' fake model server can
 * answer for.
 */
final class Kthena {
  /** The tainted node whose pods get 127.244.0.0/16 IPs (hack/local-cluster.sh, create_nodes). */
  static final String LOOPBACK_NODE = "kwok-loopback-0";

  static final String LOOPBACK_TAINT = "local-cluster/loopback-pod-ips";
  static final String SHARED_SOURCE = "../shared/upstream-src/kthena-3cc05728";

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Kthena() {}

  /**
   * Why the Kthena tests cannot run here, or empty when the kthena component runs in the local
   * cluster (hack/components/kthena.sh).
   */
  static java.util.Optional<String> unavailable() {
    Path repo = LocalCluster.kubeconfig().getParent().getParent();
    Path source = repo.resolve(SHARED_SOURCE).normalize();
    if (!Files.isDirectory(source)) {
      return java.util.Optional.of(
          source
              + " is absent, so Kthena's router and autoscaler cannot be built (hack/components/kthena.sh)");
    }
    Path with = LocalCluster.kubeconfig().resolveSibling("with");
    List<String> components;
    try {
      components = Files.isRegularFile(with) ? Files.readAllLines(with) : List.of();
    } catch (IOException e) {
      components = List.of();
    }
    if (!components.contains("kthena")) {
      return java.util.Optional.of(
          "the local cluster runs without Kthena; start it with `hack/local-cluster.sh up --with kthena` (make test does)");
    }
    if (!Files.isRegularFile(routerUrlFile())) {
      return java.util.Optional.of(
          routerUrlFile() + " is missing (the kthena component did not finish starting)");
    }
    return java.util.Optional.empty();
  }

  /** Skips the calling test, with the reason, unless the kthena component runs. */
  static void assumeRunning(java.util.Optional<String> unavailable) {
    assumeTrue(unavailable.isEmpty(), () -> "skipped: " + unavailable.orElse(""));
  }

  private static Path routerUrlFile() {
    return LocalCluster.kubeconfig().resolveSibling("kthena").resolve("router-url");
  }

  static String routerUrl() {
    try {
      return Files.readString(routerUrlFile()).trim();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + routerUrlFile(), e);
    }
  }

  /**
   * What the router answered: the status and, on success, the pod IP the fake model server named.
   */
  record Reply(int status, String servedBy, String body) {
    boolean ok() {
      return status == 200;
    }
  }

  /** One OpenAI-style completion request through the router. */
  static Reply complete(String model) {
    String body = "{\"model\": \"" + model + "\", \"prompt\": \"hello\", \"max_tokens\": 3}";
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(routerUrl() + "/v1/completions"))
            .timeout(Duration.ofSeconds(15))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
            .build();
    try {
      HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
      return new Reply(
          response.statusCode(),
          response.headers().firstValue(FakeModelServer.SERVED_BY).orElse(null),
          response.body());
    } catch (IOException e) {
      return new Reply(-1, null, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The YAML lines (for a pod template's spec, indented by {@code indent} spaces) that put a pod on
   * the loopback node: its node selector and the toleration of its taint.
   */
  static String onLoopbackNode(int indent) {
    String pad = " ".repeat(indent);
    return pad
        + "nodeSelector: {kubernetes.io/hostname: "
        + LOOPBACK_NODE
        + "}\n"
        + pad
        + "tolerations: [{key: "
        + LOOPBACK_TAINT
        + ", operator: Exists, effect: NoSchedule}]\n";
  }

  static boolean readyAndServing(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() == null
        && "Running".equals(pod.getStatus().getPhase())
        && pod.getStatus().getPodIP() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }
}
