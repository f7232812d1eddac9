package dev.modelserving.controller.kube;

import dev.modelserving.api.v1alpha1.ModelServingKeys;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.javaoperatorsdk.operator.processing.event.source.informer.TransformingItemStore;
import java.util.List;
import java.util.Map;

/**
 * What the informer caches drop from every object they keep: the parts no reconciler reads, which
 * make up most of a cached pod. managedFields' field sets ({@code fieldsV1}, nested maps of every
 * field each manager owns) and kubectl's last-applied-configuration annotation (a copy of the whole
 * object as applied) are never read; all writes are server-side applies of built objects, merge
 * patches of named fields and status patches, so nothing is ever written back from a cached copy.
 *
 * <p>Every empty list and map left in a cached object is then the one shared immutable empty
 * ({@link SharedValues}): most of them are empty ({@code additionalProperties} of every model
 * object, a pod's absent lists), and nothing writes to a cached copy.
 *
 * <p>The store prunes in place, before the informer hands the object to the event handlers, so
 * filters, mappers and reconcilers all see the same pruned object.
 */
public final class CachePruning {
  private CachePruning() {}

  /** A cache that drops managedFields and the last-applied annotation. */
  public static <R extends HasMetadata> ItemStore<R> store() {
    return new TransformingItemStore<>(o -> SharedValues.shared(pruned(o)));
  }

  /**
   * A cache that keeps who changed the object last (managedFields' manager, operation and time:
   * {@code UpstreamTakeover} reads them on StatefulSets), without the field sets.
   */
  public static <R extends HasMetadata> ItemStore<R> keepingManagers() {
    return new TransformingItemStore<>(o -> SharedValues.shared(prunedKeepingManagers(o)));
  }

  /** {@code object}, changed in place: without managedFields and the last-applied annotation. */
  public static <R extends HasMetadata> R pruned(R object) {
    ObjectMeta meta = object.getMetadata();
    meta.setManagedFields(null);
    dropLastApplied(meta);
    return object;
  }

  /** {@code object}, changed in place: managedFields without their field sets, no last-applied. */
  public static <R extends HasMetadata> R prunedKeepingManagers(R object) {
    ObjectMeta meta = object.getMetadata();
    List<ManagedFieldsEntry> entries = meta.getManagedFields();
    if (entries != null) {
      entries.forEach(e -> e.setFieldsV1(null));
    }
    dropLastApplied(meta);
    return object;
  }

  private static void dropLastApplied(ObjectMeta meta) {
    Map<String, String> annotations = meta.getAnnotations();
    if (annotations != null) {
      annotations.remove(ModelServingKeys.Annotations.KUBECTL_LAST_APPLIED);
    }
  }
}
