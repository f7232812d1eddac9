package dev.modelserving.controller.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.modelserving.api.UpstreamFiles;
import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Helm chart: it lints, installs every object it renders, its RBAC is enough for the controller
 * to run an upstream LWS example under the chart's ServiceAccount (out of cluster, impersonating
 * it) and grants nothing the controller does not use, and the plain manifests in deploy/manifests/
 * are the chart's current rendering.
 */
class HelmChartIT {
  static final String RELEASE = "msc-it";
  static final String FULLNAME = "msc-it-modelserving-controller";
  @RegisterExtension static final TestNamespace release = new TestNamespace("helm-release");
  @RegisterExtension static final TestNamespace work = new TestNamespace("helm-lws");

  static String serviceAccount() {
    return "system:serviceaccount:" + release.name() + ":" + FULLNAME;
  }

  @BeforeAll
  static void install() {
    Helm.install(RELEASE, release.name(), "--set", "replicas=1");
  }

  @AfterAll
  static void uninstall() {
    // The admission policies are cluster-wide: remove them before other test classes run.
    if (release.name() != null) {
      Helm.uninstall(RELEASE, release.name());
    }
  }

  @Test
  void lintPasses() {
    String out = Helm.run("lint", "--strict", Helm.chart().toString());
    assertThat(out).contains("1 chart(s) linted, 0 chart(s) failed");
  }

  @Test
  void installCreatesEveryRenderedObject() throws Exception {
    String manifest = Helm.run("get", "manifest", RELEASE, "--namespace", release.name());
    Path file = Path.of("target/it-logs/helm-manifest.yaml");
    Files.createDirectories(file.getParent());
    Files.writeString(file, manifest);
    List<HasMetadata> rendered;
    try (InputStream in = Files.newInputStream(file)) {
      rendered = LocalCluster.client().load(in).items();
    }
    Set<String> expectedKinds =
        Set.of(
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "Role",
            "RoleBinding",
            "Service",
            "Deployment",
            "ValidatingAdmissionPolicy",
            "ValidatingAdmissionPolicyBinding");
    assertThat(rendered.stream().map(HasMetadata::getKind).collect(Collectors.toSet()))
        .isEqualTo(expectedKinds);
    assertThat(rendered).hasSize(11);
    // kubectl get -f fails when any of them is missing.
    String got =
        Kubectl.run(
            "get",
            "-f",
            file.toAbsolutePath().toString(),
            "--namespace",
            release.name(),
            "-o",
            "name");
    assertThat(got.lines().filter(l -> !l.isBlank()).count()).isEqualTo(rendered.size());
    // The CRD from crds/ (installed by the local cluster already; helm skips an existing CRD).
    assertThat(Kubectl.run("get", "crd", "modelservings.workload.serving.volcano.sh", "-o", "name"))
        .isNotBlank();

    Deployment d =
        LocalCluster.client()
            .apps()
            .deployments()
            .inNamespace(release.name())
            .withName(FULLNAME)
            .get();
    assertThat(d.getSpec().getReplicas()).isEqualTo(1);
    var pod = d.getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo(FULLNAME);
    var c = pod.getContainers().get(0);
    assertThat(c.getArgs())
        .containsExactly(
            "run", "--leader-elect", "--http-port=8080", "--log-format=text", "--workers=16");
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(c.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(c.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(c.getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("POD_NAMESPACE");
              assertThat(e.getValueFrom().getFieldRef().getFieldPath())
                  .isEqualTo("metadata.namespace");
            });
    assertThat(c.getVolumeMounts()).anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
    // kwok runs the pods (no image is pulled): the Deployment becomes available.
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(
                        LocalCluster.client()
                            .apps()
                            .deployments()
                            .inNamespace(release.name())
                            .withName(FULLNAME)
                            .get()
                            .getStatus()
                            .getAvailableReplicas())
                    .isEqualTo(1));
  }

