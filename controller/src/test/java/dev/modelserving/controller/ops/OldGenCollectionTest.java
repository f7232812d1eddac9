package dev.modelserving.controller.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OldGenCollectionTest {
  private static final long MIB = 1L << 20;

  @Test
  void nextCollectionWhenTheLiveSetHasGrownByHalf() {
    assertEquals(300 * MIB, OldGenCollection.nextThreshold(200 * MIB, 1024 * MIB));
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
    assertEquals(300 * MIB, OldGenCollection.nextThreshold(200 * MIB, -1));
  }
}
