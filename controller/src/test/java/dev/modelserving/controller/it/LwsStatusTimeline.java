package dev.modelserving.controller.it;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.lws.v1.LeaderWorkerSetStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every status the controller writes on one LeaderWorkerSet and every change of its pods, from two
 * watches (on kwok a rollout takes about a second, too fast to poll). Both streams carry etcd
 * revisions as resourceVersions, one counter for the whole store, so replaying them in that order
 * shows what the pods looked like when each status was written. Checked against upstream's rules
 * (LWS.md §3.12): Available never together with Progressing or UpdateInProgress, and Available
 * about the current generation only once every group below replicas has been ready, those at or
 * above the partition on the new revision.
 */
final class LwsStatusTimeline implements AutoCloseable {
  private record Entry(long rv, Pod pod, boolean gone, LeaderWorkerSet lws) {}

  private final List<Entry> entries = new ArrayList<>();
  private final List<Watch> watches = new ArrayList<>();

  private LwsStatusTimeline() {}

  /** Starts recording now (from the current resourceVersions). */
  static LwsStatusTimeline start(String ns, String name) {
    LwsStatusTimeline timeline = new LwsStatusTimeline();
    var pods =
        LocalCluster.client()
            .pods()
            .inNamespace(ns)
            .withLabel("leaderworkerset.sigs.k8s.io/name", name);
    var podList = pods.list();
    podList
        .getItems()
        .forEach(
            p -> timeline.add(new Entry(rv(p.getMetadata().getResourceVersion()), p, false, null)));
    timeline.watches.add(
        pods.watch(
            new ListOptionsBuilder()
                .withResourceVersion(podList.getMetadata().getResourceVersion())
                .build(),
            new Watcher<Pod>() {
              @Override
              public void eventReceived(Action action, Pod pod) {
                timeline.add(
                    new Entry(
                        rv(pod.getMetadata().getResourceVersion()),
                        pod,
                        action == Action.DELETED,
                        null));
              }

              @Override
              public void onClose(WatcherException cause) {}
            }));
    var lwss = Lws.lwss().inNamespace(ns).withField("metadata.name", name);
    var lwsList = lwss.list();
    timeline.watches.add(
        lwss.watch(
            new ListOptionsBuilder()
                .withResourceVersion(lwsList.getMetadata().getResourceVersion())
                .build(),
            new Watcher<LeaderWorkerSet>() {
              @Override
              public void eventReceived(Action action, LeaderWorkerSet lws) {
                timeline.add(
                    new Entry(rv(lws.getMetadata().getResourceVersion()), null, false, lws));
              }

              @Override
              public void onClose(WatcherException cause) {}
            }));
    return timeline;
  }

  private synchronized void add(Entry entry) {
    entries.add(entry);
  }

  private static long rv(String resourceVersion) {
    return Long.parseLong(resourceVersion);
  }

  /** Status writes recorded so far, in order. */
  synchronized List<LeaderWorkerSetStatus> statuses() {
    return entries.stream()
        .filter(e -> e.lws() != null && e.lws().getStatus() != null)
        .sorted(Comparator.comparingLong(Entry::rv))
        .map(e -> e.lws().getStatus())
        .toList();
  }

  /**
   * What breaks upstream's rules, one line each (empty when nothing does).
   *
   * @param generation the LWS generation the rollout is about (after the edit)
   * @param newRevision the template-revision-hash of that generation's pods
   */
  synchronized List<String> violations(
      int replicas, int size, int partition, long generation, String newRevision) {
    List<String> violations = new ArrayList<>();
    Map<String, Pod> pods = new HashMap<>();
    boolean doneSeen = false;
    for (Entry e : entries.stream().sorted(Comparator.comparingLong(Entry::rv)).toList()) {
      if (e.pod() != null) {
        if (e.gone() || e.pod().getMetadata().getDeletionTimestamp() != null) {
          pods.remove(e.pod().getMetadata().getName());
        } else {
          pods.put(e.pod().getMetadata().getName(), e.pod());
        }
        doneSeen |= done(pods, replicas, size, partition, newRevision);
        continue;
      }
      LeaderWorkerSetStatus status = e.lws().getStatus();
      if (status == null || status.getConditions() == null) {
        continue;
      }
      boolean available = isTrue(status, "Available");
      if (available && (isTrue(status, "Progressing") || isTrue(status, "UpdateInProgress"))) {
        violations.add(
            "rv "
                + e.rv()
                + ": Available=True together with Progressing or UpdateInProgress: "
                + status.getConditions());
      }
      if (available
          && status.getObservedGeneration() != null
          && status.getObservedGeneration() >= generation
          && !doneSeen) {
        violations.add(
            "rv "
                + e.rv()
                + ": Available=True for generation "
                + status.getObservedGeneration()
                + " before every group below "
                + replicas
                + " was ready (and updated from "
                + partition
                + " on): "
                + pods.keySet());
      }
    }
    return violations;
  }

  /**
   * Every group in [0, replicas) has size ready pods; those at or above the partition carry
   * newRevision.
   */
  private static boolean done(
      Map<String, Pod> pods, int replicas, int size, int partition, String newRevision) {
    for (int g = 0; g < replicas; g++) {
      String group = Integer.toString(g);
      List<Pod> groupPods =
          pods.values().stream()
              .filter(
                  p ->
                      group.equals(
                          p.getMetadata()
                              .getLabels()
                              .get("leaderworkerset.sigs.k8s.io/group-index")))
              .toList();
      if (groupPods.size() != size
          || !groupPods.stream().allMatch(ModelServingLifecycleIT::isReady)) {
        return false;
      }
      if (g >= partition
          && !groupPods.stream()
              .allMatch(
                  p ->
                      newRevision.equals(
                          p.getMetadata()
                              .getLabels()
                              .get("leaderworkerset.sigs.k8s.io/template-revision-hash")))) {
        return false;
      }
    }
    return true;
  }

  static boolean isTrue(LeaderWorkerSetStatus status, String type) {
    return condition(status, type).map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  static Optional<Condition> condition(LeaderWorkerSetStatus status, String type) {
    return status.getConditions() == null
        ? Optional.empty()
        : status.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  @Override
  public void close() {
    watches.forEach(Watch::close);
  }
}
