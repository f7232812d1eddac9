package dev.modelserving.controller.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OldGenCollectionTest {
  private static final long MIB = 1L << 20;

  /**
   * A child JVM with the serial collector and room for all it promotes (512 MiB): replacing cached
   * objects never fills the old generation, so only the watcher collects it.
   */
  private static long fullCollections(String mode) throws IOException, InterruptedException {
    Process child =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:+UseSerialGC",
                    "-Xms32m",
                    "-Xmx512m",
                    "-Xmn8m",
                    "-cp",
                    System.getProperty("java.class.path"),
                    OldGenChurn.class.getName(),
                    mode))
            .redirectErrorStream(true)
            .start();
    String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    child.waitFor(60, TimeUnit.SECONDS);
    assertEquals(0, child.exitValue(), out);
    String line =
        out.lines()
            .filter(l -> l.startsWith("full collections: "))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no count in: " + out));
    return Long.parseLong(line.split(" ")[2]);
  }

  @Test
  void withoutTheWatcherTheSerialOldGenerationIsNeverCollected() throws Exception {
    assertEquals(0, fullCollections("plain"));
  }

  @Test
  void theWatcherCollectsTheOldGenerationBeforeItFills() throws Exception {
    assertTrue(fullCollections("watch") >= 1);
  }

  @Test
  void nextCollectionWhenTheLiveSetHasGrownByAQuarter() {
    assertEquals(250 * MIB, OldGenCollection.nextThreshold(200 * MIB, 1024 * MIB));
  }

  @Test
  void smallLiveSetsGrowByAtLeastTheMinimum() {
    assertEquals(
        20 * MIB + OldGenCollection.MIN_GROWTH_BYTES,
        OldGenCollection.nextThreshold(20 * MIB, 1024 * MIB));
  }

  @Test
  void neverBeyondNineTenthsOfTheMaximum() {
    assertEquals(1000 * MIB / 10 * 9, OldGenCollection.nextThreshold(800 * MIB, 1000 * MIB));
  }

  @Test
  void anUndefinedMaximumDoesNotCap() {
    assertEquals(250 * MIB, OldGenCollection.nextThreshold(200 * MIB, -1));
  }
}
