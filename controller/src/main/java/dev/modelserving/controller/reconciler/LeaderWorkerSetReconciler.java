package dev.modelserving.controller.reconciler;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.lws.v1.LeaderWorkerSetSpec;
import dev.modelserving.api.lws.v1.LeaderWorkerSetStatus;
import dev.modelserving.api.lws.v1.LeaderWorkerTemplate;
import dev.modelserving.api.lws.v1.LwsKeys;
import dev.modelserving.api.lws.v1.SubGroupPolicy;
import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Annotations;
import dev.modelserving.controller.conversion.LwsGroups;
import dev.modelserving.controller.conversion.LwsStatusFromModelServing;
import dev.modelserving.controller.conversion.LwsStatusFromModelServing.Problem;
import dev.modelserving.controller.conversion.LwsToModelServing;
import dev.modelserving.controller.conversion.LwsVolumeClaims;
import dev.modelserving.controller.kube.CachePruning;
import dev.modelserving.controller.kube.EventRecorder;
import dev.modelserving.controller.kube.OwnerRefs;
import dev.modelserving.controller.kube.Serialization;
import dev.modelserving.controller.lws.DefaultedLeaderWorkerSet;
import dev.modelserving.controller.lws.LwsUnknownFields;
import dev.modelserving.controller.lws.LwsValidator;
import dev.modelserving.controller.lws.UpstreamTakeover;
import dev.modelserving.controller.metrics.ControllerMetrics;
import dev.modelserving.controller.validation.Violation;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v1.Scale;
import io.fabric8.kubernetes.api.model.autoscaling.v1.ScaleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
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
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a LeaderWorkerSet through a ModelServing of the same name: validates it as upstream's
 * webhook would, converts it ({@link LwsToModelServing}) and applies the result server-side with
 * one field manager, then writes the LWS status back from the ModelServing. A ModelServing of that
 * name that the LWS does not control is never touched. Nothing is written when nothing changed.
 */
@ControllerConfiguration(name = LeaderWorkerSetReconciler.NAME)
public final class LeaderWorkerSetReconciler implements Reconciler<LeaderWorkerSet> {
  public static final String NAME = "leaderworkerset";
  public static final String FIELD_MANAGER = "modelserving-controller";
  private static final String APPLIED_HASH =
      dev.modelserving.api.v1alpha1.ModelServingKeys.Annotations.LWS_APPLIED_HASH;
  private static final String ACCEPTED_SUBGROUP =
      dev.modelserving.api.v1alpha1.ModelServingKeys.Annotations.LWS_ACCEPTED_SUBGROUP_POLICY;
  private static final Logger log = LoggerFactory.getLogger(LeaderWorkerSetReconciler.class);
  private static final KubernetesSerialization SERIALIZATION = Serialization.SHARED;

  private final Clock clock;
  private final EventRecorder events;
  private final ControllerMetrics metrics;
  private final UpstreamTakeoverShell takeover;

  /** The hashes of each LWS's spec, kept while its generation stays. */
  private final SpecMemo<LwsToModelServing.SpecHashes> specHashes =
      new SpecMemo<>(SpecMemo.CAPACITY);

  /** The applied hash of each LWS's last conversion, kept while nothing it read changes. */
  private final AppliedHashMemo appliedHashes = new AppliedHashMemo();

  /**
   * The groups' pods, for upstream's status counts and the per-pod claims: read from the
   * ModelServing operator's pod cache, whose events for pods with the LWS name label come here.
   */
  private final SharedPods pods;

  private final SimpleInboundEventSource<LeaderWorkerSet> podEvents =
      new SimpleInboundEventSource<>("pods");

  public LeaderWorkerSetReconciler(
      Clock clock, EventRecorder events, ControllerMetrics metrics, SharedPods pods) {
    this.clock = clock;
    this.events = events;
    this.metrics = metrics;
    this.pods = pods;
    this.takeover = new UpstreamTakeoverShell(events, metrics);
  }

