package dev.modelserving.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.modelserving.controller.kube.EventCorrelator.Settings;
import dev.modelserving.controller.metrics.ControllerMetrics;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The recorder's shell against fabric8's mock API server (CRUD mode). */
@EnableKubernetesMockClient(crud = true)
class EventRecorderTest {
  private static final Settings FAST =
      new Settings(
          4096,
          4096,
          10,
          Duration.ofMinutes(10),
          Duration.ofMillis(300),
          25,
          Duration.ofMinutes(5));

  KubernetesClient client;

  private final ConfigMap object =
      new ConfigMapBuilder()
          .withNewMetadata()
          .withName("cm")
          .withNamespace("ns")
          .withUid("uid-1")
          .endMetadata()
          .build();

  private List<Event> events() {
    return client.v1().events().inNamespace("ns").list().getItems();
  }

  private static double writes(ControllerMetrics metrics, String verb) {
    Matcher m =
        Pattern.compile(
                "(?m)^modelserving_api_writes_total\\{resource=\"events\",verb=\""
                    + verb
                    + "\"} ([0-9.]+)$")
            .matcher(metrics.scrape());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  void aBurstOfEqualEventsIsOnePostAndAtMostOneCountUpdate() {
    ControllerMetrics metrics = new ControllerMetrics();
    EventRecorder recorder = new EventRecorder(client, Clock.systemUTC(), metrics, FAST);
    for (int i = 0; i < 100; i++) {
      recorder.warning(object, "InvalidSpec", "invalid spec: spec.x");
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(events())
                    .singleElement()
                    .satisfies(
                        e -> {
                          assertThat(e.getCount()).isEqualTo(100);
                          assertThat(e.getType()).isEqualTo("Warning");
                          assertThat(e.getReason()).isEqualTo("InvalidSpec");
                          assertThat(e.getInvolvedObject().getUid()).isEqualTo("uid-1");
                          assertThat(e.getSource().getComponent())
                              .isEqualTo(EventRecorder.COMPONENT);
                        }));
    recorder.close();
    assertThat(writes(metrics, "create")).isEqualTo(1);
    // The create may go out after the whole burst, with count 100 already.
    assertThat(writes(metrics, "patch")).isLessThanOrEqualTo(1.0);
    assertThat(metrics.scrape())
        .contains("modelserving_events_recorded_total{type=\"Warning\"} 100.0")
        .contains("modelserving_events_aggregated_total{how=\"duplicate\"} 99.0");
  }

  @Test
  void closeSendsTheCountUpdateThatWaitsForItsInterval() {
    ControllerMetrics metrics = new ControllerMetrics();
    EventRecorder recorder =
        new EventRecorder(
            client,
            Clock.systemUTC(),
            metrics,
            new Settings(
                4096,
                4096,
                10,
                Duration.ofMinutes(10),
                Duration.ofMinutes(1),
                25,
                Duration.ofMinutes(5)));
    recorder.normal(object, "Started", "started");
    await().atMost(Duration.ofSeconds(10)).until(() -> events().size() == 1);
    recorder.normal(object, "Started", "started");
    recorder.close(); // the patch was due in a minute
    assertThat(events()).singleElement().satisfies(e -> assertThat(e.getCount()).isEqualTo(2));
    recorder.normal(object, "Started", "started");
    assertThat(metrics.scrape())
        .contains("modelserving_events_dropped_total{reason=\"closed\"} 1.0");
  }

  @Test
  void anEventDeletedMeanwhileIsCreatedAgainWithItsCount() throws Exception {
    EventRecorder recorder =
        new EventRecorder(client, Clock.systemUTC(), new ControllerMetrics(), FAST);
    recorder.normal(object, "Started", "started");
    await().atMost(Duration.ofSeconds(10)).until(() -> events().size() == 1);
    client.v1().events().inNamespace("ns").delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> events().isEmpty());
    Thread.sleep(400); // past the coalesce interval: the next write is a patch, answered 404
    recorder.normal(object, "Started", "started");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(events())
                    .singleElement()
                    .satisfies(e -> assertThat(e.getCount()).isEqualTo(2)));
    recorder.close();
  }

  @Test
  void recordingNeverWaitsForTheApiServer() throws Exception {
    // An API server that accepts connections and never answers.
    try (ServerSocket silent = new ServerSocket(0)) {
      Config config =
          new ConfigBuilder()
              .withMasterUrl("http://127.0.0.1:" + silent.getLocalPort())
              .withRequestTimeout(60_000)
              .withRequestRetryBackoffLimit(0)
              .build();
      try (KubernetesClient stuck = new KubernetesClientBuilder().withConfig(config).build()) {
        EventRecorder recorder =
            new EventRecorder(stuck, Clock.systemUTC(), new ControllerMetrics(), FAST);
        long start = System.nanoTime();
        for (int i = 0; i < 200; i++) {
          recorder.warning(object, "Failed", "attempt " + (i % 20));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).as("200 recordings while a POST hangs").isLessThan(Duration.ofSeconds(2));
        long closing = System.nanoTime();
        recorder.close(Duration.ofMillis(300));
        assertThat(Duration.ofNanos(System.nanoTime() - closing))
            .as("close is bounded")
            .isLessThan(Duration.ofSeconds(5));
      }
    }
  }
}
