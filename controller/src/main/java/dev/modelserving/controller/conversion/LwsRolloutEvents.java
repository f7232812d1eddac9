package dev.modelserving.controller.conversion;

import dev.modelserving.api.lws.v1.LwsKeys;
import dev.modelserving.controller.plan.LwsRollout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;

/**
 * The Events upstream's LWS controller records on the LWS while it rolls the leader StatefulSet
 * (LWS.md §3.2, §3.10), derived from one ModelServing pass. Pure.
 */
public final class LwsRolloutEvents {
  private LwsRolloutEvents() {}

  /** A Normal Event on the LeaderWorkerSet. */
  public record Event(String reason, String message) {}

  /**
   * @param previousPartition the partition this pass's step started from, or null: the one kept in
   *     the ModelServing status by the last pass; on the pass that starts a rollout, the top the
   *     partition jumps to first (that pass also takes the first step down, as upstream's next
   *     reconcile does, which records the Event)
   * @param step this pass's rollout step, if the ModelServing rolls as an LWS
   * @param surgeGroupsDeleted indices of surge groups (at or above replicas) this pass deletes
   */
  public static List<Event> of(
      String lws,
      Integer previousPartition,
      Optional<LwsRollout.Result> step,
      SortedSet<Integer> surgeGroupsDeleted) {
    List<Event> events = new ArrayList<>();
    if (step.isPresent()
        && previousPartition != null
        && step.get().partition() < previousPartition) {
      int partition = step.get().partition();
      events.add(
          new Event(
              LwsKeys.Events.GROUPS_UPDATING,
              partition == previousPartition - 1
                  ? "Updating replica " + partition
                  : "Updating replicas "
                      + partition
                      + " to "
                      + (previousPartition - 1)
                      + " (inclusive)"));
    }
    if (!surgeGroupsDeleted.isEmpty()) {
      events.add(
          new Event(
              LwsKeys.Events.GROUPS_PROGRESSING,
              surgeGroupsDeleted.size() == 1
                  ? "deleting surge replica " + lws + "-" + surgeGroupsDeleted.first()
                  : "deleting surge replicas from "
                      + lws
                      + "-"
                      + surgeGroupsDeleted.first()
                      + " to "
                      + lws
                      + "-"
                      + surgeGroupsDeleted.last()));
    }
    return events;
  }
}
