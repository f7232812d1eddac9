package dev.modelserving.controller.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Values that follow from an object's spec alone (revision hashes of its templates), remembered
 * across reconcile passes so that a pass about a pod or a status does not recompute them. One entry
 * per object, keyed by {@code metadata.uid} and holding the {@code metadata.generation} it was
 * computed for: the API server moves the generation on every spec change and a recreated object
 * gets a new uid, so a hit is never stale. Labels, annotations and status do not move the
 * generation: a value must not read them. An object without uid or generation (built in a test, not
 * read from the API) is computed every time.
 *
 * <p>Bounded: at most {@code capacity} objects, the least recently used dropped first (an object
 * deleted without a pass that sees its deletionTimestamp ages out this way), and {@link #forget}
 * drops one at once. Thread-safe; two passes racing may both compute a value, never mix them up.
 */
final class SpecMemo<V> {
  /** Entries per memo: above the 2,500 objects of the 10,000-pod run, a few hundred bytes each. */
  static final int CAPACITY = 4096;

  private record Remembered<V>(long generation, V value) {}

  private final Map<String, Remembered<V>> entries;

  SpecMemo(int capacity) {
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Remembered<V>> eldest) {
            return size() > capacity;
          }
        };
  }

  /** The value for {@code object}'s current spec: remembered, or computed now and remembered. */
  V get(HasMetadata object, Supplier<V> compute) {
    String uid = object.getMetadata().getUid();
    Long generation = object.getMetadata().getGeneration();
    if (uid == null || generation == null) {
      return compute.get();
    }
    synchronized (entries) {
      Remembered<V> entry = entries.get(uid);
      if (entry != null && entry.generation() == generation) {
        return entry.value();
      }
    }
    V value = compute.get();
    synchronized (entries) {
      Remembered<V> entry = entries.get(uid);
      if (entry == null || entry.generation() <= generation) { // a slower pass of an older one
        entries.put(uid, new Remembered<>(generation, value));
      }
    }
    return value;
  }

  /** Drops the entry of a deleted object. */
  void forget(String uid) {
    if (uid != null) {
      synchronized (entries) {
        entries.remove(uid);
      }
    }
  }

  int size() {
    synchronized (entries) {
      return entries.size();
    }
  }
}
