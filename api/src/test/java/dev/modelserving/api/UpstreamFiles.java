package dev.modelserving.api;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Locates the upstream LWS and Kthena files (CRDs, example manifests) that {@code
 * hack/upstream-sources.sh} lays out, in upstream's own directory structure, outside this
 * repository. The directory comes from the system property {@code upstream.dir} (set by the Maven
 * build) or defaults to {@code ~/.cache/modelserving-controller/upstream}.
 */
public final class UpstreamFiles {
  private UpstreamFiles() {}

  public static Path root() {
    String dir = System.getProperty("upstream.dir");
    if (dir == null || dir.isBlank()) {
      dir = System.getProperty("user.home") + "/.cache/modelserving-controller/upstream";
    }
    return Path.of(dir);
  }

  /** The upstream LWS repository files; fails with what to run when they are missing. */
  public static Path lws() {
    Path dir = root().resolve("lws");
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException(
          "upstream LWS files not found in "
              + dir
              + ": run hack/upstream-sources.sh (make test does)");
    }
    return dir;
  }

  public static Path lwsCrd() {
    return lws().resolve("config/crd/bases/leaderworkerset.x-k8s.io_leaderworkersets.yaml");
  }

  /** Every YAML file under upstream LWS {@code docs/examples/}, sorted. */
  public static List<Path> lwsExamples() {
    return yamlFilesUnder(lws().resolve("docs/examples"));
  }

  /**
   * The upstream Kthena repository files. Kthena is not served by the Go module proxy, so on a
   * machine without the project's shared fixtures they can be absent: the calling test is then
   * skipped (JUnit assumption) rather than failed.
   */
  public static Path kthena() {
    Path dir = root().resolve("kthena");
    assumeTrue(
        Files.isDirectory(dir),
        "upstream Kthena files not found in " + dir + " (see hack/upstream-sources.sh); skipping");
    return dir;
  }

  public static Path kthenaModelServingCrd() {
    return kthena()
        .resolve(
            "charts/kthena/charts/workload/crds/workload.serving.volcano.sh_modelservings.yaml");
  }

  /** Every YAML file under upstream Kthena {@code examples/model-serving/}, sorted. */
  public static List<Path> kthenaModelServingExamples() {
    return yamlFilesUnder(kthena().resolve("examples/model-serving"));
  }

  public static List<Path> yamlFilesUnder(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
