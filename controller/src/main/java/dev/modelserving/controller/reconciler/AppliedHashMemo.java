package dev.modelserving.controller.reconciler;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The applied hash of each LWS's converted ModelServing ({@code LwsToModelServing.appliedHash}),
 * remembered with what the conversion read besides the spec: the LWS's labels and annotations and
 * the replicas taken from the existing ModelServing. Most LWS passes are about a pod or a status
 * and convert the same thing again; serialising and hashing it was a quarter of an LWS pass.
 *
 * <p>Per LWS generation ({@link SpecMemo}): a spec edit starts afresh. Only for conversions that
 * read nothing else (no takeover step, which adds its own annotations): the caller decides.
 */
final class AppliedHashMemo {
  /** What a conversion reads besides the LWS's spec, uid, name and namespace. */
  record Inputs(Map<String, String> labels, Map<String, String> annotations, int replicas) {
    static Inputs of(LeaderWorkerSet lws, int replicas) {
      return new Inputs(
          copy(lws.getMetadata().getLabels()), copy(lws.getMetadata().getAnnotations()), replicas);
    }

    private static Map<String, String> copy(Map<String, String> map) {
      return map == null ? Map.of() : new HashMap<>(map);
    }
  }

  private record Remembered(Inputs inputs, String hash) {}

  private final SpecMemo<AtomicReference<Remembered>> memo = new SpecMemo<>(SpecMemo.CAPACITY);

  /** The hash for {@code inputs} of {@code lws}'s current spec: remembered, or computed now. */
  String get(LeaderWorkerSet lws, Inputs inputs, Supplier<String> compute) {
    AtomicReference<Remembered> slot = memo.get(lws, AtomicReference::new);
    Remembered last = slot.get();
    if (last != null && last.inputs().equals(inputs)) {
      return last.hash();
    }
    String hash = compute.get();
    slot.set(new Remembered(inputs, hash));
    return hash;
  }

  void forget(String uid) {
    memo.forget(uid);
  }
}
