package dev.modelserving.controller.reconciler;

import dev.modelserving.api.v1alpha1.ModelServingKeys;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a primary's status from inside the pass, with the operation JOSDK uses for {@code
 * UpdateControl.patchStatus} (server-side apply of the status subresource under the controller's
 * field manager, the answer cached for the next pass, its own event filtered), and tells whether
 * the answer shows an edit the pass did not see.
 *
 * <p>Why: JOSDK 5.3.2 takes every event of the object older than its own write for one it has seen
 * (its TemporaryResourceCache; fixed upstream in 5.3.5, which does not resolve here). An edit that
 * reaches the API server while the pass computes the status is newer than what the pass read but
 * older than the status write, so its event is dropped and nothing reconciles it until some
 * unrelated event comes (EditDuringStatusWriteIT: a /scale edit stayed unreconciled). The answer to
 * the write carries that edit; the caller then looks again at once.
 */
final class StatusWrite {
  private StatusWrite() {}

  /**
   * Applies {@code patch} (name, namespace and status) to the primary's status; true when the
   * object's spec or metadata changed after the pass read {@code seen}.
   */
  static <P extends HasMetadata> boolean apply(Context<P> context, P seen, P patch) {
    P written = context.resourceOperations().serverSideApplyPrimaryStatus(patch);
    return changedSince(seen.getMetadata(), written.getMetadata());
  }

  /**
   * What a reconcile reads from an object's metadata, compared between the copy the pass read and
   * the answer to its status write: the generation (every spec edit), deletion, labels, annotations
   * (but kubectl's last-applied copy, which the caches drop) and owners.
   */
  static boolean changedSince(ObjectMeta seen, ObjectMeta written) {
    return !Objects.equals(seen.getGeneration(), written.getGeneration())
        || !Objects.equals(seen.getDeletionTimestamp(), written.getDeletionTimestamp())
        || !Objects.equals(orEmpty(seen.getLabels()), orEmpty(written.getLabels()))
        || !Objects.equals(annotations(seen), annotations(written))
        || !Objects.equals(
            orEmpty(seen.getOwnerReferences()), orEmpty(written.getOwnerReferences()))
        || !Objects.equals(orEmpty(seen.getFinalizers()), orEmpty(written.getFinalizers()));
  }

  private static Map<String, String> annotations(ObjectMeta meta) {
    if (meta.getAnnotations() == null
        || !meta.getAnnotations().containsKey(ModelServingKeys.Annotations.KUBECTL_LAST_APPLIED)) {
      return orEmpty(meta.getAnnotations());
    }
    Map<String, String> copy = new HashMap<>(meta.getAnnotations());
    copy.remove(ModelServingKeys.Annotations.KUBECTL_LAST_APPLIED);
    return copy;
  }

  private static <K, V> Map<K, V> orEmpty(Map<K, V> map) {
    return map == null ? Map.of() : map;
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