  /** Every verb the controller uses is granted; verbs and resources it does not use are not. */
  @Test
  void rbacGrantsExactlyWhatTheControllerUses() {
    Map<String, Boolean> expected = new LinkedHashMap<>();
    for (String verb : List.of("get", "list", "watch", "create", "patch")) {
      expected.put(verb + " modelservings.workload.serving.volcano.sh", true);
    }
    for (String verb : List.of("get", "patch", "update")) {
      expected.put(verb + " modelservings.workload.serving.volcano.sh --subresource=status", true);
      expected.put(verb + " leaderworkersets.leaderworkerset.x-k8s.io --subresource=status", true);
    }
    for (String verb : List.of("get", "list", "watch")) {
      expected.put(verb + " leaderworkersets.leaderworkerset.x-k8s.io", true);
      expected.put(verb + " customresourcedefinitions.apiextensions.k8s.io", true);
    }
    for (String verb : List.of("get", "list", "watch", "create", "delete", "patch")) {
      expected.put(verb + " pods", true);
      expected.put(verb + " services", true);
    }
    // Taking over from the upstream LWS controller (docs/migrate-from-lws.md).
    for (String verb : List.of("list", "watch", "delete")) {
      expected.put(verb + " statefulsets.apps", true);
    }
    expected.put("get statefulsets.apps", false);
    expected.put("create statefulsets.apps", false);
    expected.put("patch statefulsets.apps", false);
    expected.put("list mutatingwebhookconfigurations.admissionregistration.k8s.io", true);
    expected.put("list validatingwebhookconfigurations.admissionregistration.k8s.io", true);
    expected.put("delete mutatingwebhookconfigurations.admissionregistration.k8s.io", false);
    expected.put("watch validatingwebhookconfigurations.admissionregistration.k8s.io", false);
    // Watched too: a deleted per-pod claim is created again.
    for (String verb : List.of("get", "list", "watch", "create", "delete")) {
      expected.put(verb + " persistentvolumeclaims", true);
    }
    for (String verb : List.of("get", "list", "watch", "create", "delete")) {
      expected.put(verb + " controllerrevisions.apps", true);
    }
    // A scale made on an LWS's ModelServing (Kthena's autoscaler) is reported through the LWS's
    // scale.
    expected.put("update leaderworkersets.leaderworkerset.x-k8s.io --subresource=scale", true);
    expected.put("get leaderworkersets.leaderworkerset.x-k8s.io --subresource=scale", false);
    expected.put("update controllerrevisions.apps", false);
    // blockOwnerDeletion under OwnerReferencesPermissionEnforcement (on in the local cluster).
    expected.put("update modelservings.workload.serving.volcano.sh --subresource=finalizers", true);
    expected.put("update leaderworkersets.leaderworkerset.x-k8s.io --subresource=finalizers", true);
    expected.put("patch modelservings.workload.serving.volcano.sh --subresource=finalizers", false);
    for (String verb : List.of("get", "list", "watch", "create", "patch", "delete")) {
      expected.put(verb + " podgroups.scheduling.volcano.sh", true);
    }
    expected.put("update podgroups.scheduling.volcano.sh", false);
    expected.put("update podgroups.scheduling.volcano.sh --subresource=status", false);
    expected.put("create events", true);
    expected.put("patch events", true);
    // Not needed, so not granted.
    expected.put("update pods", false);
    expected.put("deletecollection pods", false);
    expected.put("update services", false);
    expected.put("delete modelservings.workload.serving.volcano.sh", false);
    expected.put("update modelservings.workload.serving.volcano.sh", false);
    expected.put("create leaderworkersets.leaderworkerset.x-k8s.io", false);
    expected.put("delete leaderworkersets.leaderworkerset.x-k8s.io", false);
    expected.put("patch leaderworkersets.leaderworkerset.x-k8s.io", false);
    expected.put("update persistentvolumeclaims", false);
    expected.put("create secrets", false);
    expected.put("get secrets", false);
    expected.put("list configmaps", false);
    expected.put("create customresourcedefinitions.apiextensions.k8s.io", false);
    expected.put("delete customresourcedefinitions.apiextensions.k8s.io", false);
    expected.put("create deployments.apps", false);
    expected.put("get nodes", true); // the leader's node's topology label (exclusive placement)
    expected.put("list nodes", false);
    expected.put("create pods --subresource=exec", false);
    expected.put("update pods --subresource=status", false);
    expected.put("list events", false);
    expected.put("delete events", false);

    Map<String, Boolean> actual = new LinkedHashMap<>();
    for (String check : expected.keySet()) {
      actual.put(check, canI(check, work.name()));
    }
    assertThat(actual).isEqualTo(expected);

    // Leases: only in the release namespace, only the controller's Lease for get and update.
    // (kubectl's TYPE/NAME: the Lease named modelserving-controller.)
    assertThat(canI("create leases.coordination.k8s.io", release.name())).isTrue();
    assertThat(canI("get leases.coordination.k8s.io/modelserving-controller", release.name()))
        .isTrue();
    assertThat(canI("update leases.coordination.k8s.io/modelserving-controller", release.name()))
        .isTrue();
    // fabric8's LeaseLock renews with a patch.
    assertThat(canI("patch leases.coordination.k8s.io/modelserving-controller", release.name()))
        .isTrue();
    assertThat(canI("update leases.coordination.k8s.io/other", release.name())).isFalse();
    assertThat(canI("delete leases.coordination.k8s.io/modelserving-controller", release.name()))
        .isFalse();
    assertThat(canI("list leases.coordination.k8s.io", release.name())).isFalse();
    assertThat(canI("create leases.coordination.k8s.io", work.name())).isFalse();
  }

