package dev.modelserving.controller.kube;

import dev.modelserving.controller.plan.PodHealth;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Which pod updates can change what the LWS controller reads from a pod: its labels (group, worker
 * index, revision), annotations (group size), owners, deletion mark and readiness. A pod being
 * scheduled, getting an IP or a container status changes none of them and costs no LWS pass.
 */
public final class PodCountsChanged implements OnUpdateFilter<Pod> {
  @Override
  public boolean accept(Pod updated, Pod old) {
    ObjectMeta a = updated.getMetadata();
    ObjectMeta b = old.getMetadata();
    return PodHealth.isReady(updated) != PodHealth.isReady(old)
        || !Objects.equals(a.getDeletionTimestamp(), b.getDeletionTimestamp())
        || !Objects.equals(orEmpty(a.getLabels()), orEmpty(b.getLabels()))
        || !Objects.equals(orEmpty(a.getAnnotations()), orEmpty(b.getAnnotations()))
        || !Objects.equals(orEmpty(a.getOwnerReferences()), orEmpty(b.getOwnerReferences()));
  }

  private static <K, V> Map<K, V> orEmpty(Map<K, V> map) {
    return map == null ? Map.of() : map;
  }

  private static <T> List<T> orEmpty(List<T> list) {
    return list == null ? List.of() : list;
  }
}
