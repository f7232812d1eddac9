package dev.modelserving.controller.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code modelserving run} as a separate process (the packaged jar, as {@code bin/modelserving}
 * runs it) connects to the local cluster and reports both APIs as served.
 */
class ControllerProcessIT {

  @Test
  void runConnectsAndReportsTheServedApis() throws Exception {
    Path jar = Path.of("target/modelserving.jar").toAbsolutePath();
    assertThat(jar).as("packaged controller jar (mvn package)").exists();
    String java = ProcessHandle.current().info().command().orElse("java");
    LocalCluster.client(); // fails early with a clear message when there is no cluster
    ProcessBuilder pb =
        new ProcessBuilder(java, "-jar", jar.toString(), "run", "--http-port=0")
            .redirectErrorStream(true);
    pb.environment().put("KUBECONFIG", LocalCluster.kubeconfig().toString());
    Process process = pb.start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      String line;
      while (System.nanoTime() < deadline && (line = out.readLine()) != null) {
        lines.add(line);
        if (line.contains("waiting for work")) {
          break;
        }
      }
    } finally {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
    assertThat(lines)
        .anyMatch(l -> l.contains("connected to https://127.0.0.1"))
        .anyMatch(l -> l.contains("ModelServing API is served"))
        .anyMatch(l -> l.contains("LeaderWorkerSet API is served"))
        .anyMatch(l -> l.contains("waiting for work"));
  }
}