  @Override
  public List<EventSource<?, LeaderWorkerSet>> prepareEventSources(
      EventSourceContext<LeaderWorkerSet> context) {
    pods.forwardTo(podEvents);
    // Same name, same namespace: also a foreign ModelServing going away re-triggers its LWS.
    var modelServings =
        InformerEventSourceConfiguration.from(ModelServing.class, LeaderWorkerSet.class)
            .withName("modelservings")
            .withItemStore(CachePruning.store())
            .withSecondaryToPrimaryMapper(ms -> Set.of(ResourceID.fromResource(ms)))
            .build();
    // Upstream's StatefulSets (leader L, workers L-<g>), all labelled with the LWS name: a
    // takeover.
    var statefulSets =
        InformerEventSourceConfiguration.from(StatefulSet.class, LeaderWorkerSet.class)
            .withName("statefulsets")
            .withItemStore(CachePruning.keepingManagers())
            .withLabelSelector(LwsKeys.Labels.NAME)
            .withSecondaryToPrimaryMapper(LeaderWorkerSetReconciler::byNameLabel)
            .build();
    // The per-pod claims, so that a deleted claim is recreated; they carry the LWS name label.
    var claims =
        InformerEventSourceConfiguration.from(PersistentVolumeClaim.class, LeaderWorkerSet.class)
            .withName("lws-claims")
            .withItemStore(CachePruning.store())
            .withLabelSelector(LwsKeys.Labels.NAME)
            .withSecondaryToPrimaryMapper(LeaderWorkerSetReconciler::byNameLabel)
            .build();
    return List.of(
        new InformerEventSource<>(modelServings, context),
        new InformerEventSource<>(statefulSets, context),
        new InformerEventSource<>(claims, context),
        podEvents);
  }

  private static Set<ResourceID> byNameLabel(HasMetadata object) {
    String lws =
        object.getMetadata().getLabels() == null
            ? null
            : object.getMetadata().getLabels().get(LwsKeys.Labels.NAME);
    return lws == null
        ? Set.of()
        : Set.of(new ResourceID(lws, object.getMetadata().getNamespace()));
  }

