package dev.modelserving.controller.reconciler;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Conditions;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Labels;
import dev.modelserving.api.v1alpha1.ModelServingStatus;
import dev.modelserving.api.volcano.v1beta1.PodGroup;
import dev.modelserving.controller.conversion.LwsRolloutEvents;
import dev.modelserving.controller.gang.GangCondition;
import dev.modelserving.controller.gang.VolcanoPodGroups;
import dev.modelserving.controller.kube.CachePruning;
import dev.modelserving.controller.kube.EventRecorder;
import dev.modelserving.controller.kube.OwnerRefs;
import dev.modelserving.controller.metrics.ControllerMetrics;
import dev.modelserving.controller.plan.Plan;
import dev.modelserving.controller.plan.PredecessorNames;
import dev.modelserving.controller.plan.ServingGroupPlanner;
import dev.modelserving.controller.plugin.HookRequest;
import dev.modelserving.controller.plugin.PluginChain;
import dev.modelserving.controller.plugin.PluginException;
import dev.modelserving.controller.podgen.PodNames;
import dev.modelserving.controller.podgen.TemplateHashes;
import dev.modelserving.controller.podgen.TemplateRevisions;
import dev.modelserving.controller.status.ModelServingStatusAggregator;
import dev.modelserving.controller.status.ModelServingStatusAggregator.Blocker;
import dev.modelserving.controller.validation.ModelServingValidator;
import dev.modelserving.controller.validation.Violation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.inbound.SimpleInboundEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.Mappers;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a ModelServing: reads the pods and Services it owns from the informer caches, asks
 * {@link ServingGroupPlanner} what to change, carries that out, and writes the status computed by
 * {@link ModelServingStatusAggregator} when it differs from the stored one. Nothing is written when
 * nothing changed.
 */
@ControllerConfiguration(name = ModelServingReconciler.NAME)
public final class ModelServingReconciler implements Reconciler<ModelServing> {
  public static final String NAME = "modelserving";
  private static final Logger log = LoggerFactory.getLogger(ModelServingReconciler.class);

  private final Clock clock;
  private final EventRecorder events;
  private final PodDisruptionTracker disruptions;
  private final ControllerMetrics metrics;
  private final PodGroupSupport podGroups;
  private final SharedPods sharedPods;

  /** The template hashes of each ModelServing's spec, kept while its generation stays. */
  private final SpecMemo<TemplateHashes> templateHashes = new SpecMemo<>(SpecMemo.CAPACITY);

  /**
   * Passes triggered from outside the informers: the PodGroup CRD came or went, a PodGroup changed.
   */
  private final SimpleInboundEventSource<ModelServing> podGroupEvents =
      new SimpleInboundEventSource<>("podgroups");

  public ModelServingReconciler(
      Clock clock,
      EventRecorder events,
      ControllerMetrics metrics,
      PodGroupSupport podGroups,
      SharedPods sharedPods) {
    this.clock = clock;
    this.sharedPods = sharedPods;
    this.events = events;
    this.metrics = metrics;
    this.podGroups = podGroups;
    this.disruptions = new PodDisruptionTracker(clock);
  }

