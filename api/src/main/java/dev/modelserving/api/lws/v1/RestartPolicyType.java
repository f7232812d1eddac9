package dev.modelserving.api.lws.v1;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What happens to a group when one of its pods restarts ({@code
 * spec.leaderWorkerTemplate.restartPolicy}). Schema default {@link #RECREATE_GROUP_ON_POD_RESTART}.
 */
public enum RestartPolicyType {
  /** Deprecated alias of {@link #NONE}; the upstream webhook rewrites it to {@code None}. */
  @JsonProperty("Default")
  DEFAULT("Default"),

  /**
   * Any container restart or pod deletion in the group recreates the whole group (the leader pod is
   * deleted with foreground propagation).
   */
  @JsonProperty("RecreateGroupOnPodRestart")
  RECREATE_GROUP_ON_POD_RESTART("RecreateGroupOnPodRestart"),

  /**
   * Like {@link #RECREATE_GROUP_ON_POD_RESTART}, but only once all pods of the group exist and none
   * is Pending.
   */
  @JsonProperty("RecreateGroupAfterStart")
  RECREATE_GROUP_AFTER_START("RecreateGroupAfterStart"),

  /** Plain StatefulSet behaviour: only the failed pod is restarted. */
  @JsonProperty("None")
  NONE("None");

  private final String value;

  RestartPolicyType(String value) {
    this.value = value;
  }

  /** The exact string used on the wire (in the CRD enum). */
  public String value() {
    return value;
  }

  /** Returns the constant with wire value {@code value}; throws for unknown values. */
  public static RestartPolicyType fromValue(String value) {
    for (RestartPolicyType v : values()) {
      if (v.value.equals(value)) {
        return v;
      }
    }
    throw new IllegalArgumentException("unknown RestartPolicyType: " + value);
  }

  @Override
  public String toString() {
    return value;
  }
}
