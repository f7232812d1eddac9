package dev.modelserving.controller.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The real upstream LWS controller (component {@code lws-upstream}), started and stopped by {@code
 * hack/upstream-lws.sh} around the test cases that need it: it must never run while other tests
 * run, because it acts on every LeaderWorkerSet. {@link #stop} removes its webhook configurations
 * first, so that a test that fails never leaves them behind.
 */
final class UpstreamLws {
  static final String COMPONENT = "lws-upstream";
  private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

  private UpstreamLws() {}

  /** Why the tests that need the upstream controller cannot run here, or empty when they can. */
  static Optional<String> unavailable() {
    Path shared = REPO.resolve("../shared/upstream-src/lws-v0.10.0");
    if (!Files.isDirectory(shared)) {
      return Optional.of(
          "the upstream LWS controller is built from "
              + shared.normalize()
              + ", which is absent (../shared is not here): skipping");
    }
    Path with = LocalCluster.kubeconfig().getParent().resolve("with");
    boolean listed;
    try {
      listed = Files.isRegularFile(with) && Files.readAllLines(with).contains(COMPONENT);
    } catch (IOException e) {
      listed = false;
    }
    return listed
        ? Optional.empty()
        : Optional.of(
            "the local cluster runs without the component "
                + COMPONENT
                + " ("
                + with
                + " does not list it): start it with `hack/local-cluster.sh up --with "
                + COMPONENT
                + "` (make test does); skipping");
  }

  /** Starts the controller and registers its webhooks; returns once the API server calls them. */
  static void start() {
    run("start");
  }

  /**
   * Removes its webhook configurations, then stops its process. Safe to call when it is not
   * running.
   */
  static void stop() {
    run("stop");
  }

  private static void run(String verb) {
    try {
      Path log = Path.of("target/it-logs/upstream-lws-" + verb + ".log").toAbsolutePath();
      Files.createDirectories(log.getParent());
      ProcessBuilder pb =
          new ProcessBuilder(List.of(REPO.resolve("hack/upstream-lws.sh").toString(), verb))
              .directory(REPO.toFile())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      pb.environment().put("LOCAL_CLUSTER_DIR", LocalCluster.kubeconfig().getParent().toString());
      Process p = pb.start();
      if (!p.waitFor(300, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(
            "hack/upstream-lws.sh " + verb + " did not finish in 300 s; see " + log);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            "hack/upstream-lws.sh "
                + verb
                + " failed ("
                + p.exitValue()
                + "); see "
                + log
                + " and "
                + LocalCluster.kubeconfig().getParent().resolve("logs/lws-upstream.log"));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run hack/upstream-lws.sh " + verb, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
