package dev.modelserving.controller.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Golden files under {@code src/test/resources/golden/}. {@link #assertMatches} compares text with
 * the committed file; run the tests with {@code -Dgolden.update=true} to (re)write the files
 * instead, then review the change with {@code git diff}.
 */
public final class Golden {
  /** The module's source tree, so that updates land in the files under version control. */
  private static final Path ROOT = Path.of("src", "test", "resources", "golden");

  private static final int CONTEXT = 3;

  private Golden() {}

  public static boolean updating() {
    return Boolean.getBoolean("golden.update");
  }

  public static void assertMatches(String relativePath, String actual) {
    Path file = ROOT.resolve(relativePath);
    try {
      if (updating()) {
        Files.createDirectories(file.getParent());
        Files.writeString(file, actual, StandardCharsets.UTF_8);
        return;
      }
      if (!Files.exists(file)) {
        fail(
            "golden file "
                + file.toAbsolutePath()
                + " is missing; create it with: mvn -o -pl controller test -Dgolden.update=true");
      }
      String expected = Files.readString(file, StandardCharsets.UTF_8);
      if (!expected.equals(actual)) {
        fail(
            "output differs from golden file "
                + file
                + " (- golden, + actual); if the change is intended,"
                + " regenerate with -Dgolden.update=true and review git diff:\n"
                + diff(expected, actual));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A line diff of the two texts (longest common subsequence), as hunks of changed lines with a few
   * lines of context: {@code -} only in the golden file, {@code +} only in the actual output.
   */
  static String diff(String expected, String actual) {
    List<String> a = expected.lines().toList();
    List<String> b = actual.lines().toList();
    int[][] lcs = new int[a.size() + 1][b.size() + 1];
    for (int i = a.size() - 1; i >= 0; i--) {
      for (int j = b.size() - 1; j >= 0; j--) {
        lcs[i][j] =
            a.get(i).equals(b.get(j))
                ? lcs[i + 1][j + 1] + 1
                : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    // Edit script: ' ' common, '-' golden only, '+' actual only; with golden line numbers.
    List<String> lines = new java.util.ArrayList<>();
    List<Integer> lineNumbers = new java.util.ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < a.size() || j < b.size()) {
      if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
        lines.add("  " + a.get(i));
        lineNumbers.add(++i);
        j++;
      } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
        lines.add("- " + a.get(i));
        lineNumbers.add(++i);
      } else {
        lines.add("+ " + b.get(j++));
        lineNumbers.add(i + 1);
      }
    }
    StringBuilder out = new StringBuilder();
    int printedUpTo = -1;
    for (int k = 0; k < lines.size(); k++) {
      if (lines.get(k).startsWith("  ")) {
        continue;
      }
      int from = Math.max(printedUpTo + 1, k - CONTEXT);
      if (from > printedUpTo + 1 || printedUpTo < 0) {
        out.append("@@ golden line ").append(lineNumbers.get(from)).append(" @@\n");
      }
      int to = k;
      // Extend the hunk while further changes follow within the context window.
      for (int m = k; m < lines.size() && m <= to + 2 * CONTEXT; m++) {
        if (!lines.get(m).startsWith("  ")) {
          to = m;
        }
      }
      int until = Math.min(lines.size() - 1, to + CONTEXT);
      for (int m = from; m <= until; m++) {
        out.append(lines.get(m)).append('\n');
      }
      printedUpTo = until;
      k = until;
    }
    if (expected.endsWith("\n") != actual.endsWith("\n")) {
      out.append("(the texts also differ in the final newline)\n");
    }
    return out.toString();
  }
}
