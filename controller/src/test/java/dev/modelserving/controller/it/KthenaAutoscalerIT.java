package dev.modelserving.controller.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.v1alpha1.ModelServing;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kthena's real autoscaler (kthena-controller-manager --controllers=autoscaler, from
 * hack/components/kthena.sh) drives a ModelServing behind an LWS and a native ModelServing. It
 * scrapes {@code vllm:num_requests_waiting} from the entry pods (the fake model server answers for
 * them on the loopback node) and patches the ModelServing's {@code spec.replicas}; this controller
 * creates and removes the groups, and reports the autoscaler's decision on the LWS. Both workloads
 * run at the same time, so the two-minute steady window is spent once. Skipped, with the reason,
 * when the kthena component is not running.
 */
class KthenaAutoscalerIT {
  @RegisterExtension static final TestNamespace ns = new TestNamespace("kthena-autoscaler");
  private static final String METRIC = "vllm:num_requests_waiting";

  /** Target per group: the autoscaler wants ceil(total waiting requests / 10) groups. */
  private static final int TARGET = 10;

  private static final Duration STEADY = Duration.ofMinutes(2);

  private static ControllerProcess controller;
  private static FakeModelServer model;

  /**
   * Total waiting requests per workload; the fake server spreads them evenly over its Ready entry
   * pods.
   */
  private static final Map<String, Double> load = new ConcurrentHashMap<>();

  private static SharedIndexInformer<Pod> entryPods;

  private static java.util.Optional<String> unavailable;

  @BeforeAll
  static void start() {
    unavailable = Kthena.unavailable();
    if (unavailable.isPresent()) {
      System.err.println("KthenaAutoscalerIT skipped: " + unavailable.get());
      return;
    }
    model = FakeModelServer.start();
    entryPods =
        LocalCluster.client()
            .pods()
            .inNamespace(ns.name())
            .withLabel("modelserving.volcano.sh/entry", "true")
            .inform();
    model.gauge(METRIC, KthenaAutoscalerIT::waitingAt);
    controller = ControllerProcess.start("KthenaAutoscalerIT");
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
    if (entryPods != null) {
      entryPods.close();
    }
    if (model != null) {
      model.close();
    }
  }

  /**
   * The waiting requests the entry pod with {@code ip} reports: its workload's load shared by the
   * entry pods that serve (as a router would spread it), so the sum over pods is the load.
   */
  private static double waitingAt(String ip) {
    List<Pod> pods = entryPods.getStore().list();
    Pod pod =
        pods.stream()
            .filter(p -> ip.equals(p.getStatus().getPodIP()) && Kthena.readyAndServing(p))
            .findFirst()
            .orElse(null);
    if (pod == null) {
      return 0;
    }
    String workload = pod.getMetadata().getLabels().get("modelserving.volcano.sh/name");
    long serving =
        pods.stream()
            .filter(Kthena::readyAndServing)
            .filter(
                p ->
                    workload.equals(
                        p.getMetadata().getLabels().get("modelserving.volcano.sh/name")))
            .count();
    return load.getOrDefault(workload, 0.0) / Math.max(1, serving);
  }

  private static void apply(String yaml) {
    Kubectl.Result result =
        Kubectl.exec(LocalCluster.kubeconfig(), yaml, "apply", "-n", ns.name(), "-f", "-");
    assertThat(result.exitCode()).as("kubectl apply: %s", result.output()).isZero();
  }

  private static String container() {
    return "        containers:\n        - name: vllm\n          image: vllm/vllm-openai:v0.10.0\n"
        + "          ports: [{containerPort: "
        + model.port()
        + "}]\n";
  }

  private static String lws(String name) {
    return "apiVersion: leaderworkerset.x-k8s.io/v1\nkind: LeaderWorkerSet\nmetadata: {name: "
        + name
        + "}\n"
        + "spec:\n  replicas: 1\n  leaderWorkerTemplate:\n    size: 2\n"
        + "    leaderTemplate:\n      spec:\n"
        + Kthena.onLoopbackNode(8)
        + container()
        + "    workerTemplate:\n      spec:\n"
        + Kthena.onLoopbackNode(8)
        + container();
  }

  private static String modelServing(String name) {
    return "apiVersion: workload.serving.volcano.sh/v1alpha1\nkind: ModelServing\nmetadata: {name: "
        + name
        + "}\n"
        + "spec:\n  replicas: 1\n  schedulerName: default-scheduler\n  template:\n    roles:\n    - name: infer\n      replicas: 1\n"
        + "      workerReplicas: 1\n"
        + "      entryTemplate:\n        spec:\n"
        + (Kthena.onLoopbackNode(8) + container()).replaceAll("(?m)^", "  ")
        + "      workerTemplate:\n        spec:\n"
        + (Kthena.onLoopbackNode(8) + container()).replaceAll("(?m)^", "  ");
  }

