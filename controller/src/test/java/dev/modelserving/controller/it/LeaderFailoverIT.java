package dev.modelserving.controller.it;

import static dev.modelserving.controller.it.ModelServingSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.modelserving.api.v1alpha1.ModelServing;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two replicas under the chart's ServiceAccount (its RBAC, its Lease): the leader is SIGKILLed in
 * the middle of a rolling update, the standby takes over within the Lease duration and finishes the
 * rollout, and the API server's audit log shows that the two never wrote at the same time.
 */
class LeaderFailoverIT {
  static final String RELEASE = "msc-failover";
  static final String FULLNAME = RELEASE + "-modelserving-controller";
  static final Duration LEASE = Duration.ofSeconds(6);
  @RegisterExtension static final TestNamespace release = new TestNamespace("failover-release");
  @RegisterExtension static final TestNamespace ns = new TestNamespace("failover");

  static String serviceAccount() {
    return "system:serviceaccount:" + release.name() + ":" + FULLNAME;
  }

  @BeforeAll
  static void install() {
    // Only the RBAC and the ServiceAccount are used: the controller runs here, out of cluster.
    Helm.install(
        RELEASE, release.name(), "--set", "replicas=0", "--set", "admissionPolicies=false");
  }

  @AfterAll
  static void uninstall() {
    if (release.name() != null) {
      Helm.uninstall(RELEASE, release.name());
    }
  }

  private static ControllerProcess launch(String name, Path kubeconfig) {
    return ControllerProcess.launch(
        name,
        kubeconfig,
        Map.of("POD_NAMESPACE", release.name()),
        List.of("--leader-elect", "--lease-duration=" + LEASE.toSeconds() + "s", "--http-port=0"));
  }

  /** A kubeconfig with a token of the chart's ServiceAccount, as a pod of the Deployment has. */
  @SuppressWarnings("unchecked")
  private static Path serviceAccountKubeconfig() throws Exception {
    TokenRequest request =
        LocalCluster.client()
            .serviceAccounts()
            .inNamespace(release.name())
            .withName(FULLNAME)
            .tokenRequest(
                new TokenRequestBuilder()
                    .withNewSpec()
                    .withExpirationSeconds(3600L)
                    .endSpec()
                    .build());
    var serialization = LocalCluster.client().getKubernetesSerialization();
    Map<String, Object> admin =
        serialization.unmarshal(Files.readString(LocalCluster.kubeconfig()), Map.class);
    Map<String, Object> cluster =
        (Map<String, Object>)
            ((List<Map<String, Object>>) admin.get("clusters")).get(0).get("cluster");
    String yaml =
        "apiVersion: v1\nkind: Config\n"
            + "clusters:\n- name: local\n  cluster:\n    server: "
            + cluster.get("server")
            + "\n    certificate-authority: "
            + cluster.get("certificate-authority")
            + "\n"
            + "users:\n- name: sa\n  user:\n    token: "
            + request.getStatus().getToken()
            + "\n"
            + "contexts:\n- name: sa\n  context: {cluster: local, user: sa, namespace: "
            + release.name()
            + "}\n"
            + "current-context: sa\n";
    Path file = Path.of("target/it-logs/failover-serviceaccount.kubeconfig").toAbsolutePath();
    Files.createDirectories(file.getParent());
    Files.writeString(file, yaml);
    return file;
  }

  private static boolean leads(ControllerProcess p) {
    return p.logLines().stream().anyMatch(l -> l.contains("leading: holding the Lease"));
  }

  /** The identity in "connected to ... as <identity>", also in the user agent of its writes. */
  private static String identity(ControllerProcess p) {
    p.awaitLogLine("connected to ", Duration.ofSeconds(30));
    String line =
        p.logLines().stream().filter(l -> l.contains("connected to ")).findFirst().orElseThrow();
    return line.substring(line.lastIndexOf(" as ") + 4).trim();
  }

