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
 * resources, per controller) and ours, {@code modelserving_api_writes_total} by verb and resource.
 * Exposed in Prometheus format on {@code /metrics}.
 */
public final class ControllerMetrics {
  public static final String API_WRITES = "modelserving.api.writes";

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, Counter> writes = new ConcurrentHashMap<>();

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

  /** The Prometheus text exposition of every meter. */
  public String scrape() {
    return registry.scrape();
  }
}
