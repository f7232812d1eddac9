package dev.modelserving.controller.reconciler;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.lws.v1.LwsKeys;
import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.controller.kube.PodCountsChanged;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Map;
import java.util.Set;

/**
 * One pod watch for both operators: the LeaderWorkerSet operator reads and hears the pods through
 * the ModelServing operator's pod informer instead of keeping a watch and cache of its own, which
 * received, decoded and cached every pod a second time.
 *
 * <p>Reads: the pods JOSDK's secondary-resource index holds under a ModelServing (by owner
 * reference). Events: every pod added or deleted, and every update that changes what an LWS status
 * counts ({@link PodCountsChanged}), is handed to the LWS operator running now, as an event for the
 * LWS its name label names; while none runs (CRD absent, support stopped or restarting) events go
 * nowhere, and the next LWS operator's first passes look at every LWS anyway.
 *
 * <p>The cache is synced before any LWS pass reads it: the ModelServing operator's start returns
 * only once its informers have synced, also with a Lease (JOSDK starts the event sources before the
 * election), and LWS support starts only after that ({@code Controllers#leading}).
 */
public final class SharedPods {
  private final PodCountsChanged countsChanged = new PodCountsChanged();
  private volatile InformerEventSource<Pod, ModelServing> informer;
  private volatile SimpleInboundEventSource<LeaderWorkerSet> lwsEvents;

  /**
   * The ModelServing operator's pod event source, as JOSDK builds it from {@code configuration},
   * that also tells the LWS operator. Its filters do not see the events JOSDK skips (its own recent
   * writes), so the hand-over sits on the informer's callbacks, which see every event.
   */
  InformerEventSource<Pod, ModelServing> informer(
      InformerEventSourceConfiguration<Pod> configuration,
      EventSourceContext<ModelServing> context) {
    InformerEventSource<Pod, ModelServing> source =
        new InformerEventSource<>(configuration, context) {
          @Override
          public void onAdd(Pod pod) {
            super.onAdd(pod);
            toLeaderWorkerSet(pod);
          }

          @Override
          public void onUpdate(Pod old, Pod pod) {
            super.onUpdate(old, pod);
            if (countsChanged.accept(pod, old)) {
              toLeaderWorkerSet(pod);
            }
          }

          @Override
          public void onDelete(Pod pod, boolean finalStateUnknown) {
            super.onDelete(pod, finalStateUnknown);
            toLeaderWorkerSet(pod);
          }
        };
    informer = source;
    return source;
  }

  /**
   * The cached pods whose owner references name {@code ms} (its predecessors' too: filter by UID).
   *
   * @throws IllegalStateException while the ModelServing operator's pod informer does not run (a
   *     pass then fails and is retried rather than reading an empty cache)
   */
  Set<Pod> ownedBy(ModelServing ms) {
    InformerEventSource<Pod, ModelServing> source = informer;
    if (source == null || !source.isRunning()) {
      throw new IllegalStateException("the ModelServing controller's pod cache does not run yet");
    }
    return source.getSecondaryResources(ms);
  }

  /** Pod events go to {@code events} (an LWS operator's, not started yet) from now on. */
  void forwardTo(SimpleInboundEventSource<LeaderWorkerSet> events) {
    lwsEvents = events;
  }

  /** No LWS operator runs: pod events go nowhere, and the stopped one is not kept. */
  void stopForwarding() {
    lwsEvents = null;
  }

  private void toLeaderWorkerSet(Pod pod) {
    SimpleInboundEventSource<LeaderWorkerSet> events = lwsEvents;
    Map<String, String> labels = pod.getMetadata().getLabels();
    String lws = labels == null ? null : labels.get(LwsKeys.Labels.NAME);
    if (events != null && lws != null) {
      events.propagateEvent(new ResourceID(lws, pod.getMetadata().getNamespace())); // if running
    }
  }
}
