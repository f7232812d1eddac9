package dev.modelserving.controller.conversion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.controller.conversion.LwsRolloutEvents.Event;
import dev.modelserving.controller.plan.LwsRollout;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Upstream's rollout Events, word for word (LWS.md §3.2 step 6, §3.10). */
class LwsRolloutEventsTest {
  private static final TreeSet<Integer> NONE = new TreeSet<>();

  private static Optional<LwsRollout.Result> step(int partition, int replicas) {
    return Optional.of(new LwsRollout.Result(partition, replicas));
  }

  @Test
  void partitionDownByOne() {
    assertThat(LwsRolloutEvents.of("l", 4, step(3, 4), NONE))
        .containsExactly(new Event("GroupsUpdating", "Updating replica 3"));
  }

  @Test
  void partitionDownBySeveral() {
    assertThat(LwsRolloutEvents.of("l", 4, step(1, 4), NONE))
        .containsExactly(new Event("GroupsUpdating", "Updating replicas 1 to 3 (inclusive)"));
  }

  @Test
  void anUnmovedPartitionSaysNothing() {
    // a rollout that starts at the top (4 groups) and cannot step down yet
    assertThat(LwsRolloutEvents.of("l", 4, step(4, 5), NONE)).isEmpty();
    assertThat(LwsRolloutEvents.of("l", 2, step(2, 5), NONE)).isEmpty();
    assertThat(LwsRolloutEvents.of("l", null, step(0, 5), NONE)).isEmpty();
  }

  @Test
  void surgeGroupsDeleted() {
    assertThat(LwsRolloutEvents.of("l", 0, step(0, 4), new TreeSet<>(java.util.List.of(4))))
        .containsExactly(new Event("GroupsProgressing", "deleting surge replica l-4"));
    assertThat(LwsRolloutEvents.of("l", 0, step(0, 4), new TreeSet<>(java.util.List.of(6, 4, 5))))
        .containsExactly(new Event("GroupsProgressing", "deleting surge replicas from l-4 to l-6"));
  }
}
