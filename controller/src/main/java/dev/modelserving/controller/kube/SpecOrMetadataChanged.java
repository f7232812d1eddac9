package dev.modelserving.controller.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.util.Map;
import java.util.Objects;

/**
 * Which updates of a primary resource need a reconcile: a new generation (a spec change), or
 * changed labels, annotations or deletion mark. Behaviour switches live in annotations and an LWS
 * passes its metadata on to its ModelServing, and neither bumps the generation, so JOSDK's
 * generation-aware default would leave such an edit waiting for the periodic pass. Status-only
 * updates (mostly our own writes) are still skipped.
 */
public final class SpecOrMetadataChanged<R extends HasMetadata> implements OnUpdateFilter<R> {
  @Override
  public boolean accept(R updated, R old) {
    ObjectMeta a = updated.getMetadata();
    ObjectMeta b = old.getMetadata();
    return a.getGeneration() == null
        || !Objects.equals(a.getGeneration(), b.getGeneration())
        || !Objects.equals(orEmpty(a.getLabels()), orEmpty(b.getLabels()))
        || !Objects.equals(orEmpty(a.getAnnotations()), orEmpty(b.getAnnotations()))
        || !Objects.equals(a.getDeletionTimestamp(), b.getDeletionTimestamp())
        || !Objects.equals(a.getFinalizers(), b.getFinalizers());
  }

  private static Map<String, String> orEmpty(Map<String, String> map) {
    return map == null ? Map.of() : map;
  }
}
