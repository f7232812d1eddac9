package dev.modelserving.controller.plan;

import dev.modelserving.api.v1alpha1.ModelServingKeys.EventReasons;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiPredicate;
import java.util.function.IntFunction;

/**
 * The replacement step every rollout shares: outdated units (groups or role replicas) at or above
 * the partition go, not-ready ones first (replacing them costs no availability), then the highest
 * ordinal, while at most {@code maxUnavailable} units are not ready. A unit with a pod that is
 * terminating or already being deleted is busy: it counts as unavailable and is left alone.
 */
final class OutdatedReplacement {
  private OutdatedReplacement() {}

  /**
   * @param units the units by ordinal with their pods
   * @param desired how many units should exist; missing ones count as unavailable
   * @param ready whether a unit (ordinal, live pods) is ready
   * @param describe the unit in a note, e.g. "serving group m-1"
   */
  static RolloutPolicy.Replacement replace(
      PlanContext ctx,
      NavigableMap<Integer, List<Pod>> units,
      int desired,
      int maxUnavailable,
      int partition,
      BiPredicate<Integer, List<Pod>> ready,
      IntFunction<String> describe,
      Set<String> deleting) {
    int unavailable = Math.max(0, desired - units.size());
    List<Integer> outdated = new ArrayList<>();
    Set<Integer> readyUnits = new TreeSet<>(); // readiness is computed once per unit and pass
    for (var e : units.entrySet()) {
      List<Pod> live =
          e.getValue().stream()
              .filter(
                  p -> !PodHealth.isTerminating(p) && !deleting.contains(p.getMetadata().getName()))
              .toList();
      boolean busy = live.size() < e.getValue().size();
      if (!busy && !live.isEmpty() && ready.test(e.getKey(), live)) {
        readyUnits.add(e.getKey());
      } else {
        unavailable++;
      }
      if (!busy && e.getKey() >= partition && live.stream().anyMatch(ctx::outdated)) {
        outdated.add(e.getKey());
      }
    }
    int budget = maxUnavailable - unavailable;
    outdated.sort(
        Comparator.<Integer, Boolean>comparing(readyUnits::contains)
            .thenComparing(Comparator.reverseOrder()));
    List<Pod> deletes = new ArrayList<>();
    List<Plan.Note> notes = new ArrayList<>();
    Set<String> replaced = new TreeSet<>();
    for (int o : outdated) {
      boolean wasReady = readyUnits.contains(o);
      if (wasReady && budget <= 0) {
        break;
      }
      notes.add(
          new Plan.Note(
              EventReasons.ROLLING_UPDATE, "replacing outdated " + describe.apply(o), false));
      deletes.addAll(units.get(o));
      units.get(o).forEach(p -> replaced.add(p.getMetadata().getName()));
      if (wasReady) {
        budget--;
      }
    }
    return new RolloutPolicy.Replacement(PlanPart.deleting(deletes, notes), replaced);
  }
}
