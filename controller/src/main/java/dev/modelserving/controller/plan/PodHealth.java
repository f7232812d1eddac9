package dev.modelserving.controller.plan;

import dev.modelserving.api.lws.v1.LwsKeys;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Annotations;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodSchedulingGate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads what the planner needs to know about a live pod from its status. Pure. */
public final class PodHealth {
  private PodHealth() {}

  public static boolean isTerminating(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() != null;
  }

  /** Running with condition Ready=True and not being deleted. */
  public static boolean isReady(Pod pod) {
    if (isTerminating(pod) || pod.getStatus() == null) {
      return false;
    }
    return "Running".equals(pod.getStatus().getPhase())
        && condition(pod, "Ready").map(c -> "True".equals(c.getStatus())).orElse(false);
  }

  /**
   * Failed: phase Failed, or a container or init container restarted and the pod is not Ready again
   * (a restarted pod that became Ready counts as healthy).
   */
  public static boolean isFailed(Pod pod) {
    if (isTerminating(pod) || pod.getStatus() == null) {
      return false;
    }
    if ("Failed".equals(pod.getStatus().getPhase())) {
      return true;
    }
    return !isReady(pod)
        && allContainerStatuses(pod).stream()
            .anyMatch(s -> s.getRestartCount() != null && s.getRestartCount() > 0);
  }

  /** Some container or init container has restarted (LWS restart policies react to this). */
  public static boolean hasRestarted(Pod pod) {
    return !isTerminating(pod)
        && allContainerStatuses(pod).stream()
            .anyMatch(s -> s.getRestartCount() != null && s.getRestartCount() > 0);
  }

  /**
   * Phase Failed or Succeeded (e.g. evicted, its node shut down or reclaimed) and not being
   * deleted.
   */
  public static boolean isFinished(Pod pod) {
    return !isTerminating(pod)
        && pod.getStatus() != null
        && ("Failed".equals(pod.getStatus().getPhase())
            || "Succeeded".equals(pod.getStatus().getPhase()));
  }

  /**
   * When the pod stopped being healthy, as well as its status tells: the later of its last
   * container termination and its Ready condition turning False (a pod that restarted days ago and
   * now fails its readiness probe failed now, not days ago); creation time otherwise.
   */
  public static Instant failedSince(Pod pod) {
    Instant latest = null;
    for (ContainerStatus s : allContainerStatuses(pod)) {
      String finished = null;
      if (s.getState() != null && s.getState().getTerminated() != null) {
        finished = s.getState().getTerminated().getFinishedAt();
      } else if (s.getLastState() != null && s.getLastState().getTerminated() != null) {
        finished = s.getLastState().getTerminated().getFinishedAt();
      }
      latest = later(latest, parse(finished));
    }
    Instant notReady =
        condition(pod, "Ready")
            .filter(c -> !"True".equals(c.getStatus()))
            .map(c -> parse(c.getLastTransitionTime()))
            .orElse(null);
    latest = later(latest, notReady);
    return latest != null ? latest : createdAt(pod);
  }

  private static Instant later(Instant a, Instant b) {
    return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
  }

  public static Instant createdAt(Pod pod) {
    Instant t = parse(pod.getMetadata().getCreationTimestamp());
    return t == null ? Instant.EPOCH : t;
  }

  /**
   * The {@code controller.kubernetes.io/pod-deletion-cost} annotation; 0 when absent or invalid.
   */
  public static long deletionCost(Pod pod) {
    var annotations = pod.getMetadata().getAnnotations();
    String value = annotations == null ? null : annotations.get(Annotations.POD_DELETION_COST);
    if (value == null) {
      return 0;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /**
   * Why the pod is not scheduled: the scheduler's reason ("0/4 nodes are available: ..."), or the
   * scheduling gates that hold it (PodScheduled=False/SchedulingGated), with a word on Kueue when
   * its admission gate is one of them.
   */
  public static Optional<String> unschedulableMessage(Pod pod) {
    return condition(pod, "PodScheduled")
        .filter(c -> "False".equals(c.getStatus()))
        .flatMap(
            c ->
                switch (String.valueOf(c.getReason())) {
                  case "Unschedulable" -> Optional.ofNullable(c.getMessage());
                  case "SchedulingGated" -> Optional.ofNullable(gatedMessage(pod, c.getMessage()));
                  default -> Optional.empty();
                });
  }

  private static String gatedMessage(Pod pod, String conditionMessage) {
    List<String> gates =
        pod.getSpec() == null || pod.getSpec().getSchedulingGates() == null
            ? List.of()
            : pod.getSpec().getSchedulingGates().stream().map(PodSchedulingGate::getName).toList();
    if (gates.isEmpty()) {
      return conditionMessage;
    }
    String message =
        "held by scheduling gate" + (gates.size() > 1 ? "s " : " ") + String.join(", ", gates);
    if (gates.contains(LwsKeys.Kueue.ADMISSION_GATE)) {
      message +=
          " (Kueue has not admitted the group's Workload yet: its ClusterQueue lacks quota or is stopped)";
    }
    return message;
  }

  static Optional<PodCondition> condition(Pod pod, String type) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()))
        .findFirst();
  }

  private static List<ContainerStatus> allContainerStatuses(Pod pod) {
    List<ContainerStatus> all = new ArrayList<>();
    if (pod.getStatus() != null) {
      if (pod.getStatus().getContainerStatuses() != null) {
        all.addAll(pod.getStatus().getContainerStatuses());
      }
      if (pod.getStatus().getInitContainerStatuses() != null) {
        all.addAll(pod.getStatus().getInitContainerStatuses());
      }
    }
    return all;
  }

  private static Instant parse(String timestamp) {
    if (timestamp == null || timestamp.isEmpty()) {
      return null;
    }
    try {
      return Instant.parse(timestamp);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
