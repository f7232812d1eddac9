package dev.modelserving.controller.plan;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What one reconcile pass does to the cluster: pods and Services to create (pods in creation order,
 * entry before workers) and to delete, when to look again, and what to tell the user.
 */
public record Plan(
    List<Pod> podsToCreate,
    List<Pod> podsToDelete,
    List<Service> servicesToCreate,
    List<Service> servicesToDelete,
    Optional<Duration> requeueAfter,
    List<Note> notes,
    Optional<LwsRollout.Result> rolloutStep) {

  public Plan(
      List<Pod> podsToCreate,
      List<Pod> podsToDelete,
      List<Service> servicesToCreate,
      List<Service> servicesToDelete,
      Optional<Duration> requeueAfter,
      List<Note> notes) {
    this(
        podsToCreate,
        podsToDelete,
        servicesToCreate,
        servicesToDelete,
        requeueAfter,
        notes,
        Optional.empty());
  }

  /**
   * Something worth an Event and a log line; {@code warning} selects the Event type; {@code pod}
   * names the pod that caused it, when one did (a failed or deleted pod).
   */
  public record Note(String reason, String message, boolean warning, String pod) {
    public Note(String reason, String message, boolean warning) {
      this(reason, message, warning, null);
    }
  }

  public boolean changesNothing() {
    return podsToCreate.isEmpty()
        && podsToDelete.isEmpty()
        && servicesToCreate.isEmpty()
        && servicesToDelete.isEmpty();
  }
}
