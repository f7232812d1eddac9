package dev.modelserving.controller.plan;

import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What one planning policy contributes to a pass: pods to create and delete (in order), notes, and
 * when it wants to look again. The planner merges the parts in its fixed order.
 */
record PlanPart(
    List<Pod> creates, List<Pod> deletes, List<Plan.Note> notes, Optional<Instant> lookAgainAt) {
  static final PlanPart NONE = new PlanPart(List.of(), List.of(), List.of(), Optional.empty());

  PlanPart {
    creates = List.copyOf(creates);
    deletes = List.copyOf(deletes);
    notes = List.copyOf(notes);
  }

  static PlanPart deleting(List<Pod> pods, List<Plan.Note> notes) {
    return new PlanPart(List.of(), pods, notes, Optional.empty());
  }

  static PlanPart creating(List<Pod> pods) {
    return new PlanPart(pods, List.of(), List.of(), Optional.empty());
  }

  /** The earlier of two look-again times. */
  static Optional<Instant> earliest(Optional<Instant> a, Optional<Instant> b) {
    if (a.isEmpty()) {
      return b;
    }
    return b.isPresent() && b.get().isBefore(a.get()) ? b : a;
  }
}
