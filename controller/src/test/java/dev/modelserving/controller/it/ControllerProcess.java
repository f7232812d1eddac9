package dev.modelserving.controller.it;

import dev.modelserving.controller.kube.PrimaryCloner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The controller as a separate process ({@code java -jar target/modelserving.jar run}) against the
 * local cluster, as users run it. Output goes to {@code target/it-logs/<name>.log}.
 */
public final class ControllerProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private ControllerProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts the controller and waits until it reports it is ready for work. */
  public static ControllerProcess start(String name) {
    return start(name, LocalCluster.kubeconfig(), Map.of(), List.of("--http-port=0"));
  }

  /**
   * Starts {@code modelserving run <extraArgs>} with {@code kubeconfig} and the extra environment
   * variables, and waits until it reports it is ready for work.
   */
  public static ControllerProcess start(
      String name, Path kubeconfig, Map<String, String> env, List<String> extraArgs) {
    ControllerProcess controller = launch(name, kubeconfig, env, extraArgs);
    controller.awaitLogLine("waiting for work", Duration.ofSeconds(60));
    return controller;
  }

  /** Starts the controller with {@code args} after {@code run}; returns at once. */
  public static ControllerProcess launch(String name, List<String> args) {
    return launch(name, LocalCluster.kubeconfig(), Map.of(), args);
  }

  /**
   * Starts {@code run <extraArgs>} with {@code kubeconfig} and extra environment; returns at once.
   */
  public static ControllerProcess launch(
      String name, Path kubeconfig, Map<String, String> env, List<String> extraArgs) {
    try {
      Path jar = Path.of("target/modelserving.jar").toAbsolutePath();
      if (!Files.exists(jar)) {
        throw new IllegalStateException(jar + " is missing: run `mvn package` (make test does)");
      }
      LocalCluster.client(); // fails early with a clear message when there is no cluster
      Path logDir = Path.of("target/it-logs");
      Files.createDirectories(logDir);
      Path log = logDir.resolve(name + ".log");
      String java = ProcessHandle.current().info().command().orElse("java");
      List<String> command =
          new ArrayList<>(
              List.of(
                  java,
                  "-Xmx256m",
                  "-XX:+UseSerialGC",
                  "-XX:TieredStopAtLevel=1",
                  // Every pass is checked not to change its primary, the cached object itself.
                  "-D" + PrimaryCloner.CHECK_PROPERTY + "=true",
                  "-jar",
                  jar.toString(),
                  "run"));
      command.addAll(extraArgs);
      ProcessBuilder pb =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
      pb.environment().put("KUBECONFIG", kubeconfig.toString());
      pb.environment().putAll(env);
      return new ControllerProcess(pb.start(), log);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the controller", e);
    }
  }

  public void awaitLogLine(String text, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (logLines().stream().anyMatch(l -> l.contains(text))) {
        return;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the controller exited (" + process.exitValue() + "); see " + log);
      }
      sleep(100);
    }
    throw new IllegalStateException(
        "the controller did not log \"" + text + "\" within " + timeout + "; see " + log);
  }

  public List<String> logLines() {
    try {
      return Files.readAllLines(log);
    } catch (IOException e) {
      return List.of();
    }
  }

  /** The port of /healthz, /readyz and /metrics, once the controller logged it. */
  public int httpPort() {
    awaitLogLine("serving /healthz, /readyz and /metrics on port", Duration.ofSeconds(30));
    String line =
        logLines().stream()
            .filter(l -> l.contains("serving /healthz, /readyz and /metrics on port"))
            .findFirst()
            .orElseThrow();
    return Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1).trim());
  }

  /** SIGTERM, and waits for the exit. */
  public void terminate() {
    process.destroy();
    waitForExit();
    assertPrimariesUnchanged();
  }

  /** The exit code; only once the process has exited. */
  public int exitValue() {
    return process.exitValue();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: no shutdown hooks, as a crash or an OOM kill. */
  public void kill() {
    process.destroyForcibly();
    waitForExit();
    assertPrimariesUnchanged();
  }

  /** SIGTERM when still running; fails when a pass changed its primary ({@link PrimaryCloner}). */
  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      waitForExit();
    }
    assertPrimariesUnchanged();
  }

  private void assertPrimariesUnchanged() {
    List<String> changed =
        logLines().stream().filter(l -> l.contains(PrimaryCloner.CHANGED)).limit(3).toList();
    if (!changed.isEmpty()) {
      throw new AssertionError(
          "the controller changed a cached primary during a reconcile pass (see "
              + log
              + "):\n"
              + String.join("\n", changed));
    }
  }

  private void waitForExit() {
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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
