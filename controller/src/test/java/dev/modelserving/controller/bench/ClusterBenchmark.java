package dev.modelserving.controller.bench;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.lws.v1.LeaderWorkerSetSpec;
import dev.modelserving.api.lws.v1.LeaderWorkerSetStatus;
import dev.modelserving.api.lws.v1.LeaderWorkerTemplate;
import dev.modelserving.api.lws.v1.LwsKeys;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The cluster layer of {@code make bench} (run by hack/bench.sh from the test classpath, not by
 * Maven's test run): N LeaderWorkerSets of size S on the local cluster under one column at a time
 * (floor: a raw parallel client makes the pods itself; ours; upstream), measured from the API
 * server's and the controller's own view. No timing is asserted.
 *
 * <pre>
 *   chart-args --values deploy/helm/x/values.yaml   JVM flags (line 1) and run flags (line 2) of the chart
 *   nodes --pods=P | --remove                       enough kwok nodes for P pods / remove those added
 *   run --column=floor|ours|upstream --groups=N --size=S --out=F [--pid=PID] [--metrics=URL] ...
 *   report --dir=D [--commit=C ...]                 the table (stdout) and D/bench-cluster.json
 * </pre>
 */
public final class ClusterBenchmark {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();
  private static final String REVISION_ENV = "BENCH_REVISION";
  private static final String BENCH_NODE_PREFIX = "kwok-bench-";
  private static final Set<String> WRITE_VERBS =
      Set.of("POST", "PUT", "PATCH", "DELETE", "DELETECOLLECTION", "APPLY");

  /** Rows of the table: JSON key and label, in order. */
  static final List<List<String>> ROWS =
      List.of(
          List.of("podsReadySeconds", "every pod Ready after apply (s)"),
          List.of("lwsReadySeconds", "every LWS status Ready after apply (s)"),
          List.of("rollingUpdateSeconds", "rolling update of all N, to Ready (s)"),
          List.of("cpuSecondsCreate", "controller CPU, apply to Ready (s)"),
          List.of("cpuMillisPerPodCreated", "controller CPU per pod created (ms)"),
          List.of("cpuMillisPerPodRolled", "controller CPU per pod replaced in the update (ms)"),
          List.of("peakRssMiB", "controller peak RSS, VmHWM (MiB)"),
          List.of("controllerWritesPerGroup", "controller API writes per group, apply to Ready"),
          List.of("settleSeconds", "Ready until the controller's writes stop (s)"),
          List.of("controllerWritesSettling", "controller API writes in that time"),
          List.of("controllerWritesSteady", "controller API writes in steady state"),
          List.of("apiWritesPerGroup", "API server writes per group, all clients, apply to Ready"),
          List.of("apiWritesSteady", "API server writes in steady state, all clients"),
          List.of("statusLagP50Seconds", "LWS edit to status, p50 (s)"),
          List.of("statusLagP99Seconds", "LWS edit to status, p99 (s)"),
          List.of(
              "controlPlaneCpuSecondsCreate",
              "apiserver+etcd+kcm+scheduler+kwok CPU, apply to Ready (s)"));

  private ClusterBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      throw new IllegalArgumentException("usage: chart-args|nodes|run|report [--key=value ...]");
    }
    Map<String, String> o = options(Arrays.copyOfRange(args, 1, args.length));
    switch (args[0]) {
      case "chart-args" -> chartArgs(Path.of(o.get("values")));
      case "nodes" -> nodes(o);
      case "run" -> run(o);
      case "report" -> report(o);
      default -> throw new IllegalArgumentException("unknown command " + args[0]);
    }
    System.exit(0); // the client's threads are not daemons
  }

  static Map<String, String> options(String[] args) {
    Map<String, String> o = new LinkedHashMap<>();
    for (String a : args) {
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("expected --key=value, got " + a);
      }
      int eq = a.indexOf('=');
      o.put(eq < 0 ? a.substring(2) : a.substring(2, eq), eq < 0 ? "true" : a.substring(eq + 1));
    }
    return o;
  }

  private static void progress(String message) {
    System.err.printf(
        "[bench %s] %s%n",
        LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss")), message);
  }

  @SuppressWarnings("unchecked")
  private static void chartArgs(Path values) throws IOException {
    Map<String, Object> parsed = JSON.unmarshal(Files.readString(values), Map.class);
    System.out.println(String.join(" ", BenchMath.chartJvmFlags(parsed)));
    Object workers = parsed.get("workers");
    System.out.println(workers == null ? "" : "--workers=" + workers);
  }

  private static KubernetesClient client(int parallel) {
    Config config =
        new ConfigBuilder(Config.autoConfigure(null))
            .withMaxConcurrentRequests(parallel * 2)
            .withMaxConcurrentRequestsPerHost(parallel * 2)
            .withRequestTimeout(120_000)
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  // ---- nodes ----

  /**
   * Adds kwok nodes (copies of kwok-node-0) until the untainted ones hold the pods, with 10% room.
   */
  private static void nodes(Map<String, String> o) {
    try (KubernetesClient client = client(8)) {
      if (o.containsKey("remove")) {
        List<Node> added =
            client.nodes().list().getItems().stream()
                .filter(n -> n.getMetadata().getName().startsWith(BENCH_NODE_PREFIX))
                .toList();
        added.forEach(n -> client.resource(n).delete());
        progress("removed " + added.size() + " kwok nodes added by the benchmark");
        return;
      }
      long pods = Long.parseLong(o.get("pods"));
      List<Node> usable =
          client.nodes().list().getItems().stream()
              .filter(
                  n -> "fake".equals(n.getMetadata().getAnnotations().get("kwok.x-k8s.io/node")))
              .filter(n -> n.getSpec().getTaints() == null || n.getSpec().getTaints().isEmpty())
              .toList();
      Node template =
          usable.stream()
              .filter(n -> !n.getMetadata().getName().startsWith(BENCH_NODE_PREFIX))
              .findFirst()
              .orElseThrow(() -> new IllegalStateException("no untainted kwok node to copy"));
      long perNode = podCapacity(template);
      long capacity = usable.stream().mapToLong(ClusterBenchmark::podCapacity).sum();
      long needed = pods + pods / 10 + 50;
      int added = 0;
      for (int i = 0; capacity < needed; i++) {
        String name = BENCH_NODE_PREFIX + i;
        if (client.nodes().withName(name).get() != null) {
          continue;
        }
        Map<String, String> labels = new LinkedHashMap<>(template.getMetadata().getLabels());
        labels.put("kubernetes.io/hostname", name);
        client
            .resource(
                new NodeBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .withLabels(labels)
                    .withAnnotations(template.getMetadata().getAnnotations())
                    .endMetadata()
                    .withNewStatus()
                    .withCapacity(template.getStatus().getCapacity())
                    .withAllocatable(template.getStatus().getAllocatable())
                    .endStatus()
                    .build())
            .create();
        capacity += perNode;
        added++;
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (added > 0 && System.nanoTime() < deadline) {
        long notReady =
            client.nodes().list().getItems().stream()
                .filter(n -> n.getMetadata().getName().startsWith(BENCH_NODE_PREFIX))
                .filter(n -> !conditionTrue(n.getStatus().getConditions(), "Ready"))
                .count();
        if (notReady == 0) {
          break;
        }
        sleep(500);
      }
      progress(
          "kwok nodes: room for "
              + capacity
              + " pods ("
              + added
              + " added for "
              + pods
              + " pods plus 10%)");
    }
  }

  private static long podCapacity(Node n) {
    Quantity q = n.getStatus().getAllocatable().get("pods");
    return q == null ? 110 : Quantity.getAmountInBytes(q).longValue();
  }

  // ---- one column ----

  /** What is read before and after each phase. */
  private record Snapshot(
      long nanos,
      long cpuTicks,
      long systemCpuTicks,
      Map<String, Double> controllerWrites,
      Map<String, Double> apiWrites,
      Map<String, Double> passes) {}

  private static final class Settings {
    String column;
    int groups;
    int size;
    int parallel;
    Duration timeout;
    int steadySeconds;
    int probes;
    long clkTck;
    long pid;
    String metricsUrl;
    List<Long> systemPids;
    KubernetesClient client;
    HttpClient http = HttpClient.newHttpClient();
    String namespace;

    boolean floor() {
      return column.equals("floor");
    }

    int pods() {
      return groups * size;
    }
  }

  private static void run(Map<String, String> o) throws Exception {
    Settings s = new Settings();
    s.column = o.get("column");
    s.groups = Integer.parseInt(o.getOrDefault("groups", "200"));
    s.size = Integer.parseInt(o.getOrDefault("size", "4"));
    s.parallel = Integer.parseInt(o.getOrDefault("parallel", "48"));
    s.timeout = Duration.ofSeconds(Long.parseLong(o.getOrDefault("timeout", "900")));
    s.steadySeconds = Integer.parseInt(o.getOrDefault("steady", "60"));
    s.probes = Integer.parseInt(o.getOrDefault("probes", "20"));
    s.clkTck = Long.parseLong(o.getOrDefault("clk-tck", "100"));
    s.pid = Long.parseLong(o.getOrDefault("pid", "0"));
    s.metricsUrl = o.get("metrics");
    s.systemPids =
        Arrays.stream(o.getOrDefault("system-pids", "").split(","))
            .filter(x -> !x.isBlank())
            .map(Long::parseLong)
            .toList();
    s.namespace = "bench-" + s.column + "-" + (System.currentTimeMillis() / 1000 % 100000);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("column", s.column);
    result.put("namespace", s.namespace);
    Map<String, Object> phases = new LinkedHashMap<>();
    result.put("phaseSeconds", phases);
    try (KubernetesClient client = client(s.parallel)) {
      s.client = client;
      measure(s, result, phases);
    } finally {
      Files.writeString(Path.of(o.get("out")), JSON.asJson(result));
      progress(s.column + ": wrote " + o.get("out"));
    }
  }

  private static void measure(Settings s, Map<String, Object> result, Map<String, Object> phases)
      throws Exception {
    KubernetesClient client = s.client;
    client
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(s.namespace).endMetadata().build())
        .create();
    SharedIndexInformer<Pod> pods = client.pods().inNamespace(s.namespace).inform();
    SharedIndexInformer<LeaderWorkerSet> sets =
        client.resources(LeaderWorkerSet.class).inNamespace(s.namespace).inform();
    ExecutorService pool = Executors.newFixedThreadPool(s.parallel);
    try {
      // ---- apply and converge ----
      progress(
          s.column
              + ": applying "
              + s.groups
              + " LWS x "
              + s.size
              + " ("
              + s.pods()
              + " pods) in "
              + s.namespace
              + (s.floor() ? ", creating pods and Services with a raw client" : ""));
      Snapshot start = snapshot(s);
      List<Future<?>> applied = new ArrayList<>();
      for (int g = 0; g < s.groups; g++) {
        int group = g;
        applied.add(
            pool.submit(
                () -> {
                  client.resource(lws(s, group)).create();
                  if (s.floor()) {
                    floorCreateGroup(s, group, "1");
                  }
                  return null;
                }));
      }
      Supplier<String> state = () -> state(s, pods, sets, "1");
      Object podsReady =
          await(
              s, "every pod Ready", start, state, applied, () -> readyPods(pods, "1") >= s.pods());
      Object lwsReady =
          s.floor()
              ? "n/a"
              : await(
                  s,
                  "every LWS Ready",
                  start,
                  state,
                  applied,
                  () -> readySets(s, sets, false) >= s.groups);
      Snapshot created = snapshot(s);
      phases.put("create", seconds(start, created));
      result.put("podsReadySeconds", podsReady);
      result.put("lwsReadySeconds", lwsReady);
      putCpuAndWrites(s, result, start, created, "Create", s.pods());
      if (!(podsReady instanceof Double) || !(lwsReady instanceof Double || s.floor())) {
        progress(s.column + ": did not converge; the remaining phases are skipped");
        return;
      }

      // ---- settling: what the controller still sends once all is Ready (queued Events, last
      // status patches), until its write counter stands still for 5 s ----
      Snapshot quiet = created;
      if (s.metricsUrl != null) {
        quiet = settle(s, created);
        double settle = seconds(created, quiet);
        phases.put("settle", settle);
        result.put("settleSeconds", settle);
        Map<String, Double> d =
            BenchMath.delta(created.controllerWrites(), quiet.controllerWrites());
        result.put("controllerWritesSettling", BenchMath.total(d));
        result.put("controllerWritesSettlingByVerbResource", d);
      } else {
        result.put("settleSeconds", "n/a");
        result.put("controllerWritesSettling", "n/a");
      }

      // ---- steady state ----
      progress(s.column + ": steady state for " + s.steadySeconds + "s (counting writes)");
      sleep(s.steadySeconds * 1000L);
      Snapshot steady = snapshot(s);
      phases.put("steady", seconds(quiet, steady));
      if (s.metricsUrl != null) {
        Map<String, Double> d =
            BenchMath.delta(quiet.controllerWrites(), steady.controllerWrites());
        result.put("controllerWritesSteady", BenchMath.total(d));
        result.put("controllerWritesSteadyByVerbResource", d);
      } else {
        result.put("controllerWritesSteady", "n/a");
      }
      Map<String, Double> apiSteady = BenchMath.delta(quiet.apiWrites(), steady.apiWrites());
      result.put("apiWritesSteady", BenchMath.total(apiSteady));
      result.put("apiWritesSteadyByVerbResource", apiSteady);
      result.put("steadySeconds", s.steadySeconds);

      // ---- responsiveness: scale one LWS 1 -> 2 -> 1, time until status.replicas says so ----
      if (!s.floor()) {
        Snapshot probeStart = snapshot(s);
        List<Double> lags = probe(s, sets);
        phases.put("probe", seconds(probeStart, snapshot(s)));
        result.put("statusLagSamples", lags.size());
        result.put("statusLagP50Seconds", BenchMath.percentile(lags, 50).orElse(Double.NaN));
        result.put("statusLagP99Seconds", BenchMath.percentile(lags, 99).orElse(Double.NaN));
        result.put("statusLagMaxSeconds", BenchMath.percentile(lags, 100).orElse(Double.NaN));
        Object settled =
            await(
                s,
                "probe LWS back to Ready",
                snapshot(s),
                state,
                List.of(),
                () -> readySets(s, sets, false) >= s.groups);
        if (!(settled instanceof Double)) {
          return;
        }
      } else {
        result.put("statusLagP50Seconds", "n/a");
        result.put("statusLagP99Seconds", "n/a");
      }

      // ---- rolling update of all N: a new env value in every worker template ----
      progress(s.column + ": rolling update of all " + s.groups + " LWS");
      Snapshot rollStart = snapshot(s);
      RollTimeline timeline =
          new RollTimeline(
              rollStart.nanos(),
              s.size,
              System::nanoTime,
              pods.getStore().list(),
              p -> "2".equals(revisionOf(p)),
              p -> p.getStatus() != null && podReady(p));
      pods.addEventHandler(timeline);
      List<Future<?>> edits = new ArrayList<>();
      for (int g = 0; g < s.groups; g++) {
        int group = g;
        edits.add(
            pool.submit(
                () -> {
                  editLws(s, lwsName(group), l -> withRevision(l, "2"));
                  timeline.edited(lwsName(group));
                  if (s.floor()) {
                    floorReplaceGroup(s, pods, group, "2");
                  }
                  return null;
                }));
      }
      Supplier<String> rollState = () -> state(s, pods, sets, "2") + "; " + timeline.stages();
      Object rolled =
          await(
              s,
              "rolling update done",
              rollStart,
              rollState,
              edits,
              () ->
                  readyPods(pods, "2") >= s.pods()
                      && livePods(pods) == s.pods()
                      && (s.floor() || readySets(s, sets, true) >= s.groups));
      Snapshot rollEnd = snapshot(s);
      phases.put("rollingUpdate", seconds(rollStart, rollEnd));
      result.put("rollingUpdateSeconds", rolled);
      Map<String, Object> byStage = timeline.summary();
      result.put("rollingUpdateByStage", byStage);
      progress(s.column + ": rolling update by stage (s, over groups): " + byStage);
      Map<String, Double> passes = BenchMath.delta(rollStart.passes(), rollEnd.passes());
      result.put(
          "apiWritesRolledByVerbResource",
          BenchMath.delta(rollStart.apiWrites(), rollEnd.apiWrites()));
      if (s.metricsUrl != null) {
        result.put(
            "controllerWritesRolledByVerbResource",
            BenchMath.delta(rollStart.controllerWrites(), rollEnd.controllerWrites()));
        Map<String, Double> perGroup = new LinkedHashMap<>();
        passes.forEach((k, v) -> perGroup.put(k, v / s.groups));
        result.put("rollingUpdatePassesPerGroup", perGroup);
        progress(s.column + ": rolling update passes per group: " + perGroup);
      }
      if (s.pid > 0) {
        result.put(
            "cpuMillisPerPodRolled",
            1000.0 * (rollEnd.cpuTicks() - rollStart.cpuTicks()) / s.clkTck / s.pods());
      }
    } finally {
      if (s.pid > 0) {
        String status = Files.readString(Path.of("/proc/" + s.pid + "/status"));
        result.put("peakRssMiB", BenchMath.statusBytes(status, "VmHWM") / (1024.0 * 1024));
        result.put("rssAtEndMiB", BenchMath.statusBytes(status, "VmRSS") / (1024.0 * 1024));
      }
      pool.shutdownNow();
      pods.close();
      sets.close();
      cleanUp(s, phases);
    }
  }

  private static void putCpuAndWrites(
      Settings s,
      Map<String, Object> result,
      Snapshot from,
      Snapshot to,
      String phase,
      int podsCreated) {
    if (s.pid > 0) {
      double cpu = (double) (to.cpuTicks() - from.cpuTicks()) / s.clkTck;
      result.put("cpuSeconds" + phase, cpu);
      result.put("cpuMillisPerPodCreated", 1000.0 * cpu / podsCreated);
    } else {
      result.put("cpuSeconds" + phase, "n/a");
      result.put("cpuMillisPerPodCreated", "n/a");
      result.put("peakRssMiB", "n/a");
    }
    result.put(
        "controlPlaneCpuSeconds" + phase,
        (double) (to.systemCpuTicks() - from.systemCpuTicks()) / s.clkTck);
    if (s.metricsUrl != null) {
      Map<String, Double> d = BenchMath.delta(from.controllerWrites(), to.controllerWrites());
      result.put("controllerWritesPerGroup", BenchMath.total(d) / s.groups);
      result.put("controllerWritesByVerbResource", d);
    } else {
      result.put("controllerWritesPerGroup", "n/a");
    }
    Map<String, Double> api = BenchMath.delta(from.apiWrites(), to.apiWrites());
    result.put("apiWritesPerGroup", BenchMath.total(api) / s.groups);
    result.put("apiWritesByVerbResource", api);
  }

  private static List<Double> probe(Settings s, SharedIndexInformer<LeaderWorkerSet> sets) {
    progress(
        s.column + ": responsiveness: scaling " + lwsName(0) + " 1->2->1 " + s.probes + " times");
    List<Double> lags = new ArrayList<>();
    for (int i = 0; i < s.probes; i++) {
      for (int replicas : new int[] {2, 1}) {
        long t0 = System.nanoTime();
        editLws(
            s,
            lwsName(0),
            l -> {
              l.getSpec().setReplicas(replicas);
              return l;
            });
        long deadline = t0 + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline
            && statusReplicas(sets, s.namespace, lwsName(0)) != replicas) {
          sleep(10);
        }
        lags.add((System.nanoTime() - t0) / 1e9);
      }
    }
    return lags;
  }

  private static int statusReplicas(
      SharedIndexInformer<LeaderWorkerSet> sets, String namespace, String name) {
    LeaderWorkerSet l = sets.getStore().getByKey(Cache.namespaceKeyFunc(namespace, name));
    return l == null || l.getStatus() == null || l.getStatus().getReplicas() == null
        ? -1
        : l.getStatus().getReplicas();
  }

  /**
   * Waits until the controller's write counter has not moved for 5 s (at most 120 s); returns the
   * snapshot taken when it last moved, or the last one.
   */
  private static Snapshot settle(Settings s, Snapshot from) {
    Snapshot last = from;
    long stillSince = System.nanoTime();
    long deadline = System.nanoTime() + 120_000_000_000L;
    while (System.nanoTime() < deadline) {
      sleep(1000);
      Snapshot now = snapshot(s);
      if (!now.controllerWrites().equals(last.controllerWrites())) {
        last = now;
        stillSince = System.nanoTime();
      } else if (System.nanoTime() - stillSince >= 5_000_000_000L) {
        break;
      }
    }
    progress(
        String.format(
            "%s: the controller's writes stopped %.1fs after Ready",
            s.column, seconds(from, last)));
    return last;
  }

  /**
   * Waits until {@code done}, printing progress every 5 s; seconds since {@code from}, or
   * "timeout".
   */
  private static Object await(
      Settings s,
      String what,
      Snapshot from,
      Supplier<String> state,
      List<Future<?>> tasks,
      BooleanSupplier done) {
    long deadline = from.nanos() + s.timeout.toNanos();
    long nextPrint = System.nanoTime() + 5_000_000_000L;
    while (!done.getAsBoolean()) {
      String failure = firstFailure(tasks);
      if (failure != null) {
        progress(s.column + ": FAILED while waiting for " + what + ": " + failure);
        return "failed";
      }
      if (System.nanoTime() > deadline) {
        progress(
            s.column
                + ": TIMEOUT waiting for "
                + what
                + " after "
                + s.timeout.toSeconds()
                + "s: "
                + state.get());
        return "timeout";
      }
      if (System.nanoTime() > nextPrint) {
        progress(
            String.format(
                "%s: %4.0fs %s", s.column, (System.nanoTime() - from.nanos()) / 1e9, state.get()));
        nextPrint += 5_000_000_000L;
      }
      sleep(100);
    }
    double secs = (System.nanoTime() - from.nanos()) / 1e9;
    progress(String.format("%s: %s after %.1fs", s.column, what, secs));
    return secs;
  }

  /** An edit of one LWS, again on a conflict (the upstream controller writes the LWS too). */
  private static void editLws(
      Settings s, String name, java.util.function.UnaryOperator<LeaderWorkerSet> change) {
    for (int attempt = 1; ; attempt++) {
      try {
        s.client
            .resources(LeaderWorkerSet.class)
            .inNamespace(s.namespace)
            .withName(name)
            .edit(change);
        return;
      } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 10) {
          throw e;
        }
      }
    }
  }

  /** The error of the first task that failed, or null. */
  private static String firstFailure(List<Future<?>> tasks) {
    for (Future<?> f : tasks) {
      if (f.isDone()) {
        try {
          f.get();
        } catch (ExecutionException e) {
          return String.valueOf(e.getCause());
        } catch (InterruptedException | CancellationException e) {
          return String.valueOf(e);
        }
      }
    }
    return null;
  }

  private static String state(
      Settings s,
      SharedIndexInformer<Pod> pods,
      SharedIndexInformer<LeaderWorkerSet> sets,
      String rev) {
    return "pods Ready "
        + readyPods(pods, rev)
        + "/"
        + s.pods()
        + " (live "
        + livePods(pods)
        + ")"
        + (s.floor() ? "" : ", LWS Ready " + readySets(s, sets, !rev.equals("1")) + "/" + s.groups);
  }

  // ---- what the informers see ----

  /** Pods not being deleted, Ready, running template revision {@code rev}. */
  static long readyPods(SharedIndexInformer<Pod> pods, String rev) {
    return pods.getStore().list().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(p -> rev.equals(revisionOf(p)))
        .filter(p -> p.getStatus() != null && podReady(p))
        .count();
  }

  static long livePods(SharedIndexInformer<Pod> pods) {
    return pods.getStore().list().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .count();
  }

  private static boolean podReady(Pod p) {
    return p.getStatus().getConditions() != null
        && p.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static String revisionOf(Pod p) {
    return p.getSpec().getContainers().get(0).getEnv() == null
        ? null
        : p.getSpec().getContainers().get(0).getEnv().stream()
            .filter(e -> REVISION_ENV.equals(e.getName()))
            .map(EnvVar::getValue)
            .findFirst()
            .orElse(null);
  }

  /**
   * LWS whose status says Ready as upstream LWS does: condition Available=True and readyReplicas ==
   * spec.replicas (and, after an update, updatedReplicas == spec.replicas), for the current
   * generation when the status names one.
   */
  static long readySets(Settings s, SharedIndexInformer<LeaderWorkerSet> sets, boolean updated) {
    return sets.getStore().list().stream()
        .filter(
            l -> {
              LeaderWorkerSetStatus st = l.getStatus();
              int replicas = l.getSpec().getReplicas() == null ? 1 : l.getSpec().getReplicas();
              return st != null
                  && Objects.equals(st.getReadyReplicas(), replicas)
                  && (!updated || Objects.equals(st.getUpdatedReplicas(), replicas))
                  && (st.getObservedGeneration() == null
                      || st.getObservedGeneration() >= l.getMetadata().getGeneration())
                  && conditionTrue(st.getConditions(), LwsKeys.Conditions.AVAILABLE);
            })
        .count();
  }

  private static boolean conditionTrue(List<? extends Object> conditions, String type) {
    if (conditions == null) {
      return false;
    }
    for (Object c : conditions) {
      if (c instanceof Condition cond
          && type.equals(cond.getType())
          && "True".equals(cond.getStatus())) {
        return true;
      }
      if (c instanceof io.fabric8.kubernetes.api.model.NodeCondition nc
          && type.equals(nc.getType())
          && "True".equals(nc.getStatus())) {
        return true;
      }
    }
    return false;
  }

  // ---- the workload ----

  static String lwsName(int group) {
    return String.format("bench-%04d", group);
  }

  private static PodTemplateSpec template(String rev) {
    return new PodTemplateSpecBuilder()
        .withNewSpec()
        .addNewContainer()
        .withName("model")
        .withImage("registry.k8s.io/pause:3.10")
        .addNewEnv()
        .withName(REVISION_ENV)
        .withValue(rev)
        .endEnv()
        .endContainer()
        .endSpec()
        .build();
  }

  private static LeaderWorkerSet lws(Settings s, int group) {
    LeaderWorkerSet l = new LeaderWorkerSet();
    l.getMetadata().setName(lwsName(group));
    l.getMetadata().setNamespace(s.namespace);
    LeaderWorkerSetSpec spec = new LeaderWorkerSetSpec();
    spec.setReplicas(1);
    LeaderWorkerTemplate t = new LeaderWorkerTemplate();
    t.setSize(s.size);
    t.setWorkerTemplate(template("1"));
    spec.setLeaderWorkerTemplate(t);
    l.setSpec(spec);
    return l;
  }

  private static LeaderWorkerSet withRevision(LeaderWorkerSet l, String rev) {
    l
        .getSpec()
        .getLeaderWorkerTemplate()
        .getWorkerTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .getEnv()
        .stream()
        .filter(e -> REVISION_ENV.equals(e.getName()))
        .forEach(e -> e.setValue(rev));
    return l;
  }

  /**
   * The floor: the headless Service and the S pods of group 0 of LWS {@code group}, as LWS names
   * them.
   */
  private static void floorCreateGroup(Settings s, int group, String rev) {
    String name = lwsName(group);
    s.client
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(s.namespace)
                .addToLabels(LwsKeys.Labels.NAME, name)
                .endMetadata()
                .withNewSpec()
                .withClusterIP("None")
                .withPublishNotReadyAddresses(true)
                .addToSelector(LwsKeys.Labels.NAME, name)
                .endSpec()
                .build())
        .create();
    floorCreatePods(s, group, rev);
  }

  private static void floorCreatePods(Settings s, int group, String rev) {
    for (Pod p : floorPods(s, group, rev)) {
      s.client.resource(p).create();
    }
  }

  static List<Pod> floorPods(Settings s, int group, String rev) {
    String name = lwsName(group);
    List<Pod> pods = new ArrayList<>();
    for (int w = 0; w < s.size; w++) {
      // Revision 1 has the names LWS gives; the floor's rolling update uses fresh names (-rN), so
      // that it never waits for an old pod to go (and kwok never sees a name reused).
      String suffix = "1".equals(rev) ? "" : "-r" + rev;
      String pod = (w == 0 ? name + "-0" : name + "-0-" + w) + suffix;
      pods.add(
          new PodBuilder()
              .withNewMetadata()
              .withName(pod)
              .withNamespace(s.namespace)
              .addToLabels(LwsKeys.Labels.NAME, name)
              .addToLabels(LwsKeys.Labels.GROUP_INDEX, "0")
              .addToLabels(LwsKeys.Labels.WORKER_INDEX, Integer.toString(w))
              .addToLabels(LwsKeys.Labels.GROUP_KEY, name + "-0")
              .addToLabels(LwsKeys.Labels.TEMPLATE_REVISION_HASH, "r" + rev)
              .endMetadata()
              .withSpec(template(rev).getSpec())
              .editSpec()
              .withHostname(pod)
              .withSubdomain(name)
              .endSpec()
              .build());
    }
    return pods;
  }

  /**
   * The floor's rolling update of one group: delete its pods (grace period 0, as a floor) and
   * create their replacements, under fresh names, at once.
   */
  private static void floorReplaceGroup(
      Settings s, SharedIndexInformer<Pod> informer, int group, String rev) {
    String name = lwsName(group);
    for (Pod p : informer.getStore().list()) {
      if (name.equals(p.getMetadata().getLabels().get(LwsKeys.Labels.NAME))
          && p.getMetadata().getDeletionTimestamp() == null) {
        s.client
            .pods()
            .inNamespace(s.namespace)
            .withName(p.getMetadata().getName())
            .withGracePeriod(0)
            .delete();
      }
    }
    floorCreatePods(s, group, rev);
  }

  // ---- measurements ----

  private static Snapshot snapshot(Settings s) {
    long cpu = s.pid > 0 ? procTicks(s.pid) : -1;
    long system = s.systemPids.stream().mapToLong(ClusterBenchmark::procTicks).sum();
    Map<String, Double> controller = Map.of();
    Map<String, Double> passes = Map.of();
    if (s.metricsUrl != null) {
      try {
        String text =
            s.http
                .send(
                    HttpRequest.newBuilder(URI.create(s.metricsUrl))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body();
        controller =
            BenchMath.sumBy(text, "modelserving_api_writes_total", l -> true, "verb", "resource");
        passes =
            BenchMath.sumBy(text, "reconciliations_started_total", l -> true, "controller_name");
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + s.metricsUrl, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    String api = s.client.raw("/metrics");
    Map<String, Double> apiWrites =
        new TreeMap<>(
            BenchMath.sumBy(
                api == null ? "" : api,
                "apiserver_request_total",
                l -> WRITE_VERBS.contains(l.get("verb")) && !"leases".equals(l.get("resource")),
                "verb",
                "resource",
                "subresource"));
    return new Snapshot(System.nanoTime(), cpu, system, controller, apiWrites, passes);
  }

  private static long procTicks(long pid) {
    try {
      return BenchMath.cpuTicks(Files.readString(Path.of("/proc/" + pid + "/stat")));
    } catch (IOException e) {
      return 0; // the process is gone
    }
  }

  private static double seconds(Snapshot a, Snapshot b) {
    return Math.round((b.nanos() - a.nanos()) / 1e8) / 10.0;
  }

  private static void cleanUp(Settings s, Map<String, Object> phases) {
    progress(s.column + ": deleting namespace " + s.namespace + " and waiting for its pods to go");
    long t0 = System.nanoTime();
    s.client.namespaces().withName(s.namespace).delete();
    // The namespace controller deletes pods gracefully, each waiting for kwok to confirm it (2-11
    // pods/s here: 10,000 pods took 15 to 60 minutes); one collection delete with no grace period
    // removes them at once. The clean-up is not part of any measured phase.
    s.client.pods().inNamespace(s.namespace).withGracePeriod(0).delete();
    long deadline = t0 + Math.max(s.timeout.toNanos(), Duration.ofMinutes(10).toNanos());
    AtomicInteger printed = new AtomicInteger();
    while (System.nanoTime() < deadline
        && s.client.namespaces().withName(s.namespace).get() != null) {
      if ((System.nanoTime() - t0) / 10_000_000_000L > printed.get()) {
        printed.incrementAndGet();
        progress(
            s.column
                + ": cleaning up, "
                + s.client.pods().inNamespace(s.namespace).list().getItems().size()
                + " pods left");
      }
      sleep(500);
    }
    phases.put("cleanUp", Math.round((System.nanoTime() - t0) / 1e8) / 10.0);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ---- report ----

  @SuppressWarnings("unchecked")
  private static void report(Map<String, String> o) throws IOException {
    Path dir = Path.of(o.get("dir"));
    Map<String, Map<String, Object>> columns = new LinkedHashMap<>();
    for (String c : List.of("floor", "ours", "upstream")) {
      Path f = dir.resolve("bench-cluster-" + c + ".json");
      if (Files.exists(f)) {
        columns.put(c, JSON.unmarshal(Files.readString(f), Map.class));
      }
    }
    List<List<String>> rows = new ArrayList<>();
    for (List<String> row : ROWS) {
      Object floor = value(columns, "floor", row.get(0));
      Object ours = value(columns, "ours", row.get(0));
      Object upstream = value(columns, "upstream", row.get(0));
      rows.add(
          List.of(
              row.get(1),
              BenchMath.cell(floor),
              BenchMath.cell(ours),
              BenchMath.cell(upstream),
              BenchMath.ratio(ours, floor),
              BenchMath.ratio(ours, upstream)));
    }
    String table =
        BenchMath.table(
            List.of("metric", "floor", "ours", "upstream", "ours/floor", "ours/upstream"), rows);
    Map<String, Object> out = new LinkedHashMap<>();
    for (String k :
        List.of(
            "commit",
            "date",
            "groups",
            "size",
            "nproc",
            "memTotal",
            "loadAverage",
            "upstreamNote")) {
      if (o.containsKey(k)) {
        out.put(k, o.get(k));
      }
    }
    out.put(
        "pods",
        Integer.parseInt(o.getOrDefault("groups", "0"))
            * Integer.parseInt(o.getOrDefault("size", "0")));
    out.put("columns", columns);
    out.put("table", table);
    Files.writeString(dir.resolve("bench-cluster.json"), JSON.asJson(out));
    Files.writeString(dir.resolve("bench-cluster.txt"), table);
    System.out.print(table);
  }

  private static Object value(Map<String, Map<String, Object>> columns, String column, String key) {
    Map<String, Object> c = columns.get(column);
    if (c == null) {
      return "not run";
    }
    Object v = c.get(key);
    if (v instanceof Number n && Double.isNaN(n.doubleValue())) {
      return "n/a";
    }
    return v == null ? "n/a" : v;
  }
}
