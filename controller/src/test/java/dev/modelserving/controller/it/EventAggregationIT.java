package dev.modelserving.controller.it;

import static dev.modelserving.controller.it.ModelServingSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Events aggregate as client-go's recorder makes them: 50 groups created at once record 50 similar
 * Events, and a group rebuilt again and again records the same Events again; the API server holds
 * few Events whose counts add up to every recording, and the controller POSTs far fewer Events than
 * it recorded (its own write counter).
 */
class EventAggregationIT {
  @RegisterExtension static final TestNamespace ns = new TestNamespace("events");
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final int GROUPS = 50;
  private static final int REBUILDS = 6;

  @Test
  void repeatedAndSimilarEventsBecomeFewEventsWithCounts() throws Exception {
    try (ControllerProcess controller = ControllerProcess.start("EventAggregationIT")) {
      int port = controller.httpPort();
      Map<String, Double> before = metrics(port);
      modelServings()
          .inNamespace(ns.name())
          .resource(ModelServingYaml.of("agg", GROUPS, "", ModelServingYaml.role("r", 1, 0)))
          .create();
      awaitAvailable(ns.name(), "agg", GROUPS, expectedPodNames(get(ns.name(), "agg")));
      // The same group rebuilt again and again: the same Events, recorded again each time.
      for (int i = 0; i < REBUILDS; i++) {
        String uid = podUids(ns.name(), "agg").get("agg-0-r-0-0");
        client().pods().inNamespace(ns.name()).withName("agg-0-r-0-0").delete();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  String now = podUids(ns.name(), "agg").get("agg-0-r-0-0");
                  return now != null && !now.equals(uid);
                });
      }
      awaitAvailable(ns.name(), "agg", GROUPS, expectedPodNames(get(ns.name(), "agg")));

      // Every recording shows in a count; the last count updates are sent within seconds.
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () ->
                  assertThat(events().stream().mapToInt(e -> e.getCount()).sum())
                      .as("counts of the Events on agg: one per group, and again per rebuild")
                      .isGreaterThanOrEqualTo(GROUPS + REBUILDS));
      Map<String, Long> byReasonAndMessage =
          events().stream()
              .collect(
                  Collectors.groupingBy(
                      e -> e.getReason() + ": " + e.getMessage(), Collectors.counting()));
      assertThat(byReasonAndMessage)
          .as("Events on agg per reason and message")
          .allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(1));
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(500))
          .untilAsserted(
              () ->
                  assertThat(events().stream().mapToInt(e -> e.getCount()).sum())
                      .as("counts of the Events on agg: every recording")
                      .isEqualTo(
                          (int)
                              delta(before, metrics(port), "modelserving_events_recorded_total")));
      List<Event> events = events();
      assertThat(events)
          .as("%d group creations: ten Events of their own, then one combined Event", GROUPS)
          .filteredOn(e -> "ServingGroupCreated".equals(e.getReason()))
          .hasSize(11)
          .anySatisfy(
              e -> {
                assertThat(e.getMessage())
                    .startsWith("(combined from similar events): creating serving group agg-");
                assertThat(e.getCount()).isEqualTo(GROUPS - 10);
              });
      assertThat(events)
          .as("the rebuilt group's Events carry a count")
          .anySatisfy(e -> assertThat(e.getCount()).isGreaterThanOrEqualTo(REBUILDS));
      assertThat(events).as("Events on agg").hasSizeLessThanOrEqualTo(15);

      Map<String, Double> after = metrics(port);
      double recorded = delta(before, after, "modelserving_events_recorded_total");
      double creates =
          delta(
              before, after, "modelserving_api_writes_total{resource=\"events\",verb=\"create\"}");
      double patches =
          delta(before, after, "modelserving_api_writes_total{resource=\"events\",verb=\"patch\"}");
      System.out.printf(
          "EventAggregationIT: %.0f Events recorded, %d on the API server, %.0f POSTs, %.0f"
              + " PATCHes%n",
          recorded, events.size(), creates, patches);
      assertThat(creates)
          .as("Events POSTed (%s recorded, %s patched)", recorded, patches)
          .isEqualTo(events.size())
          .isLessThan(recorded / 3);
      assertThat(creates + patches).as("Event writes").isLessThan(recorded * 2 / 3);
      assertThat(delta(before, after, "modelserving_events_dropped_total")).isZero();
    }
  }

  private static List<Event> events() {
    return client()
        .v1()
        .events()
        .inNamespace(ns.name())
        .withField("involvedObject.name", "agg")
        .list()
        .getItems()
        .stream()
        .filter(e -> "ModelServing".equals(e.getInvolvedObject().getKind()))
        .toList();
  }

  private static final Pattern SAMPLE = Pattern.compile("(?m)^([a-z_]+)(\\{[^}]*})? ([0-9.E+-]+)$");

  /** Every sample of /metrics by name with labels, and by bare name (summed over labels). */
  private static Map<String, Double> metrics(int port) throws Exception {
    String body =
        HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Map<String, Double> samples = new java.util.HashMap<>();
    Matcher m = SAMPLE.matcher(body);
    while (m.find()) {
      double v = Double.parseDouble(m.group(3));
      samples.merge(m.group(1) + (m.group(2) == null ? "" : m.group(2)), v, Double::sum);
      if (m.group(2) != null) {
        samples.merge(m.group(1), v, Double::sum);
      }
    }
    return samples;
  }

  private static double delta(Map<String, Double> before, Map<String, Double> after, String key) {
    return after.getOrDefault(key, 0.0) - before.getOrDefault(key, 0.0);
  }
}