  @Override
  public UpdateControl<LeaderWorkerSet> reconcile(
      LeaderWorkerSet lws, Context<LeaderWorkerSet> context) {
    if (lws.getMetadata().getDeletionTimestamp() != null) {
      specHashes.forget(lws.getMetadata().getUid());
      appliedHashes.forget(lws.getMetadata().getUid());
      return UpdateControl.noUpdate();
    }
    String ns = lws.getMetadata().getNamespace();
    String name = lws.getMetadata().getName();
    @SuppressWarnings("unchecked")
    var modelServings =
        (InformerEventSource<ModelServing, LeaderWorkerSet>)
            context.eventSourceRetriever().getEventSourceFor(ModelServing.class);
    Optional<ModelServing> existing = modelServings.get(new ResourceID(name, ns));

    // 1. Upstream's webhook rules, and what we cannot honour: nothing is created or changed.
    //    Upstream's defaults are applied once, here; validation and conversion read the result.
    DefaultedLeaderWorkerSet defaulted = DefaultedLeaderWorkerSet.sharing(lws);
    Optional<Problem> problem = Optional.empty();
    List<Violation> violations =
        new ArrayList<>(
            previousSubGroupPolicy(existing)
                .map(
                    previous ->
                        LwsValidator.validateUpdate(
                            withSubGroupPolicy(lws, previous.orElse(null)), defaulted))
                .orElseGet(() -> LwsValidator.validate(defaulted)));
    violations.addAll(LwsValidator.unsupported(defaulted));
    if (!violations.isEmpty()) {
      problem =
          Optional.of(
              new Problem(
                  LwsKeys.Events.INVALID_SPEC,
                  "invalid spec: "
                      + violations.stream()
                          .map(Violation::toString)
                          .collect(Collectors.joining("; "))));
    } else if (existing.isPresent()
        && !OwnerRefs.isControlledBy(existing.get(), lws)
        && OwnerRefs.isLeftByPredecessor(existing.get(), lws)) {
      // delete -f && apply -f: the garbage collector is still removing the old ModelServing; its
      // deletion is an event for this LWS (same name), which then creates its own.
      problem =
          Optional.of(
              new Problem(
                  LwsKeys.Events.WAITING_FOR_PREVIOUS_MODEL_SERVING,
                  "waiting for ModelServing "
                      + ns
                      + "/"
                      + name
                      + " of a previous LeaderWorkerSet of this name to be deleted"));
    } else if (existing.isPresent() && !OwnerRefs.isControlledBy(existing.get(), lws)) {
      problem =
          Optional.of(
              new Problem(
                  LwsKeys.Events.MODEL_SERVING_CONFLICT,
                  "ModelServing "
                      + ns
                      + "/"
                      + name
                      + " exists and is not controlled by this LeaderWorkerSet;"
                      + " it is left alone: delete or rename it to let the LeaderWorkerSet run"));
    }

    // 2. The ModelServing was scaled by someone else (Kthena's autoscaler, an HPA on it) while the
    //    LWS kept its replicas: write that into the LWS, so that `kubectl get lws` shows it as
    //    DESIRED. The LWS update brings us back, and the sync below then has nothing to change.
    if (problem.isEmpty()
        && !takeoverInProgress(lws)
        && existing.filter(ms -> OwnerRefs.isControlledBy(ms, lws)).isPresent()) {
      OptionalInt scaled = LwsToModelServing.replicasToReport(defaulted, existing);
      if (scaled.isPresent() && reportReplicas(context.getClient(), lws, scaled.getAsInt())) {
        return UpdateControl.noUpdate();
      }
    }

    // 3. Apply the converted ModelServing when it changed. An LWS the upstream controller ran is
    //    taken over first (UpstreamTakeover): its ModelServing holds back until the pods are
    // adopted.
    boolean applied = false;
    UpstreamTakeoverShell.Step takeover = UpstreamTakeoverShell.Step.NONE;
    if (problem.isEmpty()) {
      LwsToModelServing.SpecHashes hashes =
          specHashes.get(lws, () -> LwsToModelServing.SpecHashes.of(defaulted));
      ModelServing desired = LwsToModelServing.convert(defaulted, existing, hashes.revision());
      desired
          .getMetadata()
          .getAnnotations()
          .put(
              ACCEPTED_SUBGROUP,
              subGroupAnnotation(lws.getSpec().getLeaderWorkerTemplate().getSubGroupPolicy()));
      takeover =
          this.takeover.step(
              context.getClient(),
              lws,
              existing,
              upstreamStatefulSets(context, lws),
              desired,
              clock.instant());
      switch (takeover.kind()) {
        case STAND_ASIDE, WAIT -> {
          return takeoverStatus(context, lws, takeover);
        }
        case ORPHAN ->
            desired
                .getMetadata()
                .getAnnotations()
                .put(Annotations.LWS_TAKEOVER, Annotations.LWS_TAKEOVER_ADOPTING);
        default -> {}
      }
      String hash =
          takeover.kind() == UpstreamTakeoverShell.Kind.NONE
              ? appliedHashes.get(
                  lws,
                  AppliedHashMemo.Inputs.of(lws, desired.getSpec().getReplicas()),
                  () -> LwsToModelServing.appliedHash(desired, hashes.templateHash()))
              : LwsToModelServing.appliedHash(desired, hashes.templateHash());
      desired.getMetadata().getAnnotations().put(APPLIED_HASH, hash);
      String appliedHash =
          existing
              .map(ms -> ms.getMetadata().getAnnotations())
              .map(a -> a.get(APPLIED_HASH))
              .orElse(null);
      if (problem.isEmpty()) {
        problem =
            ensureVolumeClaims(
                context.getClient(),
                lws,
                claimGroups(desired.getSpec().getReplicas(), lwsPods(existing, lws)),
                context.getSecondaryResources(PersistentVolumeClaim.class),
                metrics);
      }
      if (problem.isEmpty() && !hash.equals(appliedHash)) {
        try {
          metrics.apiWrite("apply", "modelservings");
          ModelServing made =
              context
                  .getClient()
                  .resource(desired)
                  .fieldManager(FIELD_MANAGER)
                  .forceConflicts()
                  .serverSideApply();
          // The next pass reads what was applied even before the informer has seen it.
          if (existing.isPresent()) {
            modelServings.handleRecentResourceUpdate(
                ResourceID.fromResource(lws), made, existing.get());
          } else {
            modelServings.handleRecentResourceCreate(ResourceID.fromResource(lws), made);
          }
          applied = true;
          log.info(
              "{}/{}: {} ModelServing", ns, name, existing.isPresent() ? "updated" : "created");
          announceRevision(lws, existing, desired);
          if (existing.isEmpty()) {
            events.normal(lws, LwsKeys.Events.GROUPS_PROGRESSING, "Created ModelServing " + name);
          }
        } catch (KubernetesClientException e) {
          if (e.getCode() < 400 || e.getCode() >= 500 || e.getCode() == 409 || e.getCode() == 429) {
            throw e;
          }
          problem =
              Optional.of(
                  new Problem(
                      LwsKeys.Events.FAILED_CREATE,
                      "cannot apply ModelServing "
                          + name
                          + ": "
                          + (e.getStatus() != null ? e.getStatus().getMessage() : e.getMessage())));
        }
      }
    }

    if (takeover.kind() == UpstreamTakeoverShell.Kind.ORPHAN && problem.isEmpty()) {
      this.takeover.orphan(context.getClient(), lws, takeover);
      return takeoverStatus(context, lws, takeover);
    }

    // 4. Status, written only when it differs; a new problem is also an Event and a log line.
    //    A ModelServing status that has not caught up with its spec (or with what was just applied)
    //    says nothing about this generation yet: its own status update brings us back.
    Optional<ModelServing> owned = existing.filter(ms -> OwnerRefs.isControlledBy(ms, lws));
    boolean stale =
        applied
            || owned
                .map(
                    ms ->
                        ms.getStatus() == null
                            || !Objects.equals(
                                ms.getStatus().getObservedGeneration(),
                                ms.getMetadata().getGeneration()))
                .orElse(false);
    if (problem.isEmpty() && stale) {
      if (takeover.kind() == UpstreamTakeoverShell.Kind.ADOPTED) {
        return takeoverStatus(context, lws, takeover);
      }
      // While a takeover completes, the apply that lifts the ModelServing's hold changes no
      // generation, so no ModelServing status event may follow: look again rather than wait.
      return takeoverInProgress(lws)
          ? UpdateControl.<LeaderWorkerSet>noUpdate().rescheduleAfter(Duration.ofSeconds(1))
          : UpdateControl.noUpdate();
    }
    List<String> ignoredFields = LwsUnknownFields.ignored(lws);
    LeaderWorkerSetStatus status =
        LwsStatusFromModelServing.compute(
            lws,
            owned,
            groupCounts(defaulted, owned, lwsPods(owned, lws), problem.isEmpty()),
            problem,
            ignoredFields,
            clock.instant());
    if (problem.isEmpty()
        && takeoverInProgress(lws)
        && isTrue(status, LwsKeys.Conditions.AVAILABLE)) {
      String done =
          "taken over from the upstream LWS controller: every group runs under this controller, and no"
              + " StatefulSet or ControllerRevision of upstream's is left";
      LwsStatusFromModelServing.putCondition(
          status,
          LwsKeys.Conditions.UPSTREAM_TAKEOVER,
          "False",
          LwsKeys.Conditions.REASON_TAKEOVER_COMPLETED,
          done,
          clock.instant());
      log.info("{}/{}: {}", ns, name, done);
      events.normal(lws, LwsKeys.Events.TAKEOVER_COMPLETED, done);
    }
    if (problem.isPresent() && !sameProblem(lws.getStatus(), problem.get())) {
      if (LwsKeys.Events.WAITING_FOR_PREVIOUS_MODEL_SERVING.equals(problem.get().reason())) {
        log.info("{}/{}: {}", ns, name, problem.get().message()); // a wait, not a fault
        events.normal(lws, problem.get().reason(), problem.get().message());
      } else {
        log.warn("{}/{}: {}", ns, name, problem.get().message());
        events.warning(lws, problem.get().reason(), problem.get().message());
      }
    }
    if (!ignoredFields.isEmpty()) {
      Problem ignored =
          new Problem(
              LwsKeys.Conditions.REASON_FIELDS_IGNORED,
              LwsStatusFromModelServing.ignoredFieldsMessage(ignoredFields));
      if (!sameProblem(lws.getStatus(), ignored)) {
        log.warn("{}/{}: {}", ns, name, ignored.message());
        events.warning(lws, ignored.reason(), ignored.message());
      }
    }
    if (Objects.equals(status, lws.getStatus())) {
      return UpdateControl.noUpdate();
    }
    announceConditionChange(lws, status);
    LeaderWorkerSet patch = new LeaderWorkerSet();
    patch.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
    patch.setStatus(status);
    metrics.apiWrite("patch", "leaderworkersets/status");
    return StatusWrite.apply(context, lws, patch)
        ? UpdateControl.<LeaderWorkerSet>noUpdate().rescheduleAfter(Duration.ZERO) // StatusWrite
        : UpdateControl.noUpdate();
  }

