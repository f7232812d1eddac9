package dev.modelserving.controller.kube;

import dev.modelserving.api.v1alpha1.ModelServingKeys;
import io.fabric8.kubernetes.api.model.AnyType;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
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
 * <p>Cached pods keep, of their spec, only the fields a reconciler reads from a cached pod ({@link
 * #podStore()}); the rest of a pod's spec (containers with their env, args, probes and resources,
 * volumes, tolerations, affinity, security context) is most of what is left of a cached pod. The
 * fields kept, and who reads them:
 *
 * <ul>
 *   <li>{@code nodeName}: {@code RefillPolicy} (whether the entry pod is scheduled, which pinned
 *       workers wait for), {@code ModelServingReconciler} (the entry pod's node, whose topology
 *       label pins its workers: the nodeSelector it writes is on the worker pod being built, not
 *       read from the cache);
 *   <li>{@code schedulerName}: {@code VolcanoPodGroups} (whether pods wait for a PodGroup);
 *   <li>{@code schedulingGates}: {@code PodHealth} (why a pod is not scheduled).
 * </ul>
 *
 * <p>This is the one list to extend when code reads another spec field of a cached pod (the
 * ModelServing operator's pod informer also serves the LeaderWorkerSet operator, {@code
 * SharedPods}): a field not listed here is null or empty in every cached pod. {@code
 * PodViewParityTest} runs the readers of cached pods on pruned and whole pods.
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

  /**
   * A pod cache that also drops every spec field but those the reconcilers read (the list in this
   * class's documentation).
   */
  public static ItemStore<Pod> podStore() {
    return new TransformingItemStore<>(o -> SharedValues.shared(podView(o)));
  }

  /**
   * A ControllerRevision cache that keeps each revision's data as its JSON text: decoded, the
   * stored roles are a tree of maps and lists (~4 KB per revision, the largest object cached per
   * LWS); the text is a quarter of that. The only reader, {@code
   * TemplateRevisions#rolesByRevision}, parses it when the planner asks for an older revision's
   * template.
   */
  public static ItemStore<ControllerRevision> revisionStore() {
    return new TransformingItemStore<>(o -> SharedValues.shared(dataAsText(pruned(o))));
  }

  /** {@code revision}, changed in place: its data (decoded JSON) replaced by its JSON text. */
  private static ControllerRevision dataAsText(ControllerRevision revision) {
    Object data = revision.getData();
    Object value = data instanceof AnyType any ? any.getValue() : data;
    if (value != null && !(value instanceof String)) {
      revision.setData(Serialization.SHARED.asJson(value));
    }
    return revision;
  }

  /**
   * {@code pod}, changed in place: without managedFields and the last-applied annotation, and with
   * a spec that holds only the fields a reconciler reads from a cached pod.
   */
  public static Pod podView(Pod pod) {
    pruned(pod);
    PodSpec spec = pod.getSpec();
    if (spec != null) {
      PodSpec kept = new PodSpec();
      kept.setNodeName(spec.getNodeName());
      kept.setSchedulerName(spec.getSchedulerName());
      kept.setSchedulingGates(spec.getSchedulingGates());
      pod.setSpec(kept);
    }
    return pod;
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
