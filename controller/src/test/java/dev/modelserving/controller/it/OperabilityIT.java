package dev.modelserving.controller.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * /readyz waits for the caches, /healthz answers, /metrics exposes what docs/metrics.md documents.
 */
class OperabilityIT {
  @RegisterExtension static final TestNamespace ns = new TestNamespace("operability");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(2))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void readyzIsNotReadyBeforeTheCachesSyncAndMetricsAreDocumented() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    List<String> readiness = new ArrayList<>();
    try (ControllerProcess controller =
        ControllerProcess.launch("OperabilityIT", List.of("--http-port=" + port))) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        try {
          HttpResponse<String> r = get(port, "/readyz");
          readiness.add(r.statusCode() + " " + r.body().trim());
          if (r.statusCode() == 200) {
            break;
          }
        } catch (java.io.IOException notListeningYet) {
          // the server is not up yet
        }
        Thread.sleep(10);
      }
      assertThat(readiness).as("/readyz answers from start to ready").isNotEmpty();
      assertThat(readiness.get(0)).isEqualTo("503 starting: caches are syncing");
      assertThat(readiness.get(readiness.size() - 1)).isEqualTo("200 ok");
      assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);

      ModelServingSupport.modelServings()
          .inNamespace(ns.name())
          .resource(ModelServingYaml.of("metered", 1, "", ModelServingYaml.role("r", 1, 0)))
          .create();
      ModelServingSupport.awaitAvailable(
          ns.name(),
          "metered",
          1,
          ModelServingSupport.expectedPodNames(ModelServingSupport.get(ns.name(), "metered")));
      String metrics = get(port, "/metrics").body();
      for (String name : documentedMetrics()) {
        assertThat(metrics)
            .as("metric %s documented in docs/metrics.md", name)
            .containsPattern("(?m)^" + Pattern.quote(name) + "(_bucket|_count|_sum|_max)?[{ ]");
      }
      assertThat(metrics)
          .contains("modelserving_api_writes_total{resource=\"pods\",verb=\"create\"}");
    }
  }

  /**
   * Metric names in backticks in the first column of docs/metrics.md, except those that appear only
   * after a failure.
   */
  static List<String> documentedMetrics() throws Exception {
    Path doc = Path.of("../docs/metrics.md");
    List<String> names = new ArrayList<>();
    Matcher m =
        Pattern.compile("(?m)^\\| `([a-z_]+)`[^|]*\\|[^|]*\\|[^|]*\\|(.*)\\|$")
            .matcher(Files.readString(doc));
    while (m.find()) {
      if (!m.group(2).contains("appears with the first")) {
        names.add(m.group(1));
      }
    }
    assertThat(names)
        .as("metrics listed in docs/metrics.md")
        .contains("modelserving_api_writes_total", "reconciliations_queue");
    return names;
  }
}
