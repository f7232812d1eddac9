package dev.modelserving.controller.ops;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A child JVM for {@link OldGenCollectionTest}: replaces long-lived objects (as an informer cache
 * replaces pods), with or without {@link OldGenCollection} ("watch"), and prints how many full
 * collections the serial collector made.
 */
public final class OldGenChurn {
  private OldGenChurn() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length > 0 && args[0].equals("watch") && OldGenCollection.start().isEmpty()) {
      throw new IllegalStateException("not the serial collector");
    }
    List<byte[]> cached = new ArrayList<>();
    Random random = new Random(1);
    for (int i = 0; i < 200_000; i++) {
      cached.add(new byte[1024]);
      if (cached.size() > 20_000) {
        byte[] newest = cached.remove(cached.size() - 1);
        cached.set(random.nextInt(cached.size()), newest);
      }
    }
    Thread.sleep(500); // the notification thread's collection
    long full =
        ManagementFactory.getGarbageCollectorMXBeans().stream()
            .filter(gc -> gc.getName().equals("MarkSweepCompact"))
            .mapToLong(GarbageCollectorMXBean::getCollectionCount)
            .sum();
    System.out.println("full collections: " + full + " (kept " + cached.size() + ")");
  }
}
