package dev.modelserving.controller.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.modelserving.api.UpstreamFiles;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kthena's real router (hack/components/kthena.sh) in front of pods this controller makes: a
 * ModelServer and a ModelRoute select an LWS's leader pods by labels, and requests through the
 * router reach a fake model server that answers on every pod IP of the loopback node. Skipped, with
 * the reason, when the kthena component is not running.
 */
class KthenaRouterIT {
  @RegisterExtension static final TestNamespace ns = new TestNamespace("kthena-router");

  /**
   * The router and this test learn about a pod from the same API server through separate watches; a
   * request the router dispatched just before its watch delivered a change may arrive just after
   * ours did. A request counts as sent to a pod that was not serving only beyond this margin.
   */
  private static final Duration WATCH_MARGIN = Duration.ofSeconds(2);

  private static ControllerProcess controller;
  private static FakeModelServer model;

  private static java.util.Optional<String> unavailable;

  @BeforeAll
  static void start() {
    unavailable = Kthena.unavailable();
    if (unavailable.isPresent()) {
      System.err.println("KthenaRouterIT skipped: " + unavailable.get());
      return;
    }
    model = FakeModelServer.start();
    controller = ControllerProcess.start("KthenaRouterIT");
  }

  @BeforeEach
  void needsKthena() {
    Kthena.assumeRunning(unavailable);
  }

  @AfterAll
  static void stop() {
    if (controller != null) {
      controller.close();
    }
    if (model != null) {
      model.close();
    }
  }

  private static void apply(String yaml) {
    Kubectl.Result result =
        Kubectl.exec(LocalCluster.kubeconfig(), yaml, "apply", "-n", ns.name(), "-f", "-");
    assertThat(result.exitCode()).as("kubectl apply: %s", result.output()).isZero();
  }

  /**
   * An LWS whose leaders (and workers) run on the loopback node and declare the fake server's port.
   */
  private static String lws(String name, int replicas, String leaderEnv) {
    String container =
        "        containers:\n        - name: vllm\n          image: vllm/vllm-openai:v0.10.0\n"
            + "          ports: [{containerPort: "
            + model.port()
            + "}]\n";
    return "apiVersion: leaderworkerset.x-k8s.io/v1\nkind: LeaderWorkerSet\nmetadata: {name: "
        + name
        + "}\n"
        + "spec:\n  replicas: "
        + replicas
        + "\n  leaderWorkerTemplate:\n    size: 2\n"
        + "    leaderTemplate:\n      spec:\n"
        + Kthena.onLoopbackNode(8)
        + container
        + (leaderEnv.isEmpty()
            ? ""
            : "          env: [{name: REVISION, value: \"" + leaderEnv + "\"}]\n")
        + "    workerTemplate:\n      spec:\n"
        + Kthena.onLoopbackNode(8)
        + container;
  }

  /**
   * A ModelServer for the entry (leader) pods of {@code workload}, and a ModelRoute for model
   * {@code model}.
   */
  private static String serverAndRoute(String workload, String modelName) {
    return "apiVersion: networking.serving.volcano.sh/v1alpha1\nkind: ModelServer\nmetadata: {name: "
        + workload
        + "}\n"
        + "spec:\n  workloadSelector:\n    matchLabels:\n      modelserving.volcano.sh/name: "
        + workload
        + "\n"
        + "      modelserving.volcano.sh/entry: \"true\"\n"
        + "  workloadPort: {port: "
        + model.port()
        + "}\n  model: "
        + modelName
        + "\n  inferenceEngine: vLLM\n"
        + "  trafficPolicy: {timeout: 10s}\n"
        + "---\napiVersion: networking.serving.volcano.sh/v1alpha1\nkind: ModelRoute\nmetadata: {name: "
        + workload
        + "}\n"
        + "spec:\n  modelName: "
        + modelName
        + "\n  rules:\n  - name: default\n    targetModels:\n    - modelServerName: "
        + workload
        + "\n";
  }

  private static Map<Boolean, Set<String>> leaderAndWorkerIps(String lws) {
    return Lws.pods(ns.name(), lws).values().stream()
        .filter(p -> p.getStatus().getPodIP() != null)
        .collect(
            Collectors.partitioningBy(
                p ->
                    "0"
                        .equals(
                            p.getMetadata()
                                .getLabels()
                                .get("leaderworkerset.sigs.k8s.io/worker-index")),
                Collectors.mapping(
                    p -> p.getStatus().getPodIP(), Collectors.toCollection(TreeSet::new))));
  }

