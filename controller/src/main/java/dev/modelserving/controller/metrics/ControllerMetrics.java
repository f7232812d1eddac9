package dev.modelserving.controller.metrics;

import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetricsV2;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every meter of the controller, in one place (names and labels are documented in docs/metrics.md):
 * JOSDK's reconcile metrics (started, succeeded, failed, retries, durations, queue size, managed
 * resources, per controller) and ours: {@code modelserving_api_writes_total} by verb and resource,
 * and what became of the Events recorded ({@code modelserving_events_*_total}). Exposed in
 * Prometheus format on {@code /metrics}.
 */
public final class ControllerMetrics {
  public static final String API_WRITES = "modelserving.api.writes";
  public static final String EVENTS_RECORDED = "modelserving.events.recorded";
  public static final String EVENTS_AGGREGATED = "modelserving.events.aggregated";
  public static final String EVENTS_DROPPED = "modelserving.events.dropped";

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, Counter> writes = new ConcurrentHashMap<>();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  public ControllerMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
  }

  /** JOSDK's reconcile metrics, recorded into this registry. */
  public Metrics operatorMetrics() {
    return MicrometerMetricsV2.newBuilder(registry).build();
  }

  /** Counts one write to the API server, e.g. ("create", "pods"). */
  public void apiWrite(String verb, String resource) {
    writes
        .computeIfAbsent(
            verb + "/" + resource,
            k ->
                Counter.builder(API_WRITES)
                    .description("Writes the controller sent to the Kubernetes API server")
                    .tag("verb", verb)
                    .tag("resource", resource)
                    .register(registry))
        .increment();
  }

  /** Counts one Event a reconciler recorded ("Normal", "Warning"), before any aggregation. */
  public void eventRecorded(String type) {
    count(EVENTS_RECORDED, "Events the controller recorded, before aggregation", "type", type);
  }

  /**
   * Counts one recorded Event that made no Event of its own: "duplicate" (raised the count of an
   * equal recent one), "similar" (folded into the combined Event of its object and reason).
   */
  public void eventAggregated(String how) {
    count(EVENTS_AGGREGATED, "Recorded Events folded into another Event", "how", how);
  }

  /** Counts one Event or count update lost: "queue_full", "spam", "api_error", "closed". */
  public void eventDropped(String reason) {
    count(EVENTS_DROPPED, "Events or count updates not sent", "reason", reason);
  }

  private void count(String name, String description, String tag, String value) {
    counters
        .computeIfAbsent(
            name + "/" + value,
            k -> Counter.builder(name).description(description).tag(tag, value).register(registry))
        .increment();
  }

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }
}