  private static List<StatefulSet> upstreamStatefulSets(
      Context<LeaderWorkerSet> context, LeaderWorkerSet lws) {
    return UpstreamTakeover.upstreamStatefulSets(
        lws.getMetadata().getName(),
        context.getSecondaryResources(StatefulSet.class).stream()
            .filter(s -> lws.getMetadata().getNamespace().equals(s.getMetadata().getNamespace()))
            .toList());
  }

  /**
   * The LWS status during a takeover: what it was (upstream's counts stay true while its pods run
   * untouched) plus the takeover condition; a new reason for standing aside is also a Warning.
   */
  private UpdateControl<LeaderWorkerSet> takeoverStatus(
      Context<LeaderWorkerSet> context, LeaderWorkerSet lws, UpstreamTakeoverShell.Step step) {
    boolean asideNow = step.kind() == UpstreamTakeoverShell.Kind.STAND_ASIDE;
    LeaderWorkerSetStatus status =
        SERIALIZATION.clone(
            lws.getStatus() == null ? new LeaderWorkerSetStatus() : lws.getStatus());
    String reason =
        asideNow
            ? LwsKeys.Conditions.REASON_UPSTREAM_CONTROLLER_ACTIVE
            : LwsKeys.Conditions.REASON_TAKEOVER_IN_PROGRESS;
    if (asideNow && !sameProblem(lws.getStatus(), new Problem(reason, step.message()))) {
      log.warn(
          "{}/{}: {}",
          lws.getMetadata().getNamespace(),
          lws.getMetadata().getName(),
          step.message());
      events.warning(lws, reason, step.message());
    }
    LwsStatusFromModelServing.putCondition(
        status,
        LwsKeys.Conditions.UPSTREAM_TAKEOVER,
        asideNow ? "False" : "True",
        reason,
        step.message(),
        clock.instant());
    Duration again = asideNow ? Duration.ofSeconds(5) : Duration.ofSeconds(1);
    if (Objects.equals(status, lws.getStatus())) {
      return UpdateControl.<LeaderWorkerSet>noUpdate().rescheduleAfter(again);
    }
    LeaderWorkerSet patch = new LeaderWorkerSet();
    patch.setMetadata(
        new ObjectMetaBuilder()
            .withName(lws.getMetadata().getName())
            .withNamespace(lws.getMetadata().getNamespace())
            .build());
    patch.setStatus(status);
    metrics.apiWrite("patch", "leaderworkersets/status");
    return UpdateControl.<LeaderWorkerSet>noUpdate()
        .rescheduleAfter(StatusWrite.apply(context, lws, patch) ? Duration.ZERO : again);
  }

