package dev.modelserving.controller.bench;

import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.controller.plan.Plan;
import dev.modelserving.controller.plan.ServingGroupPlanner;
import dev.modelserving.controller.status.ModelServingStatusAggregator;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code make bench}: how long one reconcile's pure work takes for a large ModelServing (planning
 * from nothing, planning in steady state, computing status), reported as a ratio to a baseline
 * measured in the same JVM: serialising the same pods to JSON, which every API write costs anyway.
 * Writes the table to {@code target/bench.txt} and {@code target/bench.json}. No timing is
 * asserted.
 */
@Tag("bench")
class PlannerBenchmarkTest {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  @Test
  void planAndStatusForALargeModelServing() throws Exception {
    ModelServing ms =
        JSON.unmarshal(
            """
        apiVersion: workload.serving.volcano.sh/v1alpha1
        kind: ModelServing
        metadata: {name: bench, namespace: bench, uid: bench-uid}
        spec:
          replicas: 100
          template:
            roles:
            - name: prefill
              replicas: 2
              workerReplicas: 3
              entryTemplate: {spec: {containers: [{name: c, image: "vllm:latest", env: [{name: A, value: "1"}]}]}}
              workerTemplate: {spec: {containers: [{name: c, image: "vllm:latest"}]}}
            - name: decode
              replicas: 1
              workerReplicas: 3
              entryTemplate: {spec: {containers: [{name: c, image: "vllm:latest"}]}}
              workerTemplate: {spec: {containers: [{name: c, image: "vllm:latest"}]}}
        """,
            ModelServing.class);
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    Plan fresh =
        ServingGroupPlanner.plan(
            new ServingGroupPlanner.Input(ms, List.of(), List.of(), List.of(), now));
    List<Pod> running = new ArrayList<>();
    for (Pod pod : fresh.podsToCreate()) {
      Pod live = JSON.clone(pod);
      live.getMetadata().setUid(live.getMetadata().getName());
      live.getMetadata().setCreationTimestamp(now.toString());
      live.setStatus(
          new PodStatusBuilder()
              .withPhase("Running")
              .withConditions(
                  new PodConditionBuilder().withType("Ready").withStatus("True").build())
              .build());
      running.add(live);
    }
    int pods = running.size();

    Map<String, Double> micros = new LinkedHashMap<>();
    micros.put(
        "baseline: serialise " + pods + " pods to JSON",
        time(() -> running.stream().mapToInt(p -> JSON.asJson(p).length()).sum()));
    micros.put(
        "plan from nothing (" + pods + " pods to create)",
        time(
            () ->
                ServingGroupPlanner.plan(
                    new ServingGroupPlanner.Input(ms, List.of(), List.of(), List.of(), now))));
    micros.put(
        "plan in steady state (nothing to do)",
        time(
            () ->
                ServingGroupPlanner.plan(
                    new ServingGroupPlanner.Input(
                        ms, running, fresh.servicesToCreate(), List.of(), now))));
    micros.put(
        "status from " + pods + " pods",
        time(() -> ModelServingStatusAggregator.compute(ms, running, Optional.empty(), now)));

    double baseline = micros.values().iterator().next();
    StringBuilder table =
        new StringBuilder(
            String.format(
                "%-48s %12s %8s%n", "work (ModelServing with 100 groups)", "µs/op", "ratio"));
    StringBuilder json = new StringBuilder("{\n  \"pods\": " + pods + ",\n  \"results\": [\n");
    int i = 0;
    for (var e : micros.entrySet()) {
      double ratio = e.getValue() / baseline;
      table.append(String.format("%-48s %12.1f %8.2f%n", e.getKey(), e.getValue(), ratio));
      json.append(
          String.format(
              "    {\"work\": \"%s\", \"microsPerOp\": %.1f, \"ratioToBaseline\": %.3f}%s%n",
              e.getKey(), e.getValue(), ratio, ++i < micros.size() ? "," : ""));
    }
    json.append("  ]\n}\n");

    Files.writeString(Path.of("target/bench.txt"), table.toString());
    Files.writeString(Path.of("target/bench.json"), json.toString());
  }

  /** Mean microseconds per call after warm-up; a blackhole keeps the JIT from removing the work. */
  private static double time(Supplier<?> work) {
    Object sink = null;
    for (int i = 0; i < 20; i++) {
      sink = work.get();
    }
    int iterations = 30;
    long start = System.nanoTime();
    for (int i = 0; i < iterations; i++) {
      sink = work.get();
    }
    long elapsed = System.nanoTime() - start;
    if (sink == null) {
      throw new IllegalStateException("no result");
    }
    return elapsed / 1_000.0 / iterations;
  }
}
