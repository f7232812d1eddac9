package dev.modelserving.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keeps the committed CRDs in {@code deploy/crds/} identical to the ones crd-generator-maven-plugin
 * writes from the Java types (target/classes/META-INF/fabric8/{@code <name>-v1.yml}), so a type
 * change cannot ship without its CRD. To refresh the committed files after changing a type, run:
 *
 * <pre>mvn -pl api test -Dcrd.update=true</pre>
 *
 * which rewrites {@code deploy/crds/<name>.yaml} (and still passes). The Helm chart's copy in
 * {@code deploy/helm/modelserving-controller/crds/} must be the same file; the same command
 * rewrites it too.
 */
class GeneratedCrdIsCommittedTest {
  static final String REFRESH = "mvn -pl api test -Dcrd.update=true";
  static final String HEADER =
      "# Generated from the Java types in api/ by crd-generator-maven-plugin. Do not edit.\n"
          + "# Refresh: "
          + REFRESH
          + "\n";

  static Path moduleDir() {
    return Path.of(System.getProperty("basedir", "")).toAbsolutePath();
  }

  static Path generatedDir() {
    return moduleDir().resolve("target/classes/META-INF/fabric8");
  }

  static List<Path> generatedCrds() throws IOException {
    try (Stream<Path> files = Files.list(generatedDir())) {
      return files.filter(p -> p.toString().endsWith("-v1.yml")).sorted().toList();
    }
  }

  @ParameterizedTest
  @MethodSource("generatedCrds")
  void committedCrdMatchesGenerated(Path generated) throws IOException {
    String name = generated.getFileName().toString().replaceFirst("-v1\\.yml$", "");
    Path committed = moduleDir().resolveSibling("deploy/crds").resolve(name + ".yaml");
    String expected = HEADER + Files.readString(generated);

    Path chartCopy =
        moduleDir()
            .resolveSibling("deploy/helm/modelserving-controller/crds")
            .resolve(name + ".yaml");
    if (Boolean.getBoolean("crd.update")) {
      Files.createDirectories(committed.getParent());
      Files.writeString(committed, expected);
      Files.createDirectories(chartCopy.getParent());
      Files.writeString(chartCopy, expected);
    }
    assertThat(committed)
        .as("%s is missing or stale; refresh it with: %s", committed, REFRESH)
        .exists();
    String actual = Files.readString(committed);
    // A diff of the first differing line, not both 6000-line files.
    assertThat(firstDifference(actual, expected))
        .as("%s is stale; refresh it with: %s", committed, REFRESH)
        .isEmpty();
    assertThat(chartCopy)
        .as("the Helm chart's copy %s is missing; refresh it with: %s", chartCopy, REFRESH)
        .exists();
    assertThat(firstDifference(Files.readString(chartCopy), expected))
        .as(
            "the Helm chart's copy %s differs from deploy/crds/; refresh it with: %s",
            chartCopy, REFRESH)
        .isEmpty();
  }

  private static String firstDifference(String actual, String expected) {
    List<String> a = actual.lines().toList();
    List<String> e = expected.lines().toList();
    for (int i = 0; i < Math.max(a.size(), e.size()); i++) {
      String got = i < a.size() ? a.get(i) : "<end of file>";
      String want = i < e.size() ? e.get(i) : "<end of file>";
      if (!got.equals(want)) {
        return "line " + (i + 1) + ": committed '" + got + "', generated '" + want + "'";
      }
    }
    return actual.equals(expected) ? "" : "line endings differ";
  }
}