  /** {@code check}: "verb resource[/name] [--subresource=s]", as kubectl auth can-i takes them. */
  private static boolean canI(String check, String namespace) {
    if (check.contains(".scheduling.volcano.sh")) {
      return canIWithoutDiscovery(check, namespace);
    }
    List<String> args = new ArrayList<>(List.of("auth", "can-i"));
    args.addAll(List.of(check.split(" ")));
    args.addAll(List.of("--namespace", namespace, "--as=" + serviceAccount()));
    Kubectl.Result r = Kubectl.exec(LocalCluster.kubeconfig(), null, args.toArray(String[]::new));
    // The answer is the last line; kubectl may warn before it (cluster-scoped resources).
    List<String> lines = r.output().lines().filter(l -> !l.isBlank()).toList();
    String answer = lines.isEmpty() ? "" : lines.get(lines.size() - 1).trim();
    assertThat(answer).as("kubectl auth can-i %s: %s", check, r.output()).isIn("yes", "no");
    return answer.equals("yes");
  }

  /**
   * For resources whose CRD may be absent (Volcano's PodGroups): kubectl resolves the resource by
   * discovery and answers "no" for an unknown one, so ask the API server's SubjectAccessReview.
   */
  private static boolean canIWithoutDiscovery(String check, String namespace) {
    String[] parts = check.split(" ");
    String verb = parts[0];
    String resource = parts[1].substring(0, parts[1].indexOf('.'));
    String group = parts[1].substring(parts[1].indexOf('.') + 1);
    String subresource = parts.length > 2 ? parts[2].substring("--subresource=".length()) : null;
    var review =
        new io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder()
            .withNewSpec()
            .withUser(serviceAccount())
            .withGroups(
                "system:serviceaccounts",
                "system:serviceaccounts:" + release.name(),
                "system:authenticated")
            .withNewResourceAttributes()
            .withVerb(verb)
            .withGroup(group)
            .withResource(resource)
            .withSubresource(subresource)
            .withNamespace(namespace)
            .endResourceAttributes()
            .endSpec()
            .build();
    return LocalCluster.client()
        .authorization()
        .v1()
        .subjectAccessReview()
        .create(review)
        .getStatus()
        .getAllowed();
  }

  /**
   * The controller, out of cluster, with a kubeconfig that impersonates the chart's ServiceAccount,
   * runs the upstream vLLM GPU example and the volume-claim sample to Ready: the RBAC is enough.
   */
  @Test
  void controllerRunsUnderTheChartServiceAccount() throws Exception {
    Path kubeconfig = impersonatingKubeconfig();
    String whoami =
        Kubectl.exec(
                kubeconfig, null, "auth", "whoami", "-o", "jsonpath={.status.userInfo.username}")
            .output();
    assertThat(whoami.trim()).isEqualTo(serviceAccount());
    assertThat(Kubectl.exec(kubeconfig, null, "get", "secrets", "-n", work.name()).output())
        .contains("Forbidden");

    List<String> args = new ArrayList<>(List.of("--http-port=0"));
    if (controllerSupports("--leader-elect")) {
      args.add("--leader-elect");
    }
    // fabric8 does not read `as` from a kubeconfig; its own setting for impersonation does the
    // same.
    Map<String, String> env =
        Map.of(
            "KUBERNETES_IMPERSONATE_USERNAME", serviceAccount(), "POD_NAMESPACE", release.name());
    try (ControllerProcess controller =
        ControllerProcess.start("HelmChartIT", kubeconfig, env, args)) {
      var client = LocalCluster.client();
      for (Path file : examples()) {
        List<HasMetadata> items;
        try (InputStream in = Files.newInputStream(file)) {
          items = client.load(in).items();
        }
        for (HasMetadata item : items) {
          item.getMetadata().setNamespace(work.name());
          client.resource(item).inNamespace(work.name()).create();
        }
        for (HasMetadata item : items) {
          if ("LeaderWorkerSet".equals(item.getKind())) {
            LeaderWorkerSet lws =
                client.getKubernetesSerialization().convertValue(item, LeaderWorkerSet.class);
            int replicas = lws.getSpec().getReplicas() == null ? 1 : lws.getSpec().getReplicas();
            Integer size = lws.getSpec().getLeaderWorkerTemplate().getSize();
            Lws.awaitReady(
                work.name(), lws.getMetadata().getName(), replicas, size == null ? 1 : size);
          }
        }
        for (HasMetadata item : items) {
          client.resource(item).inNamespace(work.name()).delete();
        }
        await()
            .atMost(Duration.ofSeconds(90))
            .until(() -> client.pods().inNamespace(work.name()).list().getItems().isEmpty());
      }
      // An RBAC denial names the user; other 403s (e.g. a namespace of an earlier test still
      // terminating) are not about the chart's permissions.
      assertThat(controller.logLines())
          .as("RBAC denials in the controller log")
          .noneMatch(l -> l.contains("forbidden: User \"" + serviceAccount() + "\""));
      if (args.contains("--leader-elect")) {
        assertThat(
                client
                    .leases()
                    .inNamespace(release.name())
                    .withName("modelserving-controller")
                    .get())
            .isNotNull();
      }
    }
  }