  private static boolean takeoverInProgress(LeaderWorkerSet lws) {
    return lws.getStatus() != null
        && lws.getStatus().getConditions() != null
        && lws.getStatus().getConditions().stream()
            .anyMatch(
                c ->
                    LwsKeys.Conditions.UPSTREAM_TAKEOVER.equals(c.getType())
                        && "True".equals(c.getStatus()));
  }

  private static boolean isTrue(LeaderWorkerSetStatus status, String type) {
    return status.getConditions() != null
        && status.getConditions().stream()
            .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /**
   * Sets the LWS's replicas to {@code replicas} through its scale subresource, guarded by the
   * resourceVersion this reconcile saw: a concurrent {@code kubectl scale lws} is never overwritten
   * (the update fails with a conflict, and the LWS's own change brings us back). True when written.
   */
  private boolean reportReplicas(KubernetesClient client, LeaderWorkerSet lws, int replicas) {
    String ns = lws.getMetadata().getNamespace();
    String name = lws.getMetadata().getName();
    Scale scale =
        new ScaleBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(ns)
            .withResourceVersion(lws.getMetadata().getResourceVersion())
            .endMetadata()
            .withNewSpec()
            .withReplicas(replicas)
            .endSpec()
            .build();
    try {
      metrics.apiWrite("update", "leaderworkersets/scale");
      client.resources(LeaderWorkerSet.class).inNamespace(ns).withName(name).scale(scale);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404 || e.getCode() == 409) {
        log.info(
            "{}/{}: the LeaderWorkerSet changed meanwhile; not reporting the ModelServing's {} replicas yet",
            ns,
            name,
            replicas);
        return false;
      }
      throw e;
    }
    log.info(
        "{}/{}: spec.replicas {} -> {}: its ModelServing was scaled directly (e.g. by Kthena's autoscaler)",
        ns,
        name,
        lws.getSpec().getReplicas(),
        replicas);
    events.normal(
        lws,
        "ScaledThroughModelServing",
        "spec.replicas set to "
            + replicas
            + " from ModelServing "
            + name
            + ", which was scaled directly (e.g. by Kthena's autoscaler)");
    return true;
  }

