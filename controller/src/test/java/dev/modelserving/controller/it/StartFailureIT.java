package dev.modelserving.controller.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A controller that cannot start says so and does not linger: it exits when its own caches cannot
 * sync (so that Kubernetes restarts it), and LWS support that cannot start is reported by /readyz
 * and retried until it works. The permissions are taken away to make the starts fail.
 */
class StartFailureIT {
  @RegisterExtension static final TestNamespace ns = new TestNamespace("start-failure");
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private final List<HasMetadata> created = new ArrayList<>();

  @AfterEach
  void removeRbac() {
    created.forEach(o -> LocalCluster.client().resource(o).delete());
  }

  private String user() {
    return "system:serviceaccount:"
        + ns.name()
        + ":start-failure-"
        + UUID.randomUUID().toString().substring(0, 6);
  }

  private void grant(String user, String name, List<PolicyRule> rules) {
    ClusterRole role =
        new ClusterRoleBuilder()
            .withNewMetadata()
            .withName(name)
            .endMetadata()
            .withRules(rules)
            .build();
    ClusterRoleBinding binding =
        new ClusterRoleBindingBuilder()
            .withNewMetadata()
            .withName(name)
            .endMetadata()
            .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", name)
            .addNewSubject()
            .withKind("User")
            .withName(user)
            .withApiGroup("rbac.authorization.k8s.io")
            .endSubject()
            .build();
    created.add(LocalCluster.client().resource(role).create());
    created.add(LocalCluster.client().resource(binding).create());
  }

  private static PolicyRule rule(String group, String resource, String... verbs) {
    return new PolicyRuleBuilder()
        .withApiGroups(group)
        .withResources(resource)
        .withVerbs(verbs)
        .build();
  }

  static HttpResponse<String> get(int port, String path) {
    try {
      return HTTP.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
              .timeout(Duration.ofSeconds(2))
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Leader election on: a start that fails must end the process, not leave it alive and idle. */
  @Test
  void aControllerWhoseCachesCannotSyncExits() {
    String user = user();
    // Enough to pass discovery and to hold the Lease, but pods cannot be listed.
    grant(
        user,
        "msc-start-failure-" + UUID.randomUUID().toString().substring(0, 6),
        List.of(
            rule("apiextensions.k8s.io", "customresourcedefinitions", "get", "list", "watch"),
            rule("workload.serving.volcano.sh", "modelservings", "get", "list", "watch"),
            rule("coordination.k8s.io", "leases", "get", "create", "update", "patch")));
    ControllerProcess controller =
        ControllerProcess.launch(
            "StartFailureIT-exits",
            LocalCluster.kubeconfig(),
            Map.of("KUBERNETES_IMPERSONATE_USERNAME", user),
            List.of(
                "--leader-elect",
                "--lease-namespace=" + ns.name(),
                "--lease-duration=6s",
                "--http-port=0"));
    try {
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .until(() -> !controller.isAlive());
      assertThat(controller.exitValue()).as("exit code of a failed start").isEqualTo(1);
      assertThat(controller.logLines()).anyMatch(l -> l.contains("cannot start the controllers"));
    } finally {
      controller.close();
    }
  }

  /** LWS support that cannot start keeps /readyz at 503 with the reason, and starts once it can. */
  @Test
  void lwsSupportThatCannotStartIsReportedAndRetried() throws Exception {
    String user = user();
    String suffix = UUID.randomUUID().toString().substring(0, 6);
    // The chart's ClusterRole without reading LeaderWorkerSets.
    ClusterRole chart = chartClusterRole();
    List<PolicyRule> withoutLws =
        chart.getRules().stream()
            .filter(r -> !(r.getResources().contains("leaderworkersets")))
            .toList();
    assertThat(withoutLws).hasSize(chart.getRules().size() - 1);
    grant(user, "msc-no-lws-" + suffix, withoutLws);
    ControllerProcess controller =
        ControllerProcess.start(
            "StartFailureIT-lws",
            LocalCluster.kubeconfig(),
            Map.of("KUBERNETES_IMPERSONATE_USERNAME", user),
            List.of("--http-port=0"));
    try {
      int port = controller.httpPort();
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(300))
          .untilAsserted(
              () -> {
                HttpResponse<String> r = get(port, "/readyz");
                assertThat(r.statusCode() + " " + r.body())
                    .startsWith("503 LeaderWorkerSet support cannot start");
              });
      assertThat(get(port, "/healthz").statusCode()).isEqualTo(200);

      grant(
          user,
          "msc-lws-" + suffix,
          List.of(rule("leaderworkerset.x-k8s.io", "leaderworkersets", "get", "list", "watch")));
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(300))
          .untilAsserted(
              () -> {
                HttpResponse<String> r = get(port, "/readyz");
                assertThat(r.statusCode() + " " + r.body().trim()).isEqualTo("200 ok");
              });
      controller.awaitLogLine("LeaderWorkerSet support is on", Duration.ofSeconds(5));
      Lws.lwss().inNamespace(ns.name()).resource(Lws.simple("late", 1, 2, "", "")).create();
      Lws.awaitReady(ns.name(), "late", 1, 2);
    } finally {
      controller.close();
    }
  }

  private static ClusterRole chartClusterRole() {
    String rendered =
        Helm.run(
            "template",
            "x",
            Helm.chart().toString(),
            "--show-only",
            "templates/rbac/clusterrole.yaml");
    List<HasMetadata> items =
        LocalCluster.client()
            .load(new ByteArrayInputStream(rendered.getBytes(StandardCharsets.UTF_8)))
            .items();
    return (ClusterRole)
        items.stream().filter(i -> i instanceof ClusterRole).findFirst().orElseThrow();
  }
}