  private static List<Path> examples() {
    List<Path> chosen =
        UpstreamFiles.lwsExamples().stream()
            .filter(
                p ->
                    p.toString()
                        .replace('\\', '/')
                        .matches(
                            ".*/vllm/GPU/lws\\.yaml|.*/sample/lws-volume-claim-templates\\.yaml"))
            .sorted()
            .toList();
    assertThat(chosen)
        .as("upstream examples vllm/GPU/lws.yaml and sample/lws-volume-claim-templates.yaml")
        .hasSize(2);
    return chosen;
  }

  /** The admin kubeconfig with {@code as: <the chart's ServiceAccount>} in its user entry. */
  private static Path impersonatingKubeconfig() throws Exception {
    var serialization = LocalCluster.client().getKubernetesSerialization();
    @SuppressWarnings("unchecked")
    Map<String, Object> config =
        serialization.unmarshal(Files.readString(LocalCluster.kubeconfig()), Map.class);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> users = (List<Map<String, Object>>) config.get("users");
    for (Map<String, Object> user : users) {
      @SuppressWarnings("unchecked")
      Map<String, Object> entry = (Map<String, Object>) user.get("user");
      entry.put("as", serviceAccount());
    }
    Path file = Path.of("target/it-logs/helm-serviceaccount.kubeconfig").toAbsolutePath();
    Files.createDirectories(file.getParent());
    Files.writeString(file, serialization.asYaml(config));
    return file;
  }

  private static boolean controllerSupports(String flag) {
    String java = ProcessHandle.current().info().command().orElse("java");
    var r =
        Processes.run(
            List.of(
                java,
                "-jar",
                Path.of("target/modelserving.jar").toAbsolutePath().toString(),
                "run",
                "--help"),
            null);
    return r.output().contains(flag);
  }

  @Test
  void renderedManifestsAreUpToDate() {
    var r =
        Processes.run(
            List.of(
                "bash",
                "-c",
                "HELM=\"$0\" \"$1\" --check",
                Helm.binary(),
                Helm.repo().resolve("hack/render-manifests.sh").toString()),
            null);
    assertThat(r.exitCode()).as("hack/render-manifests.sh --check: %s", r.output()).isZero();
  }

  @Test
  void upstreamLwsCrdOnlyWhenAskedForAndSupplied() {
    String chart = Helm.chart().toString();
    String defaults = Helm.run("template", "x", chart);
    assertThat(defaults).doesNotContain("kind: CustomResourceDefinition");

    String withCrd =
        Helm.run(
            "template",
            "x",
            chart,
            "--set",
            "installLwsCrd=true",
            "--set-file",
            "lwsCrd=" + UpstreamFiles.lwsCrd());
    assertThat(withCrd)
        .contains("kind: CustomResourceDefinition")
        .contains("name: leaderworkersets.leaderworkerset.x-k8s.io")
        .contains("helm.sh/resource-policy: keep");

    var missing = Helm.exec("template", "x", chart, "--set", "installLwsCrd=true");
    assertThat(missing.exitCode()).isNotZero();
    assertThat(missing.output()).contains("--set-file lwsCrd=");

    var badFormat = Helm.exec("template", "x", chart, "--set", "logFormat=xml");
    assertThat(badFormat.exitCode()).isNotZero();
    assertThat(badFormat.output()).contains("logFormat must be text or json");
  }
}