  private static String version(Pod pod) {
    return pod.getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getName().equals("VERSION"))
        .map(EnvVar::getValue)
        .findFirst()
        .orElse("");
  }

  @Test
  void theStandbyFinishesARolloutWhoseLeaderWasKilledAndTheyNeverWriteAtOnce() throws Exception {
    String entry =
        "{\"containers\": [{\"name\": \"c\", \"image\": \"registry.k8s.io/pause:3.10\", \"env\": [{\"name\": \"VERSION\", \"value\": \"1\"}]}]}";
    ModelServing ms = ModelServingYaml.of("roll", 6, "", ModelServingYaml.role("r", 1, 1, entry));
    Path kubeconfig = serviceAccountKubeconfig();
    ControllerProcess a = launch("LeaderFailoverIT-a", kubeconfig);
    ControllerProcess b = launch("LeaderFailoverIT-b", kubeconfig);
    try {
      await().atMost(Duration.ofSeconds(90)).until(() -> leads(a) || leads(b));
      ControllerProcess leader = leads(a) ? a : b;
      ControllerProcess standby = leader == a ? b : a;
      standby.awaitLogLine("standby: caches synced", Duration.ofSeconds(60));
      modelServings().inNamespace(ns.name()).resource(ms).create();
      awaitAvailable(ns.name(), "roll", 6, expectedPodNames(ms));

      CountDownLatch rolling = new CountDownLatch(1);
      int newPodsAtKill;
      try (Watch watch =
          client()
              .pods()
              .inNamespace(ns.name())
              .watch(
                  new Watcher<Pod>() {
                    @Override
                    public void eventReceived(Action action, Pod pod) {
                      if (action == Action.ADDED && version(pod).equals("2")) {
                        rolling.countDown();
                      }
                    }

                    @Override
                    public void onClose(WatcherException cause) {}
                  })) {
        Edits.edit(
            modelServings().inNamespace(ns.name()).withName("roll"),
            m -> {
              m.getSpec()
                  .getTemplate()
                  .getRoles()
                  .get(0)
                  .getEntryTemplate()
                  .getSpec()
                  .getContainers()
                  .get(0)
                  .getEnv()
                  .get(0)
                  .setValue("2");
              return m;
            });
        assertThat(rolling.await(30, TimeUnit.SECONDS)).as("the rollout started").isTrue();
        leader.kill();
      }
      Instant killed = Instant.now();
      newPodsAtKill =
          (int) pods(ns.name(), "roll").stream().filter(p -> version(p).equals("2")).count();
      assertThat(newPodsAtKill)
          .as("entry pods of the new template when the leader was killed (of 6)")
          .isLessThan(6);

      await()
          .atMost(LEASE.plusSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> leads(standby));
      // The rollout's budget: takeover, then one group after the other.
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(300))
          .untilAsserted(
              () -> {
                ModelServing live = get(ns.name(), "roll");
                assertThat(live.getStatus().getUpdatedReplicas()).isEqualTo(6);
                assertThat(live.getStatus().getAvailableReplicas()).isEqualTo(6);
                assertThat(live.getStatus().getObservedGeneration())
                    .isEqualTo(live.getMetadata().getGeneration());
                List<Pod> pods =
                    pods(ns.name(), "roll").stream()
                        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                        .toList();
                assertThat(
                        pods.stream()
                            .map(p -> p.getMetadata().getName())
                            .collect(Collectors.toSet()))
                    .isEqualTo(expectedPodNames(ms));
                assertThat(
                        pods.stream()
                            .filter(
                                p ->
                                    "true"
                                        .equals(
                                            p.getMetadata()
                                                .getLabels()
                                                .get("modelserving.volcano.sh/entry"))))
                    .hasSize(6)
                    .allSatisfy(p -> assertThat(version(p)).isEqualTo("2"));
                assertThat(
                        pods.stream()
                            .map(
                                p ->
                                    p.getMetadata()
                                        .getLabels()
                                        .get("modelserving.volcano.sh/revision"))
                            .distinct())
                    .containsExactly(live.getStatus().getUpdateRevision());
              });

      // The API server's view: every write in the namespace by the chart's ServiceAccount, by
      // the user agent that names the process. The standby wrote only after the leader's last.
      List<AuditLog.Write> writes = AuditLog.writes(serviceAccount(), ns.name());
      Map<String, List<AuditLog.Write>> byAgent = new LinkedHashMap<>();
      writes.forEach(
          w -> byAgent.computeIfAbsent(w.userAgent(), k -> new java.util.ArrayList<>()).add(w));
      String leaderId = identity(leader);
      String standbyId = identity(standby);
      assertThat(byAgent.keySet())
          .as("user agents of the writes")
          .allMatch(k -> k.contains(leaderId) || k.contains(standbyId));
      List<AuditLog.Write> byLeader =
          writes.stream().filter(w -> w.userAgent().contains(leaderId)).toList();
      List<AuditLog.Write> byStandby =
          writes.stream().filter(w -> w.userAgent().contains(standbyId)).toList();
      assertThat(byLeader).as("writes by the first leader").isNotEmpty();
      assertThat(byStandby).as("writes by the replica that took over").isNotEmpty();
      Instant leaderLast =
          byLeader.stream().map(AuditLog.Write::completed).max(Instant::compareTo).orElseThrow();
      Instant standbyFirst =
          byStandby.stream().map(AuditLog.Write::received).min(Instant::compareTo).orElseThrow();
      assertThat(standbyFirst)
          .as(
              "first write of the new leader (the old one's last: %s, killed at %s)",
              leaderLast, killed)
          .isAfter(leaderLast);
      assertThat(writes)
          .as("writes refused for lack of permission")
          .noneMatch(w -> w.code() == 403);
    } finally {
      a.close();
      b.close();
    }
  }
}
