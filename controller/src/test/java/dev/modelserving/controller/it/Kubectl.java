package dev.modelserving.controller.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real kubectl against the local cluster, for the commands the acceptance criteria name
 * ({@code kubectl scale ...}). The binary comes from the system property {@code it.kubectl} (the
 * one the local cluster built) or from PATH.
 */
final class Kubectl {
  private Kubectl() {}

  /** What a command printed (stdout and stderr together) and its exit code. */
  record Result(int exitCode, String output) {}

  /** Runs kubectl against {@code kubeconfig} with {@code stdin} (may be null); any exit code. */
  static Result exec(java.nio.file.Path kubeconfig, String stdin, String... args) {
    List<String> command = new ArrayList<>();
    command.add(System.getProperty("it.kubectl", "kubectl"));
    command.add("--kubeconfig=" + kubeconfig);
    command.addAll(List.of(args));
    return Processes.run(command, stdin);
  }

  static String run(String... args) {
    List<String> command = new ArrayList<>();
    command.add(System.getProperty("it.kubectl", "kubectl"));
    command.add("--kubeconfig=" + LocalCluster.kubeconfig());
    command.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("kubectl finished").isTrue();
      assertThat(p.exitValue()).as("kubectl %s: %s", String.join(" ", args), out).isZero();
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run kubectl (set -Dit.kubectl or put it on PATH)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