  /**
   * An AutoscalingPolicy for the ModelServing {@code target}, 1 to 5 groups. The behaviour is given
   * in full (out of cluster there is no Kthena mutating webhook to default it); the stabilization
   * windows are Kthena's mechanism against flapping, shortened so the test stays short.
   */
  private static String policy(String target) {
    return "apiVersion: workload.serving.volcano.sh/v1alpha1\nkind: AutoscalingPolicy\nmetadata: {name: "
        + target
        + "}\n"
        + "spec:\n  tolerancePercent: 10\n  metrics:\n  - name: \""
        + METRIC
        + "\"\n    targetValue: \""
        + TARGET
        + "\"\n"
        + "  behavior:\n"
        + "    scaleUp:\n"
        + "      stablePolicy: {instances: 4, percent: 100, period: 15s, selectPolicy: Or, stabilizationWindow: 10s}\n"
        + "      panicPolicy: {period: 15s, percent: 100, panicThresholdPercent: 1000, panicModeHold: 0s}\n"
        + "    scaleDown: {instances: 4, percent: 100, period: 15s, selectPolicy: Or, stabilizationWindow: 10s}\n"
        + "  homogeneousTarget:\n    minReplicas: 1\n    maxReplicas: 5\n"
        + "    target:\n      targetRef: {kind: ModelServing, name: "
        + target
        + "}\n"
        + "      metricSources:\n        \""
        + METRIC
        + "\":\n          pod: {port: "
        + model.port()
        + ", uri: /metrics}\n";
  }

  /** `kubectl get lws NAME`: READY, DESIRED, UP-TO-DATE as the printer columns show them. */
  private static List<String> kubectlGetLws(String name) {
    String out = Kubectl.run("get", "lws", name, "-n", ns.name(), "--no-headers");
    String[] cols = out.trim().split("\\s+");
    return List.of(cols[1], cols[2], cols[3]);
  }

  private static Set<String> groups(String workload) {
    return ModelServingSupport.pods(ns.name(), workload).stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .map(p -> p.getMetadata().getLabels().get("modelserving.volcano.sh/group-name"))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static void awaitGroups(
      String lwsName, String msName, int groups, Set<String> lwsGroups, Set<String> msGroups) {
    await()
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              assertThat(ModelServingSupport.get(ns.name(), lwsName).getSpec().getReplicas())
                  .as("replicas of the LWS's ModelServing")
                  .isEqualTo(groups);
              assertThat(ModelServingSupport.get(ns.name(), msName).getSpec().getReplicas())
                  .as("replicas of the native ModelServing")
                  .isEqualTo(groups);
              assertThat(groups(lwsName)).as("groups of the LWS").isEqualTo(lwsGroups);
              assertThat(groups(msName))
                  .as("groups of the native ModelServing")
                  .isEqualTo(msGroups);
              assertThat(
                      ModelServingSupport.get(ns.name(), msName).getStatus().getAvailableReplicas())
                  .isEqualTo(groups);
              assertThat(kubectlGetLws(lwsName))
                  .as("kubectl get lws: READY DESIRED UP-TO-DATE")
                  .containsExactly(
                      Integer.toString(groups), Integer.toString(groups), Integer.toString(groups));
            });
  }

  private static Set<String> named(String prefix, int... ordinals) {
    Set<String> names = new TreeSet<>();
    for (int o : ordinals) {
      names.add(prefix + "-" + o);
    }
    return names;
  }

  @Test
  void kthenasAutoscalerScalesAnLwsAndANativeModelServingWithoutFlapping() {
    String lwsName = "lws-auto";
    String msName = "ms-auto";
    load.put(lwsName, 5.0);
    load.put(msName, 5.0);
    apply(lws(lwsName));
    apply(modelServing(msName));
    Lws.awaitReady(ns.name(), lwsName, 1, 2);
    awaitGroups(lwsName, msName, 1, named(lwsName, 0), named(msName, 0));
    apply(policy(lwsName) + "---\n" + policy(msName));

    // Load 25 with target 10 per group: Kthena's autoscaler wants 3 groups.
    load.put(lwsName, 25.0);
    load.put(msName, 25.0);
    awaitGroups(lwsName, msName, 3, named(lwsName, 0, 1, 2), named(msName, 0, 1, 2));
    Lws.awaitReady(ns.name(), lwsName, 3, 2);

    // Steady load: nothing moves for two minutes, on either workload (no fight between the
    // autoscaler, the LWS sync and the ModelServing controller).
    Map<String, String> lwsPods = ModelServingSupport.podUids(ns.name(), lwsName);
    Map<String, String> msPods = ModelServingSupport.podUids(ns.name(), msName);
    List<String> seen = new ArrayList<>();
    long end = System.nanoTime() + STEADY.toNanos();
    while (System.nanoTime() < end) {
      ModelServing lwsMs = ModelServingSupport.get(ns.name(), lwsName);
      ModelServing ms = ModelServingSupport.get(ns.name(), msName);
      LeaderWorkerSet lws = Lws.get(ns.name(), lwsName);
      seen.add(
          lwsMs.getSpec().getReplicas()
              + "/"
              + lws.getSpec().getReplicas()
              + "/"
              + ms.getSpec().getReplicas());
      sleep(2000);
    }
    assertThat(new TreeSet<>(seen))
        .as(
            "replicas (LWS's ModelServing / LWS / native ModelServing) sampled every 2 s for %s",
            STEADY)
        .containsExactly("3/3/3");
    assertThat(ModelServingSupport.podUids(ns.name(), lwsName))
        .as("the LWS's pods, unchanged")
        .isEqualTo(lwsPods);
    assertThat(ModelServingSupport.podUids(ns.name(), msName))
        .as("the native ModelServing's pods, unchanged")
        .isEqualTo(msPods);

    // Load 5: one group; Kthena's order removes the highest ordinals.
    load.put(lwsName, 5.0);
    load.put(msName, 5.0);
    awaitGroups(lwsName, msName, 1, named(lwsName, 0), named(msName, 0));
    Lws.awaitReady(ns.name(), lwsName, 1, 2);
    assertThat(ModelServingSupport.podUids(ns.name(), lwsName))
        .as("group 0 of the LWS kept its pods")
        .containsAllEntriesOf(Map.of(lwsName + "-0", lwsPods.get(lwsName + "-0")));
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
