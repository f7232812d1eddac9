package dev.modelserving.controller.conversion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.controller.conversion.LwsGroups.Group;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Groups read from pods as upstream's status code counts them (LWS.md §3.12). */
class LwsGroupsTest {
  private static Pod pod(int g, int w, String revision, boolean ready, Integer sizeAnnotation) {
    var builder =
        new PodBuilder()
            .withNewMetadata()
            .withName(w == 0 ? "l-" + g : "l-" + g + "-" + w)
            .addToLabels("leaderworkerset.sigs.k8s.io/name", "l")
            .addToLabels("leaderworkerset.sigs.k8s.io/group-index", Integer.toString(g))
            .addToLabels("leaderworkerset.sigs.k8s.io/worker-index", Integer.toString(w))
            .addToLabels("leaderworkerset.sigs.k8s.io/template-revision-hash", revision)
            .endMetadata()
            .withNewStatus()
            .withPhase(ready ? "Running" : "Pending")
            .addNewCondition()
            .withType("Ready")
            .withStatus(ready ? "True" : "False")
            .endCondition()
            .endStatus();
    Pod pod = builder.build();
    if (sizeAnnotation != null) {
      pod.getMetadata()
          .setAnnotations(
              new java.util.HashMap<>(
                  java.util.Map.of("leaderworkerset.sigs.k8s.io/size", sizeAnnotation.toString())));
    }
    return pod;
  }

  private static List<Pod> group(int g, String revision, boolean... ready) {
    List<Pod> pods = new ArrayList<>();
    for (int w = 0; w < ready.length; w++) {
      pods.add(pod(g, w, revision, ready[w], ready.length));
    }
    return pods;
  }

  @Test
  void aGroupIsReadyWhenAllItsPodsAreAndUpdatedWhenAllCarryTheRevision() {
    List<Pod> pods = new ArrayList<>();
    pods.addAll(group(0, "new", true, true));
    pods.addAll(group(1, "new", true, false));
    pods.addAll(group(2, "old", true, true));
    assertThat(LwsGroups.fromPods(pods, "new", 2))
        .containsExactly(
            new Group(0, true, true), new Group(1, false, true), new Group(2, true, false));
  }

  @Test
  void aMissingWorkerMakesTheGroupUnreadyAndALeaderWithoutWorkersIsNotCounted() {
    List<Pod> pods = new ArrayList<>();
    pods.addAll(group(0, "new", true, true, true));
    pods.remove(2);
    pods.add(pod(1, 0, "new", true, 3));
    assertThat(LwsGroups.fromPods(pods, "new", 3))
        .containsExactly(new Group(0, false, true), new Group(1, false, false, false));
  }

  @Test
  void anOlderRevisionsSizeComesFromTheLeadersAnnotation() {
    // Group 0 was created with size 2 and keeps it below a partition; the spec now says 3.
    assertThat(LwsGroups.fromPods(group(0, "old", true, true), "new", 3))
        .containsExactly(new Group(0, true, false));
  }

  @Test
  void podsBeingDeletedAreNotCounted() {
    List<Pod> pods = group(0, "new", true);
    pods.get(0).getMetadata().setDeletionTimestamp("2025-01-01T10:00:00Z");
    assertThat(LwsGroups.fromPods(pods, "new", 1)).isEmpty();
  }

  @Test
  void tallies() {
    // R=4, P=1; group 4 is a surge group.
    var counts =
        LwsGroups.count(
            List.of(
                new Group(0, true, false),
                new Group(1, false, true),
                new Group(2, true, true),
                new Group(3, true, true),
                new Group(4, true, true),
                new Group(5, false, false, false)),
            4,
            1);
    assertThat(counts).isEqualTo(new LwsGroups.Counts(6, 4, 4, 3, 3, 3, 2));
    assertThat(counts.updating()).isFalse();
    assertThat(counts.available(4)).isFalse();
  }
}
