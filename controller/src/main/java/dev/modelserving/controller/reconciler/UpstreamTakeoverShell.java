package dev.modelserving.controller.reconciler;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.lws.v1.LwsKeys;
import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Annotations;
import dev.modelserving.controller.kube.EventRecorder;
import dev.modelserving.controller.kube.OwnerRefs;
import dev.modelserving.controller.kube.Serialization;
import dev.modelserving.controller.lws.UpstreamTakeover;
import dev.modelserving.controller.lws.UpstreamTakeover.Adoption;
import dev.modelserving.controller.metrics.ControllerMetrics;
import dev.modelserving.controller.plugin.PluginException;
import dev.modelserving.controller.podgen.PodNaming;
import dev.modelserving.controller.podgen.ServingGroupPods;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The imperative side of {@link UpstreamTakeover}: reads what the upstream LWS controller left
 * (StatefulSets from the informer, pods, Services, ControllerRevisions and webhook configurations
 * from the API, only while a takeover runs) and carries out each step. The LWS reconciler asks
 * {@link #step} before it applies the ModelServing.
 */
final class UpstreamTakeoverShell {
  private static final Logger log = LoggerFactory.getLogger(UpstreamTakeoverShell.class);
  private static final KubernetesSerialization SERIALIZATION = Serialization.SHARED;

  /** What the LWS reconciler does next. */
  enum Kind {
    /** Not a takeover (or its last step is done): the usual reconcile. */
    NONE,
    /** The upstream controller still drives the LWS: change nothing. */
    STAND_ASIDE,
    /** Apply the ModelServing on hold (pods wait for adoption), then orphan the StatefulSets. */
    ORPHAN,
    /** StatefulSets are being orphaned: change nothing, look again soon. */
    WAIT,
    /** Pods and Services were adopted: apply the ModelServing without the hold. */
    ADOPTED
  }

  /**
   * {@code message} goes into the LWS condition {@link UpstreamTakeover#CONDITION} (when not NONE).
   */
  record Step(Kind kind, String message, List<StatefulSet> statefulSets) {
    static final Step NONE = new Step(Kind.NONE, "", List.of());
  }

  private final EventRecorder events;
  private final ControllerMetrics metrics;

  UpstreamTakeoverShell(EventRecorder events, ControllerMetrics metrics) {
    this.events = events;
    this.metrics = metrics;
  }

  /**
   * Which step the takeover of {@code lws} is at. {@code statefulSets} are upstream's (from the
   * cache); {@code existing} is the LWS's ModelServing, if any. Adoption happens here.
   */
  Step step(
      KubernetesClient client,
      LeaderWorkerSet lws,
      Optional<ModelServing> existing,
      List<StatefulSet> statefulSets,
      ModelServing desired,
      Instant now) {
    boolean onHold =
        existing
            .filter(ms -> OwnerRefs.isControlledBy(ms, lws))
            .map(UpstreamTakeoverShell::onHold)
            .orElse(false);
    if (statefulSets.isEmpty() && !onHold) {
      return Step.NONE;
    }
    String name = lws.getMetadata().getName();
    if (!statefulSets.isEmpty()) {
      List<StatefulSet> live =
          statefulSets.stream()
              .filter(s -> s.getMetadata().getDeletionTimestamp() == null)
              .toList();
      if (live.isEmpty()) {
        return new Step(
            Kind.WAIT,
            "orphaning the upstream StatefulSets "
                + names(statefulSets)
                + "; the pods keep running",
            statefulSets);
      }
      List<String> webhooks =
          UpstreamTakeover.upstreamWebhooks(
              client.admissionRegistration().v1().mutatingWebhookConfigurations().list().getItems(),
              client
                  .admissionRegistration()
                  .v1()
                  .validatingWebhookConfigurations()
                  .list()
                  .getItems());
      Optional<String> active =
          UpstreamTakeover.upstreamActive(
              webhooks, live, LeaderWorkerSetReconciler.FIELD_MANAGER, now);
      if (active.isPresent()) {
        return new Step(Kind.STAND_ASIDE, active.get(), statefulSets);
      }
      return new Step(
          Kind.ORPHAN,
          "orphaning the upstream StatefulSets "
              + names(statefulSets)
              + " (deleted with propagationPolicy Orphan); the pods keep running",
          UpstreamTakeover.orphanOrder(name, live));
    }
    // On hold and no StatefulSets left: adopt once the garbage collector has let go of every pod.
    String ns = lws.getMetadata().getNamespace();
    List<Pod> pods =
        client.pods().inNamespace(ns).withLabel(LwsKeys.Labels.NAME, name).list().getItems();
    List<String> held =
        pods.stream()
            .filter(UpstreamTakeover::ownedByStatefulSet)
            .map(p -> p.getMetadata().getName())
            .toList();
    if (!held.isEmpty()) {
      return new Step(
          Kind.WAIT, "waiting for the garbage collector to orphan pods " + held, List.of());
    }
    ModelServing ms = existing.get();
    desired.getMetadata().setUid(ms.getMetadata().getUid());
    List<ControllerRevision> upstreamRevisions =
        client
            .apps()
            .controllerRevisions()
            .inNamespace(ns)
            .withLabel(LwsKeys.Labels.NAME, name)
            .list()
            .getItems()
            .stream()
            .filter(r -> !OwnerRefs.isControlledBy(r, ms))
            .toList();
    Set<String> currentKeys = UpstreamTakeover.currentRevisionKeys(lws, upstreamRevisions);
    List<Adoption> adoptions = new ArrayList<>();
    Set<Integer> groups = new TreeSet<>();
    for (Pod pod : pods) {
      if (OwnerRefs.isControlledBy(pod, ms) || pod.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      Optional<int[]> slot = UpstreamTakeover.slot(name, pod.getMetadata().getName());
      if (slot.isEmpty()) {
        log.warn(
            "{}/{}: pod {} carries the LWS name label but no name of this LWS; left alone",
            ns,
            name,
            pod.getMetadata().getName());
        continue;
      }
      Pod want;
      try {
        want = UpstreamTakeover.desiredPod(desired, slot.get()[0], slot.get()[1]);
      } catch (PluginException e) {
        return new Step(
            Kind.WAIT,
            "cannot build the pods of this LeaderWorkerSet: " + e.getMessage(),
            List.of());
      }
      Adoption adoption = UpstreamTakeover.adopt(pod, want, currentKeys);
      adoptPod(client, adoption, desired);
      adoptions.add(adoption);
      groups.add(slot.get()[0]);
    }
    adoptServices(client, desired, groups);
    for (ControllerRevision r : upstreamRevisions) {
      metrics.apiWrite("delete", "controllerrevisions");
      client.resource(r).delete();
    }
    long upToDate = adoptions.stream().filter(Adoption::upToDate).count();
    TreeMap<Integer, List<String>> replace = UpstreamTakeover.groupsToReplace(name, adoptions);
    var rolling =
        lws.getSpec().getRolloutStrategy() == null
            ? null
            : lws.getSpec().getRolloutStrategy().getRollingUpdateConfiguration();
    String message =
        "adopted "
            + adoptions.size()
            + " pods: "
            + upToDate
            + " run the current template and are kept without a restart"
            + (replace.isEmpty()
                ? ""
                : "; groups "
                    + replace.keySet()
                    + " run another template and are replaced group by group within the"
                    + " rollout budget (maxUnavailable "
                    + text(rolling == null ? null : rolling.getMaxUnavailable(), "1")
                    + ", maxSurge "
                    + text(rolling == null ? null : rolling.getMaxSurge(), "0")
                    + ")"
                    + ": "
                    + replace.values().stream()
                        .map(l -> l.get(0))
                        .collect(Collectors.joining("; ")))
            + "; upstream's "
            + upstreamRevisions.size()
            + " ControllerRevisions deleted";
    log.info("{}/{}: {}", ns, name, message);
    events.normal(lws, LwsKeys.Events.TAKEOVER_ADOPTED, message);
    return new Step(Kind.ADOPTED, message, List.of());
  }

  /**
   * Orphans upstream's StatefulSets: the pods stay, their owner references go (garbage collector).
   */
  void orphan(KubernetesClient client, LeaderWorkerSet lws, Step step) {
    for (StatefulSet s : step.statefulSets()) {
      metrics.apiWrite("delete", "statefulsets");
      client
          .apps()
          .statefulSets()
          .inNamespace(s.getMetadata().getNamespace())
          .withName(s.getMetadata().getName())
          .withPropagationPolicy(io.fabric8.kubernetes.api.model.DeletionPropagation.ORPHAN)
          .delete();
    }
    log.info(
        "{}/{}: {}", lws.getMetadata().getNamespace(), lws.getMetadata().getName(), step.message());
    events.normal(
        lws,
        LwsKeys.Events.TAKEOVER_STARTED,
        "taking over from the upstream LWS controller: " + step.message());
  }

  /** Whether {@code ms} holds its pods back for adoption ({@link Annotations#LWS_TAKEOVER}). */
  static boolean onHold(ModelServing ms) {
    Map<String, String> a = ms.getMetadata().getAnnotations();
    return a != null && Annotations.LWS_TAKEOVER_ADOPTING.equals(a.get(Annotations.LWS_TAKEOVER));
  }

  /**
   * Ownership to the ModelServing, exactly our labels (StatefulSet ones dropped), our annotations
   * added.
   */
  private void adoptPod(KubernetesClient client, Adoption adoption, ModelServing ms) {
    Pod live = adoption.live();
    Map<String, Object> labels = new LinkedHashMap<>(adoption.labels());
    if (live.getMetadata().getLabels() != null) {
      live.getMetadata()
          .getLabels()
          .keySet()
          .forEach(k -> labels.putIfAbsent(k, null)); // null removes it
    }
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("resourceVersion", live.getMetadata().getResourceVersion());
    metadata.put("labels", labels);
    metadata.put("annotations", adoption.annotations());
    metadata.put("ownerReferences", List.of(ServingGroupPods.ownerReference(ms)));
    metrics.apiWrite("patch", "pods");
    client
        .pods()
        .inNamespace(live.getMetadata().getNamespace())
        .withName(live.getMetadata().getName())
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            SERIALIZATION.asJson(Map.of("metadata", metadata)));
  }

  /**
   * The headless Services ours would create that upstream made: same name (DNS names stay), ours
   * from now on.
   */
  private void adoptServices(KubernetesClient client, ModelServing ms, Set<Integer> groups) {
    PodNaming naming = PodNaming.of(ms);
    String role = ms.getSpec().getTemplate().getRoles().get(0).getName();
    Map<String, Service> wanted = new TreeMap<>();
    int top = groups.isEmpty() ? 0 : ((TreeSet<Integer>) groups).last();
    for (int g = 0;
        g <= Math.max(top, ms.getSpec().getReplicas() == null ? 0 : ms.getSpec().getReplicas() - 1);
        g++) {
      Service s = ServingGroupPods.buildHeadlessService(ms, g, role, 0);
      wanted.putIfAbsent(s.getMetadata().getName(), s);
      if (!naming.uniquePerReplica()) {
        break;
      }
    }
    for (Service want : wanted.values()) {
      Service live =
          client
              .services()
              .inNamespace(ms.getMetadata().getNamespace())
              .withName(want.getMetadata().getName())
              .get();
      if (live == null || OwnerRefs.isControlledBy(live, ms)) {
        continue;
      }
      Map<String, Object> labels = new LinkedHashMap<>(want.getMetadata().getLabels());
      if (live.getMetadata().getLabels() != null) {
        live.getMetadata().getLabels().keySet().forEach(k -> labels.putIfAbsent(k, null));
      }
      Map<String, Object> selector = new LinkedHashMap<>(want.getSpec().getSelector());
      if (live.getSpec().getSelector() != null) {
        live.getSpec().getSelector().keySet().forEach(k -> selector.putIfAbsent(k, null));
      }
      Map<String, Object> patch =
          Map.of(
              "metadata",
                  Map.of(
                      "resourceVersion",
                      live.getMetadata().getResourceVersion(),
                      "labels",
                      labels,
                      "ownerReferences",
                      List.of(ServingGroupPods.ownerReference(ms))),
              "spec", Map.of("selector", selector, "publishNotReadyAddresses", true));
      // A conflict (changed meanwhile) fails the reconcile; its retry reads the Service again.
      metrics.apiWrite("patch", "services");
      client
          .services()
          .inNamespace(live.getMetadata().getNamespace())
          .withName(live.getMetadata().getName())
          .patch(PatchContext.of(PatchType.JSON_MERGE), SERIALIZATION.asJson(patch));
    }
  }

  private static String text(io.fabric8.kubernetes.api.model.IntOrString v, String absent) {
    return v == null ? absent : v.getIntVal() != null ? v.getIntVal().toString() : v.getStrVal();
  }

  private static String names(List<StatefulSet> sets) {
    return sets.stream().map(s -> s.getMetadata().getName()).sorted().toList().toString();
  }
}
