package dev.modelserving.controller.reconciler;

import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Labels;
import dev.modelserving.controller.plan.Disruption;
import dev.modelserving.controller.podgen.PodNames;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers pods of a ModelServing that went away without this controller deleting them, so the
 * next reconcile can apply the recovery policy. A deletion leaves nothing in the cluster to read
 * afterwards, so this is the one piece of memory the controller keeps. Only deletions requested
 * after this process started to act are judged: one requested earlier may have been made by a
 * previous leader (or this controller before a restart), whose memory is gone, so such pods are
 * treated as plain missing pods (refilled, not rebuilt). A standby replica judges nothing.
 */
final class PodDisruptionTracker {
  static final Duration KEEP = Duration.ofMinutes(15);

  /**
   * How often the memory is swept: each sweep walks every pod created or deleted within KEEP
   * (10,000 at fleet scale), so it runs at most this often, not on every pass (issue #10's
   * profile).
   */
  static final Duration SWEEP_EVERY = Duration.ofSeconds(30);

  private final Clock clock;

  /** UIDs of pods this controller is deleting, with when it asked. */
  private final Map<String, Instant> ownDeletions = new ConcurrentHashMap<>();

  /**
   * UIDs of pods this controller created, with when the API server answered, per ModelServing UID:
   * a disruption is compared with its own ModelServing's pods only, not with every pod made.
   */
  private final Map<String, Map<String, Instant>> ownCreations = new ConcurrentHashMap<>();

  /**
   * Pod UID to the disruption it caused, per ModelServing UID: a ModelServing deleted and created
   * again under the same name must not inherit the deletions of its predecessor's pods.
   */
  private final Map<String, Map<String, Disruption>> byModelServing = new ConcurrentHashMap<>();

  /** From when on deletions are judged; null while this process does not act (standby). */
  private volatile Instant judgingSince;

  private volatile Instant nextSweep = Instant.MIN;

  PodDisruptionTracker(Clock clock) {
    this.clock = clock;
  }

  /** This process acts from now on: deletions requested from now on are judged. */
  void startJudging() {
    judgingSince = clock.instant();
  }

  /** Call before deleting a pod, so that its deletion is not mistaken for a disruption. */
  void deleting(Pod pod) {
    ownDeletions.put(pod.getMetadata().getUid(), clock.instant());
  }

  /**
   * Call with the API server's answer to a pod creation: pods made since a loss are no older than
   * it.
   */
  void created(Pod pod) {
    if (pod != null && pod.getMetadata().getUid() != null) {
      modelServingOwnerUid(pod)
          .ifPresent(
              owner ->
                  ownCreations
                      .computeIfAbsent(owner, k -> new ConcurrentHashMap<>())
                      .put(pod.getMetadata().getUid(), clock.instant()));
    }
  }

  /** Informer update: a pod that just got a deletionTimestamp is going away. */
  void observeUpdate(Pod a, Pod b) {
    boolean aDeleting = a.getMetadata().getDeletionTimestamp() != null;
    boolean bDeleting = b.getMetadata().getDeletionTimestamp() != null;
    if (aDeleting != bDeleting) {
      observeGone(aDeleting ? a : b);
    }
  }

  /** Informer delete: the pod is gone (it may have been removed without a grace period). */
  void observeGone(Pod pod) {
    String uid = pod.getMetadata().getUid();
    Instant since = judgingSince;
    if (uid == null
        || ownDeletions.containsKey(uid)
        || since == null
        || deletionRequestedAt(pod).isBefore(since)) {
      return;
    }
    Optional<String> owner = modelServingOwnerUid(pod);
    var labels = pod.getMetadata().getLabels();
    if (owner.isEmpty() || labels == null) {
      return;
    }
    String ms = labels.get(Labels.NAME);
    String role = labels.get(Labels.ROLE);
    OptionalInt group = PodNames.ordinalAfter(ms, labels.get(Labels.GROUP_NAME));
    OptionalInt roleOrdinal = PodNames.ordinalAfter(role, labels.get(Labels.ROLE_ID));
    if (ms == null || group.isEmpty() || roleOrdinal.isEmpty()) {
      return;
    }
    byModelServing
        .computeIfAbsent(owner.get(), k -> new ConcurrentHashMap<>())
        .putIfAbsent(
            uid,
            new Disruption(
                group.getAsInt(),
                role,
                roleOrdinal.getAsInt(),
                pod.getMetadata().getName(),
                clock.instant()));
  }

  /** Disruptions recorded for a ModelServing (by UID); old ones are dropped. */
  List<Disruption> pending(String modelServingUid) {
    Instant cutoff = clock.instant().minus(KEEP);
    sweepWhenDue();
    Map<String, Disruption> recorded = byModelServing.get(modelServingUid);
    if (recorded == null) {
      return List.of();
    }
    Map<String, Instant> created = ownCreations.getOrDefault(modelServingUid, Map.of());
    return recorded.values().stream()
        .filter(d -> !d.at().isBefore(cutoff))
        .map(d -> d.withCreatedSince(createdSince(created, d.at())))
        .toList();
  }

  private static java.util.Set<String> createdSince(Map<String, Instant> created, Instant at) {
    return created.entrySet().stream()
        .filter(e -> !e.getValue().isBefore(at))
        .map(Map.Entry::getKey)
        .collect(java.util.stream.Collectors.toUnmodifiableSet());
  }

  /** Pod UIDs remembered (own creations and deletions, disruptions), for the tests of the sweep. */
  int remembered() {
    return ownDeletions.size()
        + ownCreations.values().stream().mapToInt(Map::size).sum()
        + byModelServing.values().stream().mapToInt(Map::size).sum();
  }

  /** Forgets a ModelServing, e.g. once it is deleted. */
  void forget(String modelServingUid) {
    byModelServing.remove(modelServingUid);
    ownCreations.remove(modelServingUid);
  }

  private void sweepWhenDue() {
    Instant now = clock.instant();
    if (now.isBefore(nextSweep)) {
      return;
    }
    nextSweep = now.plus(SWEEP_EVERY);
    Instant cutoff = now.minus(KEEP);
    ownDeletions.values().removeIf(t -> t.isBefore(cutoff));
    ownCreations.values().forEach(m -> m.values().removeIf(t -> t.isBefore(cutoff)));
    ownCreations.values().removeIf(Map::isEmpty);
    byModelServing.values().forEach(m -> m.values().removeIf(d -> d.at().isBefore(cutoff)));
    byModelServing.values().removeIf(Map::isEmpty);
  }

  /**
   * When the deletion was asked for: the API server sets deletionTimestamp to that moment plus the
   * grace period. A pod removed without a graceful phase carries neither: now.
   */
  private Instant deletionRequestedAt(Pod pod) {
    String deletion = pod.getMetadata().getDeletionTimestamp();
    if (deletion == null) {
      return clock.instant();
    }
    Long grace = pod.getMetadata().getDeletionGracePeriodSeconds();
    return Instant.parse(deletion).minusSeconds(grace == null ? 0 : grace);
  }

  private static Optional<String> modelServingOwnerUid(Pod pod) {
    List<OwnerReference> refs = pod.getMetadata().getOwnerReferences();
    if (refs == null) {
      return Optional.empty();
    }
    return refs.stream()
        .filter(r -> Boolean.TRUE.equals(r.getController()))
        .filter(
            r ->
                ModelServing.KIND.equals(r.getKind())
                    && r.getApiVersion() != null
                    && r.getApiVersion().startsWith(ModelServing.GROUP + "/"))
        .map(OwnerReference::getUid)
        .findFirst();
  }
}
