package dev.modelserving.controller.plugin;

import dev.modelserving.api.v1alpha1.ModelServing;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * What a plugin hook sees: the pod about to be created and where it sits in its ModelServing.
 * Plugins change {@code pod} in place; everything else is read-only context.
 *
 * @param modelServing the owning ModelServing
 * @param servingGroup the serving group name, {@code <ms>-<groupOrdinal>}
 * @param groupOrdinal the serving group's ordinal (LWS group index)
 * @param roleName the role's name from the spec
 * @param roleId the role replica id, {@code <role>-<roleOrdinal>}
 * @param entry whether the pod is the role replica's entry pod
 * @param workerIndex 0 for the entry pod, 1..workerReplicas for workers
 * @param pod the pod to be created
 */
public record HookRequest(
    ModelServing modelServing,
    String servingGroup,
    int groupOrdinal,
    String roleName,
    String roleId,
    boolean entry,
    int workerIndex,
    Pod pod) {

  /** The pod's name, or {@code <unnamed>} so that error messages never print null. */
  public String podName() {
    return pod == null || pod.getMetadata() == null || pod.getMetadata().getName() == null
        ? "<unnamed>"
        : pod.getMetadata().getName();
  }
}