  /** The pods of the LWS's groups, as far as its own ModelServing controls them. */
  private List<Pod> lwsPods(Optional<ModelServing> ms, LeaderWorkerSet lws) {
    Optional<ModelServing> owned = ms.filter(m -> OwnerRefs.isControlledBy(m, lws));
    return owned.map(m -> OwnerRefs.controlledBy(pods.ownedBy(m), m)).orElse(List.of());
  }

  /**
   * Upstream's group tallies (LWS.md §3.12) from the pods, against the current revision (from the
   * memo when the spec is {@code valid}: only a valid one is converted).
   */
  private LwsGroups.Counts groupCounts(
      DefaultedLeaderWorkerSet defaulted,
      Optional<ModelServing> ms,
      List<Pod> pods,
      boolean valid) {
    if (ms.isEmpty()) {
      return LwsGroups.Counts.NONE;
    }
    LeaderWorkerSet lws = defaulted.get();
    String revision =
        valid
            ? specHashes.get(lws, () -> LwsToModelServing.SpecHashes.of(defaulted)).revision()
            : LwsToModelServing.revision(lws);
    var rolling = lws.getSpec().getRolloutStrategy().getRollingUpdateConfiguration();
    int partition =
        rolling == null || rolling.getPartition() == null ? 0 : Math.max(0, rolling.getPartition());
    return LwsGroups.count(
        LwsGroups.fromPods(pods, revision, lws.getSpec().getLeaderWorkerTemplate().getSize()),
        lws.getSpec().getReplicas(),
        partition);
  }

  /**
   * Claims are wanted for the desired groups and, as a StatefulSet makes them, for any group whose
   * pods exist (surge).
   */
  static Set<Integer> claimGroups(int replicas, List<Pod> pods) {
    Set<Integer> groups = new TreeSet<>();
    for (int g = 0; g < replicas; g++) {
      groups.add(g);
    }
    for (Pod pod : pods) {
      String index =
          pod.getMetadata().getLabels() == null
              ? null
              : pod.getMetadata().getLabels().get(LwsKeys.Labels.GROUP_INDEX);
      if (index != null && index.matches("[0-9]{1,9}")) {
        groups.add(Integer.parseInt(index));
      }
    }
    return groups;
  }

