package dev.modelserving.controller.plan;

import java.time.Instant;
import java.util.Set;

/**
 * A pod of a role replica that went away without the controller deleting it (a user or an eviction
 * deleted it), seen at {@code at}. The recovery policy decides what follows: rebuild the role
 * replica, rebuild the serving group, or only replace that pod.
 *
 * @param createdSince UIDs of the pods this controller created since the loss: creationTimestamp
 *     has whole seconds, so only these tell a refill made in the second of the loss from a pod that
 *     was there before it
 */
public record Disruption(
    int group, String role, int roleOrdinal, String podName, Instant at, Set<String> createdSince) {
  public Disruption {
    createdSince = Set.copyOf(createdSince);
  }

  public Disruption(int group, String role, int roleOrdinal, String podName, Instant at) {
    this(group, role, roleOrdinal, podName, at, Set.of());
  }

  /** The same loss, knowing which pods were created since. */
  public Disruption withCreatedSince(Set<String> uids) {
    return new Disruption(group, role, roleOrdinal, podName, at, uids);
  }
}
