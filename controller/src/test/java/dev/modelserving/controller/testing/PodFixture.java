package dev.modelserving.controller.testing;

import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Annotations;
import dev.modelserving.api.v1alpha1.Role;
import dev.modelserving.controller.podgen.Revisions;
import dev.modelserving.controller.podgen.ServingGroupPods;
import dev.modelserving.controller.podgen.ServingGroupPods.Position;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;

/**
 * Turns pods the controller would create into pods as the API server reports them: with a
 * creationTimestamp, a uid and a status. Every method returns a new copy; the input is not changed.
 *
 * <pre>{@code
 * Pod p = PodFixture.of(pod).createdAt(t0).runningReady().deletionCost(5).build();
 * List<Pod> live = PodFixture.allRunningReady(plan.podsToCreate(), t0);
 * }</pre>
 */
public final class PodFixture {
  /** One serialization for all tests: creating one is slow (it scans the model classes). */
  public static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /** Creation time given to pods when a test does not care. */
  public static final Instant DEFAULT_CREATED = Instant.parse("2025-01-01T00:00:00Z");

  private final Pod pod;

  private PodFixture(Pod pod) {
    this.pod = SERIALIZATION.clone(pod);
    if (this.pod.getMetadata().getUid() == null) {
      this.pod
          .getMetadata()
          .setUid(UUID.nameUUIDFromBytes(pod.getMetadata().getName().getBytes()).toString());
    }
    if (this.pod.getMetadata().getCreationTimestamp() == null) {
      this.pod.getMetadata().setCreationTimestamp(DEFAULT_CREATED.toString());
    }
  }

  /** A copy of {@code pod} to give a status to; created at {@link #DEFAULT_CREATED} unless set. */
  public static PodFixture of(Pod pod) {
    return new PodFixture(pod);
  }

  // ---- pods as the controller builds them ----

  /** The pod at a position, built exactly as the planner builds it from the current spec. */
  public static Pod pod(ModelServing ms, int group, String role, int roleOrdinal, int worker) {
    Role r = role(ms, role);
    return ServingGroupPods.buildPod(
        ms,
        r,
        new Position(group, role, roleOrdinal, worker),
        Revisions.ofRoles(ms.getSpec().getTemplate().getRoles()),
        Revisions.ofRole(r));
  }

  /**
   * Every pod of serving group {@code group} per the current spec, entry first per role replica.
   */
  public static List<Pod> groupPods(ModelServing ms, int group) {
    List<Pod> pods = new ArrayList<>();
    for (Role r : ms.getSpec().getTemplate().getRoles()) {
      int replicas = r.getReplicas() == null ? 1 : r.getReplicas();
      for (int o = 0; o < replicas; o++) {
        for (int w = 0; w < ServingGroupPods.groupSize(r); w++) {
          pods.add(pod(ms, group, r.getName(), o, w));
        }
      }
    }
    return pods;
  }

  /** Every headless Service of serving group {@code group} per the current spec. */
  public static List<Service> groupServices(ModelServing ms, int group) {
    List<Service> services = new ArrayList<>();
    for (Role r : ms.getSpec().getTemplate().getRoles()) {
      if (r.getWorkerTemplate() == null) {
        continue;
      }
      int replicas = r.getReplicas() == null ? 1 : r.getReplicas();
      for (int o = 0; o < replicas; o++) {
        services.add(ServingGroupPods.buildHeadlessService(ms, group, r.getName(), o));
      }
    }
    return services;
  }

  /** Copies of {@code pods}, all created at {@code created}, Running and Ready. */
  public static List<Pod> allRunningReady(Collection<Pod> pods, Instant created) {
    return pods.stream().map(p -> of(p).createdAt(created).runningReady().build()).toList();
  }

  public static List<Pod> allRunningReady(Collection<Pod> pods) {
    return allRunningReady(pods, DEFAULT_CREATED);
  }