  /**
   * Creates missing per-pod claims (those in the informer cache exist); with {@code whenScaled:
   * Delete} removes those of groups no longer wanted.
   */
  private static Optional<Problem> ensureVolumeClaims(
      KubernetesClient client,
      LeaderWorkerSet lws,
      Set<Integer> groups,
      Set<PersistentVolumeClaim> existing,
      ControllerMetrics metrics) {
    List<PersistentVolumeClaim> desired = LwsVolumeClaims.desired(lws, groups);
    if (desired.isEmpty()) {
      return Optional.empty();
    }
    Set<String> names =
        existing.stream().map(c -> c.getMetadata().getName()).collect(Collectors.toSet());
    for (PersistentVolumeClaim claim : desired) {
      if (names.contains(claim.getMetadata().getName())) {
        continue;
      }
      try {
        metrics.apiWrite("create", "persistentvolumeclaims");
        client.resource(claim).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() == 409) {
          continue;
        }
        if (e.getCode() >= 400 && e.getCode() < 500 && e.getCode() != 429) {
          return Optional.of(
              new Problem(
                  LwsKeys.Events.FAILED_CREATE,
                  "cannot create PersistentVolumeClaim "
                      + claim.getMetadata().getName()
                      + ": "
                      + (e.getStatus() != null ? e.getStatus().getMessage() : e.getMessage())));
        }
        throw e;
      }
    }
    if (LwsVolumeClaims.deleteWhenScaled(lws)) {
      for (PersistentVolumeClaim claim : existing) {
        String index = claim.getMetadata().getLabels().get(LwsKeys.Labels.GROUP_INDEX);
        if (index != null
            && index.matches("[0-9]{1,9}")
            && !groups.contains(Integer.parseInt(index))
            && claim.getMetadata().getDeletionTimestamp() == null) {
          metrics.apiWrite("delete", "persistentvolumeclaims");
          client.resource(claim).delete();
        }
      }
    }
    return Optional.empty();
  }

  /**
   * As upstream's CreatingRevision Event: the first ModelServing of an LWS, or one whose template
   * revision changed, starts a new revision.
   */
  private void announceRevision(
      LeaderWorkerSet lws, Optional<ModelServing> existing, ModelServing desired) {
    String revision = templateRevision(desired);
    if (existing.isEmpty()) {
      events.normal(
          lws,
          LwsKeys.Events.CREATING_REVISION,
          "Creating revision with key " + revision + " for a newly created LeaderWorkerSet");
    } else if (!Objects.equals(templateRevision(existing.get()), revision)) {
      events.normal(
          lws,
          LwsKeys.Events.CREATING_REVISION,
          "Creating revision with key " + revision + " for updated LWS");
    }
  }

  private static String templateRevision(ModelServing ms) {
    try {
      return ms.getSpec()
          .getTemplate()
          .getRoles()
          .get(0)
          .getEntryTemplate()
          .getMetadata()
          .getLabels()
          .get(LwsKeys.Labels.TEMPLATE_REVISION_HASH);
    } catch (NullPointerException | IndexOutOfBoundsException e) {
      return null;
    }
  }

  /**
   * As upstream: when the True conditions change, a Normal Event with the reason of the new one and
   * "<message>, with <ready> groups ready of total <replicas> groups".
   */
  private void announceConditionChange(LeaderWorkerSet lws, LeaderWorkerSetStatus status) {
    Set<String> before = trueConditions(lws.getStatus());
    Set<String> after = trueConditions(status);
    if (before.equals(after) || status.getConditions() == null) {
      return;
    }
    status.getConditions().stream()
        .filter(
            c ->
                "True".equals(c.getStatus()) && !before.contains(c.getType() + "/" + c.getReason()))
        .findFirst()
        .ifPresent(
            c ->
                events.normal(
                    lws,
                    c.getReason(),
                    c.getMessage()
                        + ", with "
                        + status.getReadyReplicas()
                        + " groups ready of total "
                        + lws.getSpec().getReplicas()
                        + " groups"));
  }

  private static Set<String> trueConditions(LeaderWorkerSetStatus status) {
    if (status == null || status.getConditions() == null) {
      return Set.of();
    }
    return status.getConditions().stream()
        .filter(c -> "True".equals(c.getStatus()))
        .map(c -> c.getType() + "/" + c.getReason())
        .collect(Collectors.toSet());
  }

  private static boolean sameProblem(LeaderWorkerSetStatus status, Problem problem) {
    return status != null
        && status.getConditions() != null
        && status.getConditions().stream()
            .anyMatch(
                c ->
                    problem.reason().equals(c.getReason())
                        && problem.message().equals(c.getMessage()));
  }

  /** The subGroupPolicy accepted before, when this LWS already has its ModelServing. */
  private static Optional<Optional<SubGroupPolicy>> previousSubGroupPolicy(
      Optional<ModelServing> existing) {
    return existing
        .map(ms -> ms.getMetadata().getAnnotations())
        .map(a -> a.get(ACCEPTED_SUBGROUP))
        .map(
            json ->
                "none".equals(json)
                    ? Optional.empty()
                    : Optional.of(SERIALIZATION.unmarshal(json, SubGroupPolicy.class)));
  }

  private static String subGroupAnnotation(SubGroupPolicy policy) {
    return policy == null ? "none" : SERIALIZATION.asJson(policy);
  }

  /**
   * The LWS as accepted before, as far as the update rules read it (its subGroupPolicy): built, not
   * copied, since a deep copy of the whole LWS on every pass is costly.
   */
  private static LeaderWorkerSet withSubGroupPolicy(LeaderWorkerSet lws, SubGroupPolicy policy) {
    LeaderWorkerTemplate template = new LeaderWorkerTemplate();
    template.setSubGroupPolicy(policy);
    LeaderWorkerSetSpec spec = new LeaderWorkerSetSpec();
    spec.setLeaderWorkerTemplate(template);
    LeaderWorkerSet previous = new LeaderWorkerSet();
    previous.setMetadata(lws.getMetadata());
    previous.setSpec(spec);
    return previous;
  }
}