  @Override
  public List<EventSource<?, ModelServing>> prepareEventSources(
      EventSourceContext<ModelServing> context) {
    var pods =
        InformerEventSourceConfiguration.from(Pod.class, ModelServing.class)
            .withName("pods")
            .withItemStore(CachePruning.podStore())
            .withLabelSelector(Labels.NAME)
            .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(ModelServing.class, false))
            // Not filters: the hooks only feed the disruption tracker and let every event through.
            .withOnUpdateFilter(
                (a, b) -> {
                  disruptions.observeUpdate(a, b);
                  return true;
                })
            .withOnDeleteFilter(
                (pod, finalStateUnknown) -> {
                  disruptions.observeGone(pod);
                  return true;
                })
            .build();
    var services =
        InformerEventSourceConfiguration.from(Service.class, ModelServing.class)
            .withName("services")
            .withItemStore(CachePruning.store())
            .withLabelSelector(Labels.NAME)
            .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(ModelServing.class, false))
            .build();
    var revisions =
        InformerEventSourceConfiguration.from(ControllerRevision.class, ModelServing.class)
            .withName("revisions")
            .withItemStore(CachePruning.revisionStore())
            .withLabelSelector(Labels.NAME)
            .withSecondaryToPrimaryMapper(Mappers.fromOwnerReferences(ModelServing.class, false))
            .build();
    podGroups.listen(
        () -> {
          if (podGroupEvents
              .isRunning()) { // before the start, the first passes look at everything anyway
            context.getPrimaryCache().list().forEach(ms -> propagate(ResourceID.fromResource(ms)));
          }
        },
        pg -> podGroupOwner(pg).ifPresent(this::propagate));
    return List.of(
        sharedPods.informer(pods, context), // also the LWS operator's pods
        new InformerEventSource<>(services, context),
        new InformerEventSource<>(revisions, context),
        podGroupEvents);
  }

  @Override
  public UpdateControl<ModelServing> reconcile(ModelServing ms, Context<ModelServing> context) {
    String ns = ms.getMetadata().getNamespace();
    String name = ms.getMetadata().getName();
    if (ms.getMetadata().getDeletionTimestamp() != null) {
      disruptions.forget(ms.getMetadata().getUid());
      templateHashes.forget(ms.getMetadata().getUid());
      return UpdateControl.noUpdate();
    }
    if (UpstreamTakeoverShell.onHold(ms)) {
      // The LWS reconciler is adopting upstream's pods for it. Lifting the hold changes only an
      // annotation, which brings no event (generation-aware processing): look again.
      return UpdateControl.<ModelServing>noUpdate()
          .rescheduleAfter(java.time.Duration.ofSeconds(1));
    }
    // 1. What the cluster has: pods and Services controlled by this ModelServing (by UID).
    List<Pod> pods = OwnerRefs.controlledBy(context.getSecondaryResources(Pod.class), ms);
    List<Service> services =
        OwnerRefs.controlledBy(context.getSecondaryResources(Service.class), ms);

    // 2. A spec the webhook would refuse, or plugins that cannot be built, change nothing: the
    //    pods that exist stay as they are and the status says why.
    List<Violation> violations = ModelServingValidator.validate(ms);
    List<ControllerRevision> revisions =
        OwnerRefs.controlledBy(context.getSecondaryResources(ControllerRevision.class), ms);
    PluginChain plugins = null;
    Optional<Blocker> blocker = Optional.empty();
    Optional<Blocker> invalid = Optional.empty();
    ModelServing running = ms; // the spec the pods are planned from
    if (!violations.isEmpty()) {
      invalid =
          Optional.of(
              new Blocker(
                  Conditions.REASON_INVALID_SPEC,
                  "invalid spec: "
                      + violations.stream()
                          .map(Violation::toString)
                          .collect(Collectors.joining("; "))));
      // Upstream's webhook refuses such an edit and the old spec keeps running; here (no webhook,
      // or /scale past the admission policies) the last accepted spec keeps running and is
      // repaired.
      Optional<ModelServing> accepted =
          TemplateRevisions.lastAccepted(
                  ms, TemplateRevisions.rolesByRevision(revisions), knownGroups(ms, pods))
              .filter(a -> ModelServingValidator.validate(a).isEmpty());
      if (accepted.isEmpty()) {
        blocker = invalid;
      } else {
        running = accepted.get();
      }
    }
    if (blocker.isEmpty()) {
      try {
        plugins = PluginChain.build(running);
      } catch (PluginException e) {
        blocker =
            Optional.of(
                new Blocker(Conditions.REASON_PLUGIN_ERROR, e.field() + ": " + e.getMessage()));
      }
    }
    if (blocker.isPresent()) {
      return finish(
          context,
          ms,
          specHashes(ms),
          pods,
          blocker,
          null,
          false,
          Optional.empty(),
          Optional.empty());
    }

    // 3. What it should have; templates of older revisions come from their ControllerRevisions.
    // All revisions of this name, also a predecessor's still being garbage-collected: its name is
    // taken until it goes, and its deletion brings the pass that stores ours.
    // The stored spec's hashes are remembered per generation; a last accepted spec is computed.
    TemplateHashes hashes =
        running == ms
            ? specHashes(ms)
            : TemplateHashes.of(running.getSpec().getTemplate().getRoles());
    ensureRevision(
        context,
        running,
        hashes.revision(),
        context.getSecondaryResources(ControllerRevision.class));
    Plan plan =
        ServingGroupPlanner.plan(
            new ServingGroupPlanner.Input(
                running,
                pods,
                services,
                disruptions.pending(ms.getMetadata().getUid()),
                clock.instant(),
                TemplateRevisions.rolesByRevision(revisions),
                hashes));
    PredecessorNames.Held held =
        PredecessorNames.holdBack(
            plan,
            name,
            notControlledBy(context.getSecondaryResources(Pod.class), ms),
            notControlledBy(context.getSecondaryResources(Service.class), ms));
    plan = held.plan();
    blocker =
        held.waitingFor().map(m -> new Blocker(Conditions.REASON_WAITING_FOR_PREVIOUS_PODS, m));

    // 4. Make it so: PodGroups first, so that Volcano sees a group's pods with their PodGroup.
    boolean changed = false;
    KubernetesClient client = context.getClient();
    boolean pgServed = podGroups.served();
    VolcanoPodGroups.Decision gang =
        VolcanoPodGroups.decide(
            new VolcanoPodGroups.Input(
                running,
                pgServed,
                podGroups.subGroupPolicySupported(),
                pods,
                plan.podsToCreate(),
                podGroups.inNamespace(ns)));
    for (PodGroup pg : gang.apply()) {
      metrics.apiWrite("patch", "podgroups");
      client
          .resource(pg)
          .fieldManager(LeaderWorkerSetReconciler.FIELD_MANAGER)
          .forceConflicts()
          .serverSideApply();
      changed = true;
    }
    // A group's pods at once, the groups in plan order (a rollout replaces the highest first):
    // one pod after the other, a pass deleting a group waited for one round trip per pod while
    // the other ModelServings queued behind it (most of a rolling update's reconcile time at 100
    // LWS x 4).
    plan.podsToDelete().forEach(disruptions::deleting);
    java.util.concurrent.atomic.AtomicBoolean deleted =
        new java.util.concurrent.atomic.AtomicBoolean();
    for (List<Pod> group : deletionWaves(plan.podsToDelete())) {
      ParallelCreates.run(
          group,
          pod -> {
            if (deleteExactly(client, pod)) {
              deleted.set(true);
            }
            return Optional.empty();
          },
          false);
    }
    changed |= deleted.get();
    for (Service service : plan.servicesToDelete()) {
      metrics.apiWrite("delete", "services");
      changed |=
          !client
              .services()
              .inNamespace(ns)
              .withName(service.getMetadata().getName())
              .delete()
              .isEmpty();
    }
    // Hooks and pinning first, in plan order: the pods before the first that cannot be made are.
    java.util.Map<String, Optional<io.fabric8.kubernetes.api.model.Node>> nodes =
        new java.util.HashMap<>();
    List<Pod> creates = new java.util.ArrayList<>();
    Optional<Blocker> unmade = Optional.empty();
    for (Pod pod : plan.podsToCreate()) {
      try {
        plugins.onPodCreate(hookRequest(running, pod));
      } catch (PluginException e) {
        unmade =
            Optional.of(
                new Blocker(Conditions.REASON_PLUGIN_ERROR, e.field() + ": " + e.getMessage()));
        break;
      }
      Map<String, String> gangAnnotations = VolcanoPodGroups.podAnnotations(running, pod, pgServed);
      if (!gangAnnotations.isEmpty()) {
        Map<String, String> annotations =
            new java.util.LinkedHashMap<>(
                pod.getMetadata().getAnnotations() == null
                    ? Map.of()
                    : pod.getMetadata().getAnnotations());
        annotations.putAll(gangAnnotations);
        pod.getMetadata().setAnnotations(annotations);
      }
      Optional<String> unpinned = pinToEntryTopology(client, ms, pod, pods, nodes);
      if (unpinned.isPresent()) {
        unmade = Optional.of(new Blocker("FailedCreate", unpinned.get()));
        break;
      }
      creates.add(pod);
    }
    Optional<String> refused = Optional.empty();
    boolean madePods = false;
    for (List<Pod> wave : creationWaves(creates)) {
      refused = ParallelCreates.run(wave, pod -> create(context, ms, pod), true);
      boolean made = refused.isEmpty() || wave.size() > 1; // a refused wave of one made nothing
      changed |= made;
      madePods |= made;
      if (refused.isPresent()) {
        break;
      }
    }
    if (refused.isPresent()) {
      blocker = Optional.of(new Blocker(Conditions.REASON_FAILED_CREATE, refused.get()));
    } else if (unmade.isPresent()) {
      blocker = unmade;
    }
    for (PodGroup pg : gang.create()) {
      // LWS shape: one per leader pod that exists (new leaders get theirs on the next pass).
      changed |= create(context, ms, pg).isEmpty();
    }
    for (PodGroup pg : gang.delete()) {
      metrics.apiWrite("delete", "podgroups");
      changed |= !client.resource(pg).delete().isEmpty();
    }
    if (!plan.servicesToCreate().isEmpty()) {
      Optional<String> serviceRefused =
          ParallelCreates.run(plan.servicesToCreate(), s -> create(context, ms, s), false);
      if (serviceRefused.isPresent()) {
        blocker = Optional.of(new Blocker(Conditions.REASON_FAILED_CREATE, serviceRefused.get()));
      }
      changed |= serviceRefused.isEmpty() || plan.servicesToCreate().size() > 1;
    }
    if (changed) {
      for (Plan.Note note : plan.notes()) {
        log.info("{}/{}: {}", ns, name, note.message());
      }
    }
    deleteUnusedRevisions(client, running, hashes.revision(), revisions, pods);
    // The status is about what runs: while the spec is invalid, the last accepted one (same
    // metadata).
    return finish(
        context,
        running,
        hashes,
        pods,
        invalid.isPresent() ? invalid : blocker,
        plan,
        changed,
        madePods ? soonest(plan.requeueAfter(), MADE_PODS_LOOK_AGAIN) : plan.requeueAfter(),
        gang.status());
  }

  /**
   * A pass that made pods looks again after this: the pods it made are in the informer's cache of
   * recent writes, so their own ADD events bring no pass, and work that waits for a pod to exist
   * (an LWS group's PodGroup, a worker after its leader) must not wait for the pod's first update,
   * which may never come (a pod that waits for its PodGroup is never scheduled).
   */
  private static final java.time.Duration MADE_PODS_LOOK_AGAIN = java.time.Duration.ofSeconds(1);

  private static Optional<java.time.Duration> soonest(
      Optional<java.time.Duration> planned, java.time.Duration d) {
    return Optional.of(planned.filter(p -> p.compareTo(d) < 0).orElse(d));
  }

  /** This process acts from now on (it leads): pod deletions from now on are judged. */
  public void startJudgingDisruptions() {
    disruptions.startJudging();
  }

  /**
   * Deletes exactly the pod the plan was computed from: the resourceVersion precondition refuses
   * (409) when the pod changed since, or a pod of the same name replaced it; the newer state brings
   * its own event and pass. Returns whether the pod was deleted.
   */
  private boolean deleteExactly(KubernetesClient client, Pod pod) {
    metrics.apiWrite("delete", "pods");
    try {
      return !client
          .pods()
          .inNamespace(pod.getMetadata().getNamespace())
          .withName(pod.getMetadata().getName())
          .lockResourceVersion(pod.getMetadata().getResourceVersion())
          .delete()
          .isEmpty();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409 || e.getCode() == 404) {
        log.debug(
            "{}/{}: pod {} changed before its deletion: {}",
            pod.getMetadata().getNamespace(),
            pod.getMetadata().getName(),
            pod.getMetadata().getName(),
            e.getMessage());
        return false;
      }
      throw e;
    }
  }

  /**
   * Stores the current template as a ControllerRevision, once, so groups can be rebuilt from it.
   */
  private void ensureRevision(
      Context<ModelServing> context,
      ModelServing ms,
      String revision,
      java.util.Collection<ControllerRevision> revisions) {
    String wantedName = TemplateRevisions.name(ms, revision);
    if (revisions.stream().anyMatch(r -> r.getMetadata().getName().equals(wantedName))) {
      return;
    }
    ControllerRevision wanted = TemplateRevisions.build(ms, revision);
    metrics.apiWrite("create", "controllerrevisions");
    try {
      rememberCreated(
          context,
          ms,
          ControllerRevision.class,
          "revisions",
          context.getClient().resource(wanted).create());
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409) {
        throw e;
      }
    }
  }

  /** Revisions no pod runs any more, other than the update and current ones, are deleted. */
  private void deleteUnusedRevisions(
      KubernetesClient client,
      ModelServing ms,
      String currentRevision,
      List<ControllerRevision> revisions,
      List<Pod> pods) {
    for (ControllerRevision revision :
        TemplateRevisions.unused(ms, currentRevision, revisions, pods)) {
      metrics.apiWrite("delete", "controllerrevisions");
      client.resource(revision).delete();
    }
  }

  /** The hashes of the stored {@code ms}'s template, remembered while its generation stays. */
  private TemplateHashes specHashes(ModelServing ms) {
    return templateHashes.get(ms, () -> TemplateHashes.of(ms.getSpec().getTemplate().getRoles()));
  }

  /**
   * Status (written only when it differs), then Events, which describe what was done; {@code
   * hashes} are those of {@code ms}'s roles.
   */
  private UpdateControl<ModelServing> finish(
      Context<ModelServing> context,
      ModelServing ms,
      TemplateHashes hashes,
      List<Pod> pods,
      Optional<Blocker> blocker,
      Plan plan,
      boolean changed,
      Optional<java.time.Duration> requeue,
      Optional<VolcanoPodGroups.GangStatus> gang) {
    String ns = ms.getMetadata().getNamespace();
    String name = ms.getMetadata().getName();
    ModelServingStatus status =
        ModelServingStatusAggregator.compute(
            ms,
            hashes,
            pods,
            blocker,
            clock.instant(),
            plan == null ? Optional.empty() : plan.rolloutStep());
    if (plan != null) {
      long generation =
          ms.getMetadata().getGeneration() == null ? 0 : ms.getMetadata().getGeneration();
      GangCondition.merge(status, ms.getStatus(), gang, generation, clock.instant());
      if (GangCondition.changed(ms.getStatus(), gang)) {
        VolcanoPodGroups.GangStatus g = gang.get();
        if (g.ok()) {
          events.normal(ms, g.reason(), g.message());
        } else {
          log.warn("{}/{}: gang scheduling: {}", ns, name, g.message());
          events.warning(ms, g.reason(), g.message());
        }
      }
    }
    if (!Objects.equals(status, ms.getStatus())) {
      ModelServing patch = new ModelServing();
      patch.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
      patch.setStatus(status);
      metrics.apiWrite("patch", "modelservings/status");
      if (StatusWrite.apply(context, ms, patch)) {
        requeue = Optional.of(java.time.Duration.ZERO); // edited meanwhile: see StatusWrite
      }
    }

    if (changed && plan != null) {
      plan.notes()
          .forEach(
              n -> {
                if (n.warning()) {
                  events.warning(ms, n.reason(), n.message());
                } else {
                  events.normal(ms, n.reason(), n.message());
                }
              });
    }
    if (blocker.isPresent() && !sameBlocker(ms.getStatus(), blocker.get())) {
      if (Conditions.REASON_WAITING_FOR_PREVIOUS_PODS.equals(blocker.get().reason())) {
        log.info("{}/{}: {}", ns, name, blocker.get().message()); // a wait, not a fault
        events.normal(ms, blocker.get().reason(), blocker.get().message());
      } else {
        log.warn("{}/{}: {}", ns, name, blocker.get().message());
        events.warning(ms, blocker.get().reason(), blocker.get().message());
      }
    }
    if (plan != null) {
      announceLwsRollout(ms, status, plan, changed);
    }
    UpdateControl<ModelServing> control = UpdateControl.noUpdate();
    requeue.ifPresent(control::rescheduleAfter);
    return control;
  }

  private void propagate(ResourceID id) {
    if (podGroupEvents.isRunning()) {
      podGroupEvents.propagateEvent(id);
    }
  }

  /**
   * The ModelServing a PodGroup belongs to: its controller (Kthena shape) or the LWS named in its
   * labels.
   */
  private static Optional<ResourceID> podGroupOwner(PodGroup pg) {
    String ns = pg.getMetadata().getNamespace();
    if (pg.getMetadata().getOwnerReferences() != null) {
      for (var ref : pg.getMetadata().getOwnerReferences()) {
        if (Boolean.TRUE.equals(ref.getController())
            && ModelServing.class.getSimpleName().equals(ref.getKind())) {
          return Optional.of(new ResourceID(ref.getName(), ns));
        }
      }
    }
    var labels = pg.getMetadata().getLabels();
    String lws =
        labels == null ? null : labels.get(dev.modelserving.api.lws.v1.LwsKeys.Labels.NAME);
    return lws == null ? Optional.empty() : Optional.of(new ResourceID(lws, ns));
  }

  /**
   * With {@code modelserving.dev/worker-topology: T}, a worker pod gets the nodeSelector {@code T:
   * <value on its entry pod's node>}, as upstream LWS pins its worker StatefulSet (the planner
   * creates workers only once the entry pod is scheduled). The node is read when workers are made,
   * once per node and pass ({@code nodes}). Returns why the pod cannot be pinned.
   */
  private static Optional<String> pinToEntryTopology(
      KubernetesClient client,
      ModelServing ms,
      Pod pod,
      List<Pod> pods,
      java.util.Map<String, Optional<io.fabric8.kubernetes.api.model.Node>> nodes) {
    var annotations = ms.getMetadata().getAnnotations();
    String topology =
        annotations == null
            ? null
            : annotations.get(
                dev.modelserving.api.v1alpha1.ModelServingKeys.Annotations.WORKER_TOPOLOGY);
    var labels = pod.getMetadata().getLabels();
    if (topology == null
        || topology.isEmpty()
        || Labels.ENTRY_TRUE.equals(labels.get(Labels.ENTRY))) {
      return Optional.empty();
    }
    Optional<Pod> entry =
        pods.stream()
            .filter(
                p ->
                    p.getMetadata().getLabels() != null
                        && Labels.ENTRY_TRUE.equals(p.getMetadata().getLabels().get(Labels.ENTRY))
                        && Objects.equals(
                            labels.get(Labels.GROUP_NAME),
                            p.getMetadata().getLabels().get(Labels.GROUP_NAME))
                        && Objects.equals(
                            labels.get(Labels.ROLE_ID),
                            p.getMetadata().getLabels().get(Labels.ROLE_ID))
                        && !dev.modelserving.controller.plan.PodHealth.isTerminating(p))
            .findFirst();
    String nodeName = entry.map(p -> p.getSpec().getNodeName()).orElse(null);
    String what =
        "cannot pin worker pod "
            + pod.getMetadata().getName()
            + " to the "
            + topology
            + " domain of its entry pod";
    if (nodeName == null) {
      return Optional.of(what + ": the entry pod is not scheduled");
    }
    var node =
        nodes
            .computeIfAbsent(nodeName, n -> Optional.ofNullable(client.nodes().withName(n).get()))
            .orElse(null);
    String value =
        node == null || node.getMetadata().getLabels() == null
            ? null
            : node.getMetadata().getLabels().get(topology);
    if (value == null) {
      return Optional.of(
          what
              + " "
              + entry.get().getMetadata().getName()
              + ": node "
              + nodeName
              + (node == null ? " does not exist" : " has no label " + topology));
    }
    java.util.Map<String, String> selector =
        new java.util.LinkedHashMap<>(
            pod.getSpec().getNodeSelector() == null
                ? java.util.Map.of()
                : pod.getSpec().getNodeSelector());
    selector.put(topology, value);
    pod.getSpec().setNodeSelector(selector);
    return Optional.empty();
  }

  /**
   * Upstream's rollout and recovery Events (partition moved, surge groups deleted, group
   * recreated), on the LWS that owns this ModelServing.
   */
  private void announceLwsRollout(
      ModelServing ms, ModelServingStatus status, Plan plan, boolean changed) {
    Optional<LeaderWorkerSet> lws = owningLeaderWorkerSet(ms);
    if (lws.isEmpty()) {
      return;
    }
    int desired = ms.getSpec().getReplicas() == null ? 1 : ms.getSpec().getReplicas();
    SortedSet<Integer> surgeDeleted = new TreeSet<>();
    for (Pod pod : plan.podsToDelete()) {
      var labels = pod.getMetadata().getLabels();
      if (labels != null && Labels.ENTRY_TRUE.equals(labels.get(Labels.ENTRY))) {
        PodNames.ordinalAfter(ms.getMetadata().getName(), labels.get(Labels.GROUP_NAME))
            .ifPresent(
                g -> {
                  if (g >= desired) {
                    surgeDeleted.add(g);
                  }
                });
      }
    }
    // Upstream's pod controller: "Worker pod <pod> failed, deleted leader pod <leader> to recreate
    // group <g>".
    if (changed) {
      for (Plan.Note note : plan.notes()) {
        String prefix = ms.getMetadata().getName() + "-";
        if (dev.modelserving.api.v1alpha1.ModelServingKeys.EventReasons.RECREATING_SERVING_GROUP
                .equals(note.reason())
            && note.pod() != null
            && note.pod().startsWith(prefix)) {
          String group = note.pod().substring(prefix.length()).split("-")[0];
          events.normal(
              lws.get(),
              dev.modelserving.api.lws.v1.LwsKeys.Events.RECREATE_GROUP,
              "Worker pod "
                  + note.pod()
                  + " failed, deleted leader pod "
                  + prefix
                  + group
                  + " to recreate group "
                  + group);
        }
      }
    }
    ModelServingStatus previous = ms.getStatus();
    boolean newRevision =
        previous != null
            && !Objects.equals(previous.getUpdateRevision(), status.getUpdateRevision());
    // A new revision puts the partition at the top, min(replicas, groups), and the same pass
    // takes the first step down from there (LwsGroupRollout).
    Integer from =
        previous == null
            ? null
            : newRevision
                ? Integer.valueOf(
                    Math.min(
                        desired,
                        Objects.requireNonNullElse(previous.getRolloutReplicas(), desired)))
                : previous.getRolloutPartition();
    for (LwsRolloutEvents.Event e :
        LwsRolloutEvents.of(
            lws.get().getMetadata().getName(), from, plan.rolloutStep(), surgeDeleted)) {
      events.normal(lws.get(), e.reason(), e.message());
    }
  }

  /** The LeaderWorkerSet controlling this ModelServing, as an object to record Events on. */
  private static Optional<LeaderWorkerSet> owningLeaderWorkerSet(ModelServing ms) {
    if (ms.getMetadata().getOwnerReferences() == null) {
      return Optional.empty();
    }
    return ms.getMetadata().getOwnerReferences().stream()
        .filter(
            ref ->
                Boolean.TRUE.equals(ref.getController())
                    && LeaderWorkerSet.KIND.equals(ref.getKind()))
        .findFirst()
        .map(
            ref -> {
              LeaderWorkerSet lws = new LeaderWorkerSet();
              lws.setMetadata(
                  new ObjectMetaBuilder()
                      .withName(ref.getName())
                      .withNamespace(ms.getMetadata().getNamespace())
                      .withUid(ref.getUid())
                      .build());
              return lws;
            });
  }

  private static HookRequest hookRequest(ModelServing ms, Pod pod) {
    var labels = pod.getMetadata().getLabels();
    String msName = ms.getMetadata().getName();
    String group = labels.get(Labels.GROUP_NAME);
    String roleId = labels.get(Labels.ROLE_ID);
    int groupOrdinal = PodNames.ordinalAfter(msName, group).orElse(-1);
    int worker = Integer.parseInt(labels.get(Labels.WORKER_INDEX));
    return new HookRequest(
        ms, group, groupOrdinal, labels.get(Labels.ROLE), roleId, worker == 0, worker, pod);
  }

  /**
   * Serving groups known to exist or to have just lost pods: those with a pod (also a terminating
   * one) and those of the disruptions recorded, so a group whose last pod someone deleted still
   * counts.
   */
  private int knownGroups(ModelServing ms, List<Pod> pods) {
    String name = ms.getMetadata().getName();
    java.util.Set<Integer> groups = new java.util.HashSet<>();
    for (Pod pod : pods) {
      var labels = pod.getMetadata().getLabels();
      if (labels != null) {
        PodNames.ordinalAfter(name, labels.get(Labels.GROUP_NAME)).ifPresent(groups::add);
      }
    }
    disruptions.pending(ms.getMetadata().getUid()).forEach(d -> groups.add(d.group()));
    return groups.size();
  }

  /**
   * Creates {@code object}; an existing one is fine. Returns the reason when the API refuses it.
   * What was made goes into the informer's cache of recent writes at once, so that a pass that runs
   * before the informer has seen it does not create it again.
   */
  private Optional<String> create(
      Context<ModelServing> context, ModelServing ms, HasMetadata object) {
    metrics.apiWrite(
        "create",
        object instanceof Pod ? "pods" : object instanceof PodGroup ? "podgroups" : "services");
    try {
      HasMetadata made = context.getClient().resource(object).create();
      if (made instanceof Pod pod) {
        disruptions.created(pod);
        rememberCreated(context, ms, Pod.class, "pods", pod);
      } else if (made instanceof Service service) {
        rememberCreated(context, ms, Service.class, "services", service);
      }
      return Optional.empty();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return Optional.empty();
      }
      if (e.getCode() >= 400 && e.getCode() < 500 && e.getCode() != 429) {
        // The spec produced an object the API server rejects: tell the user, do not retry hot.
        String what = object.getKind() + " " + object.getMetadata().getName();
        return Optional.of(
            "cannot create "
                + what
                + ": "
                + (e.getStatus() != null ? e.getStatus().getMessage() : e.getMessage()));
      }
      throw e;
    }
  }

  /** Mapped to this ModelServing (owner of its name) but not controlled by it: a predecessor's. */
  private static <T extends HasMetadata> List<T> notControlledBy(
      java.util.Set<T> objects, ModelServing ms) {
    return objects.stream().filter(o -> !OwnerRefs.isControlledBy(o, ms)).toList();
  }

  /**
   * The pods of a pass in the order they are created: the first alone (a template the API refuses
   * costs one refused request per pass, as one after the other would), then the other entry pods,
   * then the workers, each wave in parallel. Entry pods come before their workers, as upstream's
   * leader before its worker StatefulSet.
   */
  static List<List<Pod>> creationWaves(List<Pod> creates) {
    if (creates.isEmpty()) {
      return List.of();
    }
    List<Pod> entries = new java.util.ArrayList<>();
    List<Pod> workers = new java.util.ArrayList<>();
    for (Pod pod : creates.subList(1, creates.size())) {
      var labels = pod.getMetadata().getLabels();
      if (labels != null && Labels.ENTRY_TRUE.equals(labels.get(Labels.ENTRY))) {
        entries.add(pod);
      } else {
        workers.add(pod);
      }
    }
    return java.util.stream.Stream.of(List.of(creates.get(0)), entries, workers)
        .filter(w -> !w.isEmpty())
        .toList();
  }

  /** The pods of a pass to delete, by serving group, in the order the plan names the groups. */
  static List<List<Pod>> deletionWaves(List<Pod> deletes) {
    Map<String, List<Pod>> byGroup = new java.util.LinkedHashMap<>();
    for (Pod pod : deletes) {
      var labels = pod.getMetadata().getLabels();
      String group = labels == null ? null : labels.get(Labels.GROUP_NAME);
      byGroup
          .computeIfAbsent(
              group == null ? "pod " + pod.getMetadata().getName() : group,
              k -> new java.util.ArrayList<>())
          .add(pod);
    }
    return List.copyOf(byGroup.values());
  }

  /** Puts an object this pass made into its informer's cache of recent writes. */
  @SuppressWarnings("unchecked")
  private static <R extends HasMetadata> void rememberCreated(
      Context<ModelServing> context, ModelServing ms, Class<R> type, String source, R made) {
    if (context.eventSourceRetriever().getEventSourceFor(type, source)
        instanceof InformerEventSource<?, ?> informer) {
      ((InformerEventSource<R, ModelServing>) informer)
          .handleRecentResourceCreate(ResourceID.fromResource(ms), made);
    }
  }

  private static boolean sameBlocker(ModelServingStatus status, Blocker blocker) {
    return status != null
        && status.getConditions() != null
        && status.getConditions().stream()
            .anyMatch(
                c ->
                    blocker.reason().equals(c.getReason())
                        && blocker.message().equals(c.getMessage()));
  }
}