  public static Role role(ModelServing ms, String name) {
    return ms.getSpec().getTemplate().getRoles().stream()
        .filter(r -> r.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no role " + name));
  }

  // ---- status ----

  public PodFixture createdAt(Instant t) {
    pod.getMetadata().setCreationTimestamp(t.toString());
    return this;
  }

  /** Phase Running, every container running, condition Ready=True. */
  public PodFixture runningReady() {
    PodStatus status = new PodStatus();
    status.setPhase("Running");
    status.setConditions(
        new ArrayList<>(
            List.of(
                condition("PodScheduled", "True", null, null),
                condition("Ready", "True", null, null))));
    status.setContainerStatuses(containerStatuses(true));
    pod.setStatus(status);
    return this;
  }

  /**
   * Phase Running, containers running but condition Ready=False (e.g. a failing readiness probe).
   */
  public PodFixture runningNotReady() {
    PodStatus status = new PodStatus();
    status.setPhase("Running");
    status.setConditions(
        new ArrayList<>(
            List.of(
                condition("PodScheduled", "True", null, null),
                condition("Ready", "False", null, null))));
    status.setContainerStatuses(containerStatuses(false));
    pod.setStatus(status);
    return this;
  }

  /** Phase Pending, scheduled but not started. */
  public PodFixture pending() {
    PodStatus status = new PodStatus();
    status.setPhase("Pending");
    status.setConditions(new ArrayList<>(List.of(condition("PodScheduled", "True", null, null))));
    pod.setStatus(status);
    return this;
  }

  /** Phase Pending with PodScheduled=False/Unschedulable and the scheduler's {@code message}. */
  public PodFixture unschedulable(String message) {
    PodStatus status = new PodStatus();
    status.setPhase("Pending");
    status.setConditions(
        new ArrayList<>(List.of(condition("PodScheduled", "False", "Unschedulable", message))));
    pod.setStatus(status);
    return this;
  }

  /**
   * Phase Pending with the given scheduling gates, and PodScheduled=False/SchedulingGated as the
   * API server sets it for a gated pod.
   */
  public PodFixture gated(String... gates) {
    pod.getSpec()
        .setSchedulingGates(
            new ArrayList<>(
                java.util.Arrays.stream(gates)
                    .map(g -> new io.fabric8.kubernetes.api.model.PodSchedulingGate(g))
                    .toList()));
    PodStatus status = new PodStatus();
    status.setPhase("Pending");
    status.setConditions(
        new ArrayList<>(
            List.of(
                condition(
                    "PodScheduled",
                    "False",
                    "SchedulingGated",
                    "Scheduling is blocked due to non-empty scheduling gates"))));
    pod.setStatus(status);
    return this;
  }

  /** Phase Failed; every container terminated with exit code 1 at {@code finishedAt}. */
  public PodFixture failed(Instant finishedAt) {
    PodStatus status = new PodStatus();
    status.setPhase("Failed");
    status.setConditions(new ArrayList<>(List.of(condition("Ready", "False", "PodFailed", null))));
    List<ContainerStatus> containers = new ArrayList<>();
    for (var c : pod.getSpec().getContainers()) {
      containers.add(
          new ContainerStatusBuilder()
              .withName(c.getName())
              .withReady(false)
              .withRestartCount(0)
              .withState(
                  new ContainerStateBuilder()
                      .withNewTerminated()
                      .withExitCode(1)
                      .withFinishedAt(finishedAt.toString())
                      .endTerminated()
                      .build())
              .build());
    }
    status.setContainerStatuses(containers);
    pod.setStatus(status);
    return this;
  }

  /**
   * Phase Running, not Ready: the first container restarted {@code restarts} times, last terminated
   * at {@code lastFinishedAt}, and is waiting in CrashLoopBackOff.
   */
  public PodFixture crashLooping(int restarts, Instant lastFinishedAt) {
    PodStatus status = new PodStatus();
    status.setPhase("Running");
    status.setConditions(
        new ArrayList<>(
            List.of(
                condition("PodScheduled", "True", null, null),
                condition("Ready", "False", "ContainersNotReady", null))));
    List<ContainerStatus> containers = containerStatuses(false);
    ContainerStatus first = containers.get(0);
    first.setRestartCount(restarts);
    first.setState(
        new ContainerStateBuilder()
            .withNewWaiting()
            .withReason("CrashLoopBackOff")
            .endWaiting()
            .build());
    first.setLastState(
        new ContainerStateBuilder()
            .withNewTerminated()
            .withExitCode(137)
            .withFinishedAt(lastFinishedAt.toString())
            .endTerminated()
            .build());
    status.setContainerStatuses(containers);
    pod.setStatus(status);
    return this;
  }

  /** Running and Ready again after {@code restarts} container restarts (healthy). */
  public PodFixture restartedButReady(int restarts) {
    runningReady();
    pod.getStatus().getContainerStatuses().get(0).setRestartCount(restarts);
    return this;
  }

  /** Being deleted: deletionTimestamp set (status is kept). */
  public PodFixture terminating(Instant at) {
    pod.getMetadata().setDeletionTimestamp(at.toString());
    pod.getMetadata().setDeletionGracePeriodSeconds(30L);
    return this;
  }

  public PodFixture terminating() {
    return terminating(DEFAULT_CREATED.plusSeconds(3600));
  }

  /** The {@code controller.kubernetes.io/pod-deletion-cost} annotation. */
  public PodFixture deletionCost(long cost) {
    return annotation(Annotations.POD_DELETION_COST, Long.toString(cost));
  }

  public PodFixture annotation(String key, String value) {
    if (pod.getMetadata().getAnnotations() == null) {
      pod.getMetadata().setAnnotations(new LinkedHashMap<>());
    }
    pod.getMetadata().getAnnotations().put(key, value);
    return this;
  }

  /** Scheduled to {@code node} (null: not scheduled). */
  public PodFixture nodeName(String node) {
    pod.getSpec().setNodeName(node);
    return this;
  }

  public PodFixture label(String key, String value) {
    pod.getMetadata().getLabels().put(key, value);
    return this;
  }

  public Pod build() {
    return SERIALIZATION.clone(pod);
  }

  private List<ContainerStatus> containerStatuses(boolean ready) {
    List<ContainerStatus> statuses = new ArrayList<>();
    for (var c : pod.getSpec().getContainers()) {
      statuses.add(
          new ContainerStatusBuilder()
              .withName(c.getName())
              .withReady(ready)
              .withStarted(true)
              .withRestartCount(0)
              .withState(
                  new ContainerStateBuilder()
                      .withNewRunning()
                      .withStartedAt(pod.getMetadata().getCreationTimestamp())
                      .endRunning()
                      .build())
              .build());
    }
    return statuses;
  }

  private static PodCondition condition(String type, String status, String reason, String message) {
    return new PodConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .build();
  }
}
