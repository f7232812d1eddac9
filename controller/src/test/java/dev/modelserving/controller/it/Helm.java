package dev.modelserving.controller.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The helm CLI (system property {@code it.helm}, built by hack/build-helm.sh, else from PATH)
 * against the local cluster, and the paths of the chart and the repository.
 */
final class Helm {
  private Helm() {}

  /** The repository root: the controller module's parent. */
  static Path repo() {
    return Path.of(System.getProperty("basedir", "")).toAbsolutePath().getParent();
  }

  static Path chart() {
    return repo().resolve("deploy/helm/modelserving-controller");
  }

  static String binary() {
    return System.getProperty("it.helm", "helm");
  }

  /** Runs helm; any exit code. */
  static Kubectl.Result exec(String... args) {
    List<String> command = new ArrayList<>();
    command.add(binary());
    command.add("--kubeconfig=" + LocalCluster.kubeconfig());
    command.addAll(List.of(args));
    return Processes.run(command, null);
  }

  /** Runs helm and expects success. */
  static String run(String... args) {
    Kubectl.Result r = exec(args);
    assertThat(r.exitCode()).as("helm %s: %s", String.join(" ", args), r.output()).isZero();
    return r.output();
  }

  /**
   * Installs the chart as {@code release} into {@code namespace} (which exists) with extra flags.
   */
  static void install(String release, String namespace, String... flags) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "install",
                release,
                chart().toString(),
                "--namespace",
                namespace,
                "--set",
                "image.repository=example.invalid/modelserving-controller",
                "--set",
                "image.tag=it"));
    args.addAll(List.of(flags));
    run(args.toArray(String[]::new));
  }

  static void uninstall(String release, String namespace) {
    exec("uninstall", release, "--namespace", namespace, "--wait", "--timeout", "60s");
  }
}
