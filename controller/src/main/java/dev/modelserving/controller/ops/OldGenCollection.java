package dev.modelserving.controller.ops;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryNotificationInfo;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.Optional;
import javax.management.NotificationEmitter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects the serial collector's old generation once it has grown by a quarter since the last
 * collection, instead of when the heap maximum is reached.
 *
 * <p>Why: the serial collector promotes into the uncommitted part of the old generation without a
 * full collection, so every superseded copy of a cached object (a pod passes through ~5 versions
 * while it starts, more in a rolling update) stays committed until the old generation reaches its
 * maximum (75% of the memory limit). Measured on 200 LWS x 4 (Native Memory Tracking): the old
 * generation grew from 60 to 140 MiB during a rolling update while ~50 MiB of it was live, and at
 * 10,000 pods RSS reached 871 MiB. A full collection of the live set costs tens of milliseconds per
 * 100 MiB and runs about once a minute under churn.
 *
 * <p>Only the serial collector's pool ("Tenured Gen") is watched; other collectors reclaim their
 * old generation by themselves.
 */
public final class OldGenCollection {
  private static final Logger log = LoggerFactory.getLogger(OldGenCollection.class);

  static final String SERIAL_OLD_POOL = "Tenured Gen";

  /** Growth allowed before a collection, at least: below it, collections would only cost CPU. */
  static final long MIN_GROWTH_BYTES = 32L << 20;

  private OldGenCollection() {}

  /**
   * The old generation's usage that triggers the next collection: what survived the last one plus a
   * quarter of it (at least {@link #MIN_GROWTH_BYTES}), at most 90% of the pool's maximum ({@code
   * max} &lt; 0: undefined). A notification comes only when the usage crosses the threshold from
   * below, so a live set above it costs one collection, not one per young collection.
   */
  static long nextThreshold(long liveAfterCollection, long max) {
    long threshold = liveAfterCollection + Math.max(liveAfterCollection / 4, MIN_GROWTH_BYTES);
    return max > 0 ? Math.min(threshold, max / 10 * 9) : threshold;
  }

  /** Starts watching the serial old generation; empty when another collector runs. */
  public static Optional<MemoryPoolMXBean> start() {
    Optional<MemoryPoolMXBean> found =
        ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP)
            .filter(p -> SERIAL_OLD_POOL.equals(p.getName()))
            .filter(MemoryPoolMXBean::isUsageThresholdSupported)
            .findFirst();
    found.ifPresent(OldGenCollection::watch);
    return found;
  }

  private static void watch(MemoryPoolMXBean pool) {
    NotificationEmitter emitter = (NotificationEmitter) ManagementFactory.getMemoryMXBean();
    emitter.addNotificationListener(
        (notification, handback) -> {
          if (!MemoryNotificationInfo.MEMORY_THRESHOLD_EXCEEDED.equals(notification.getType())) {
            return;
          }
          long before = pool.getUsage().getUsed();
          // Runs on the JVM's notification thread; the collection stops every thread anyway.
          System.gc();
          MemoryUsage after = pool.getCollectionUsage();
          long live = after != null ? after.getUsed() : pool.getUsage().getUsed();
          long threshold = nextThreshold(live, pool.getUsage().getMax());
          pool.setUsageThreshold(threshold);
          log.debug(
              "old generation collected: {} MiB -> {} MiB live; next at {} MiB",
              before >> 20,
              live >> 20,
              threshold >> 20);
        },
        null,
        null);
    pool.setUsageThreshold(nextThreshold(pool.getUsage().getUsed(), pool.getUsage().getMax()));
  }
}
