package dev.modelserving.controller.gang;

import dev.modelserving.api.v1alpha1.ModelServingKeys.Conditions;
import dev.modelserving.api.v1alpha1.ModelServingStatus;
import dev.modelserving.controller.gang.VolcanoPodGroups.GangStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code GangScheduling} condition in a computed status; its lastTransitionTime survives while
 * its status stays.
 */
public final class GangCondition {
  private GangCondition() {}

  /** Puts {@code gang} (or nothing) as the {@code GangScheduling} condition of {@code status}. */
  public static void merge(
      ModelServingStatus status,
      ModelServingStatus previous,
      Optional<GangStatus> gang,
      long generation,
      Instant now) {
    List<Condition> conditions =
        new ArrayList<>(status.getConditions() == null ? List.of() : status.getConditions());
    conditions.removeIf(c -> Conditions.GANG_SCHEDULING.equals(c.getType()));
    if (gang.isPresent()) {
      Condition c = new Condition();
      c.setType(Conditions.GANG_SCHEDULING);
      c.setStatus(gang.get().ok() ? "True" : "False");
      c.setReason(gang.get().reason());
      c.setMessage(gang.get().message());
      c.setObservedGeneration(generation);
      String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
      Optional<Condition> old = stored(previous);
      if (old.isPresent()
          && c.getStatus().equals(old.get().getStatus())
          && old.get().getLastTransitionTime() != null) {
        time = old.get().getLastTransitionTime();
      }
      c.setLastTransitionTime(time);
      conditions.add(c);
    }
    status.setConditions(conditions);
  }

  /**
   * Whether {@code gang} differs in status or reason from what {@code previous} stores (worth an
   * Event).
   */
  public static boolean changed(ModelServingStatus previous, Optional<GangStatus> gang) {
    Optional<Condition> old = stored(previous);
    if (gang.isEmpty()) {
      return false;
    }
    return old.isEmpty()
        || !old.get().getReason().equals(gang.get().reason())
        || !old.get().getStatus().equals(gang.get().ok() ? "True" : "False");
  }

  private static Optional<Condition> stored(ModelServingStatus previous) {
    if (previous == null || previous.getConditions() == null) {
      return Optional.empty();
    }
    return previous.getConditions().stream()
        .filter(c -> Conditions.GANG_SCHEDULING.equals(c.getType()))
        .findFirst();
  }
}
