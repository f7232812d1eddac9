package dev.modelserving.controller.plan;

import java.time.Instant;

/**
 * A pod of a role replica that went away without the controller deleting it (a user or an
 * eviction deleted it), seen at {@code at}. The recovery policy decides what follows: rebuild the
 * role replica, rebuild the serving group, or only replace that pod.
 */
public record Disruption(int group, String role, int roleOrdinal, String podName, Instant at) {}
