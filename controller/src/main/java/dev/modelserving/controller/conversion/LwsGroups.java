package dev.modelserving.controller.conversion;

import dev.modelserving.api.lws.v1.LwsKeys;
import dev.modelserving.controller.plan.PodHealth;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The groups of a LeaderWorkerSet as upstream's status code sees them (LWS.md §3.12), read from the
 * pods: every group with a leader pod is one of {@code status.replicas} (the leader StatefulSet's
 * pods); it is counted for the rest once, with size > 1, at least one worker exists too (where
 * upstream needs the worker StatefulSet); it is ready when its leader and all {@code size - 1}
 * workers are Running and Ready, and updated when they all carry the current revision. Pods being
 * deleted are not counted. Pure.
 */
public final class LwsGroups {
  private LwsGroups() {}

  /**
   * One group with a leader pod; {@code counted} false while a size > 1 group has no worker yet.
   */
  public record Group(int index, boolean counted, boolean ready, boolean updated) {
    /** A counted group. */
    public Group(int index, boolean ready, boolean updated) {
      this(index, true, ready, updated);
    }
  }

  /**
   * Upstream's tallies: {@code leaders} groups with a leader pod (status.replicas); {@code ready}
   * and {@code updated} over every counted group (surge included, they become readyReplicas and
   * updatedReplicas); the others over the desired groups {@code [0, R)}: {@code readyNonBurst}
   * ready ones, and in {@code [P, R)} the groups counted ({@code current}), updated ({@code
   * updatedNonBurst}) and updated-and-ready ({@code updatedAndReady}).
   */
  public record Counts(
      int leaders,
      int ready,
      int updated,
      int readyNonBurst,
      int current,
      int updatedNonBurst,
      int updatedAndReady) {
    public static final Counts NONE = new Counts(0, 0, 0, 0, 0, 0, 0);

    /**
     * UpdateInProgress (with Progressing): a group at or above the partition is not updated yet.
     */
    public boolean updating() {
      return updatedNonBurst < current;
    }

    /** Available: every desired group ready and those at or above the partition updated. */
    public boolean available(int replicas) {
      return readyNonBurst == replicas && updatedAndReady == current;
    }
  }

  /**
   * The groups of these pods (all of one LWS); {@code revision} is the current template revision.
   */
  public static List<Group> fromPods(Collection<Pod> pods, String revision, int specSize) {
    Map<Integer, List<Pod>> byGroup = new TreeMap<>();
    for (Pod pod : pods) {
      Integer g = index(pod, LwsKeys.Labels.GROUP_INDEX);
      if (g != null && !PodHealth.isTerminating(pod)) {
        byGroup.computeIfAbsent(g, k -> new ArrayList<>()).add(pod);
      }
    }
    List<Group> groups = new ArrayList<>();
    byGroup.forEach(
        (g, groupPods) -> {
          Pod leader =
              groupPods.stream()
                  .filter(p -> Integer.valueOf(0).equals(index(p, LwsKeys.Labels.WORKER_INDEX)))
                  .findFirst()
                  .orElse(null);
          if (leader == null) {
            return;
          }
          // An older revision may have had another size: the leader's annotation says which.
          Integer annotated =
              leader.getMetadata().getAnnotations() == null
                  ? null
                  : parse(leader.getMetadata().getAnnotations().get(LwsKeys.Annotations.SIZE));
          int size = annotated == null ? specSize : annotated;
          if (size > 1 && groupPods.size() == 1) {
            groups.add(
                new Group(g, false, false, false)); // upstream skips it: no worker StatefulSet yet
            return;
          }
          boolean ready =
              groupPods.size() == size && groupPods.stream().allMatch(PodHealth::isReady);
          boolean updated =
              groupPods.stream()
                  .allMatch(p -> revision.equals(label(p, LwsKeys.Labels.TEMPLATE_REVISION_HASH)));
          groups.add(new Group(g, ready, updated));
        });
    return groups;
  }

  /** Upstream's tallies for {@code replicas} R and spec partition P. */
  public static Counts count(List<Group> groups, int replicas, int partition) {
    int leaders = 0;
    int ready = 0;
    int updated = 0;
    int readyNonBurst = 0;
    int current = 0;
    int updatedNonBurst = 0;
    int updatedAndReady = 0;
    for (Group group : groups) {
      leaders++;
      if (!group.counted()) {
        continue;
      }
      ready += group.ready() ? 1 : 0;
      updated += group.updated() ? 1 : 0;
      if (group.index() < replicas) {
        readyNonBurst += group.ready() ? 1 : 0;
        if (group.index() >= partition) {
          current++;
          updatedNonBurst += group.updated() ? 1 : 0;
          updatedAndReady += group.ready() && group.updated() ? 1 : 0;
        }
      }
    }
    return new Counts(
        leaders, ready, updated, readyNonBurst, current, updatedNonBurst, updatedAndReady);
  }

  private static Integer index(Pod pod, String key) {
    return parse(label(pod, key));
  }

  private static String label(Pod pod, String key) {
    return pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get(key);
  }

  private static Integer parse(String value) {
    if (value == null || !value.matches("[0-9]{1,9}")) {
      return null;
    }
    return Integer.parseInt(value);
  }
}