  /** Sends {@code count} requests, 4 at a time, and returns the replies. */
  private static List<Kthena.Reply> send(String modelName, int count) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Kthena.Reply>> futures = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        futures.add(pool.submit(() -> Kthena.complete(modelName)));
      }
      List<Kthena.Reply> replies = new ArrayList<>();
      for (Future<Kthena.Reply> f : futures) {
        replies.add(f.get());
      }
      return replies;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void requestsReachOnlyLeadersAlsoAfterKubectlScaleLws() throws Exception {
    apply(lws("chat", 1, ""));
    Lws.awaitReady(ns.name(), "chat", 1, 2);
    apply(serverAndRoute("chat", "chat-model"));
    Map<Boolean, Set<String>> ips = leaderAndWorkerIps("chat");
    assertThat(ips.get(true))
        .as("leader IPs on the loopback node")
        .hasSize(1)
        .allMatch(ip -> ip.startsWith("127.244."));
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(Kthena.complete("chat-model").status())
                    .as("the router knows the route and the pod")
                    .isEqualTo(200));

    List<Kthena.Reply> replies = send("chat-model", 20);
    assertThat(replies).allMatch(Kthena.Reply::ok, "every request answered 200");
    assertThat(replies)
        .extracting(Kthena.Reply::servedBy)
        .containsOnly(ips.get(true).iterator().next());

    Kubectl.run("scale", "lws", "chat", "-n", ns.name(), "--replicas=3");
    Lws.awaitReady(ns.name(), "chat", 3, 2);
    Map<Boolean, Set<String>> scaled = leaderAndWorkerIps("chat");
    assertThat(scaled.get(true)).hasSize(3);
    model.clearReceived();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              List<Kthena.Reply> more = send("chat-model", 12);
              assertThat(more).allMatch(Kthena.Reply::ok, "every request answered 200");
              Set<String> reached =
                  model.received().stream()
                      .map(FakeModelServer.Received::podIp)
                      .collect(Collectors.toCollection(TreeSet::new));
              assertThat(reached).as("pods that received requests").isEqualTo(scaled.get(true));
            });
    assertThat(model.received())
        .extracting(FakeModelServer.Received::podIp)
        .doesNotContainAnyElementsOf(scaled.get(false));
  }

  /**
   * When each pod IP started or stopped serving (Running, Ready, not terminating), as a watch saw
   * it.
   */
  private record Change(Instant at, String ip, boolean serving) {}

  /**
   * Whether {@code ip} belonged to a serving pod at some moment within the margin around {@code
   * at}.
   */
  private static boolean servedAround(List<Change> changes, String ip, Instant at) {
    Instant from = at.minus(WATCH_MARGIN);
    Instant to = at.plus(WATCH_MARGIN);
    boolean servingAtFrom = false;
    for (Change c : changes) {
      if (!c.ip().equals(ip) || c.at().isAfter(to)) {
        continue;
      }
      if (!c.at().isAfter(from)) {
        servingAtFrom =
            c.serving(); // changes are in watch order: the last one before the window wins
      } else if (c.serving()) {
        return true;
      }
    }
    return servingAtFrom;
  }

  @Test
  void aRollingUpdateSendsNoRequestToATerminatingOrUnreadyPod() throws Exception {
    apply(lws("roll", 3, "1"));
    Lws.awaitReady(ns.name(), "roll", 3, 2);
    apply(serverAndRoute("roll", "roll-model"));
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(Kthena.complete("roll-model").status()).isEqualTo(200));

    List<Change> changes = new CopyOnWriteArrayList<>();
    Map<String, Boolean> lastByPod = new java.util.concurrent.ConcurrentHashMap<>();
    ResourceEventHandler<Pod> recorder =
        new ResourceEventHandler<>() {
          private void record(Pod pod, boolean gone) {
            String ip = pod.getStatus() == null ? null : pod.getStatus().getPodIP();
            if (ip == null) {
              return;
            }
            boolean serving = !gone && Kthena.readyAndServing(pod);
            String key = pod.getMetadata().getUid() + "/" + ip;
            if (!Boolean.valueOf(serving).equals(lastByPod.put(key, serving))) {
              changes.add(new Change(Instant.now(), ip, serving));
            }
          }

          @Override
          public void onAdd(Pod pod) {
            record(pod, false);
          }

          @Override
          public void onUpdate(Pod old, Pod pod) {
            record(pod, false);
          }

          @Override
          public void onDelete(Pod pod, boolean unknownFinalState) {
            record(pod, true);
          }
        };
    try (SharedIndexInformer<Pod> informer =
        LocalCluster.client()
            .pods()
            .inNamespace(ns.name())
            .withLabel("leaderworkerset.sigs.k8s.io/name", "roll")
            .inform(recorder)) {
      model.clearReceived();
      List<Kthena.Reply> replies = new CopyOnWriteArrayList<>();
      AtomicBoolean done = new AtomicBoolean();
      ExecutorService clients = Executors.newFixedThreadPool(3);
      try {
        for (int i = 0; i < 3; i++) {
          clients.submit(
              () -> {
                while (!done.get()) {
                  replies.add(Kthena.complete("roll-model"));
                  sleep(20);
                }
              });
        }
        sleep(1000);
        Kubectl.run(
            "patch",
            "lws",
            "roll",
            "-n",
            ns.name(),
            "--type=json",
            "-p=[{\"op\": \"replace\", \"path\": \"/spec/leaderWorkerTemplate/leaderTemplate/spec/containers/0/env/0/value\", \"value\": \"2\"}]");
        await()
            .atMost(Duration.ofSeconds(120))
            .pollInterval(Duration.ofMillis(500))
            .untilAsserted(
                () ->
                    assertThat(Lws.pods(ns.name(), "roll").values())
                        .filteredOn(p -> p.getMetadata().getName().matches("roll-[0-9]"))
                        .as("leaders with the new template")
                        .hasSize(3)
                        .allMatch(
                            p ->
                                p.getSpec().getContainers().get(0).getEnv().stream()
                                    .anyMatch(
                                        e ->
                                            "REVISION".equals(e.getName())
                                                && "2".equals(e.getValue()))));
        Lws.awaitReady(ns.name(), "roll", 3, 2);
        sleep(2000);
      } finally {
        done.set(true);
        clients.shutdown();
        clients.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
      }
      Set<String> after = leaderAndWorkerIps("roll").get(true);

      System.out.printf(
          "KthenaRouterIT rollout: %d requests through the router, %d failed, %d reached the fake server,"
              + " %d pod serving changes seen%n",
          replies.size(),
          replies.stream().filter(r -> !r.ok()).count(),
          model.received().size(),
          changes.size());
      assertThat(replies).as("requests during the rollout").hasSizeGreaterThan(50);
      List<Kthena.Reply> failed = replies.stream().filter(r -> !r.ok()).toList();
      assertThat(failed).as("failed requests during the rollout (of %d)", replies.size()).isEmpty();
      List<FakeModelServer.Received> received = model.received();
      List<FakeModelServer.Received> toNonServing =
          received.stream().filter(r -> !servedAround(changes, r.podIp(), r.at())).toList();
      assertThat(toNonServing)
          .as(
              "requests that reached a pod that was terminating, not Ready or gone (pod changes: %s)",
              changes)
          .isEmpty();
      assertThat(changes).as("the rollout replaced pods").anyMatch(c -> !c.serving());
      assertThat(received)
          .as("the updated leaders received traffic after the rollout")
          .extracting(FakeModelServer.Received::podIp)
          .containsAnyElementsOf(after);
    }
  }

  @Test
  void thePrefillDecodeExampleWorksOnAModelServing() throws Exception {
    Path dir = UpstreamFiles.kthena().resolve("examples").resolve("kthena-router");
    String servingYaml =
        Files.readString(dir.resolve("ModelServing-ds1.5b-pd-disaggregation.yaml"));
    String serverYaml = Files.readString(dir.resolve("ModelServer-ds1.5b-pd-disaggregation.yaml"));
    String routeYaml = Files.readString(dir.resolve("ModelRoute-ds1.5b-pd-disaggregation.yaml"));
    // The only edits: this test's namespace, the fake server's port instead of vLLM's 8000, and the
    // loopback node for the pods (so that the fake server can answer for them).
    servingYaml =
        servingYaml
            .replace("  namespace: default\n", "")
            .replace("containerPort: 8000", "containerPort: " + model.port())
            .replace(
                "          spec:\n            containers:",
                "          spec:\n" + Kthena.onLoopbackNode(12) + "            containers:");
    serverYaml =
        serverYaml
            .replace("  namespace: default\n", "")
            .replace("port: 8000", "port: " + model.port());
    routeYaml = routeYaml.replace("  namespace: default\n", "");
    assertThat(servingYaml).contains(Kthena.LOOPBACK_NODE);
    apply(servingYaml);
    apply(serverYaml + "\n---\n" + routeYaml);
    String msName = "deepseek-r1-1-5b";
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              List<Pod> pods = ModelServingSupport.pods(ns.name(), msName);
              assertThat(pods).hasSize(2).allMatch(Kthena::readyAndServing);
            });
    Map<String, String> ipByRole =
        ModelServingSupport.pods(ns.name(), msName).stream()
            .collect(
                Collectors.toMap(
                    p -> p.getMetadata().getLabels().get("modelserving.volcano.sh/role"),
                    p -> p.getStatus().getPodIP()));
    String prefill = ipByRole.get("prefill");
    String decode = ipByRole.get("decode");
    assertThat(prefill).startsWith("127.244.");
    assertThat(decode).startsWith("127.244.");

    String modelName = "deepseek-r1-1-5b-pd-disaggregation";
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(Kthena.complete(modelName).status()).isEqualTo(200));
    model.clearReceived();
    List<Kthena.Reply> replies = send(modelName, 8);
    assertThat(replies).allMatch(Kthena.Reply::ok, "every request answered 200");
    assertThat(replies)
        .as("the decode pod answers")
        .extracting(Kthena.Reply::servedBy)
        .containsOnly(decode);
    Map<String, Long> perPod =
        model.received().stream()
            .collect(Collectors.groupingBy(FakeModelServer.Received::podIp, Collectors.counting()));
    assertThat(perPod)
        .as("each request went to the prefill pod, then the decode pod")
        .isEqualTo(Map.of(prefill, 8L, decode, 8L));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
