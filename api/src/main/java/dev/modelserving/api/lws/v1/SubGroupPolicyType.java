package dev.modelserving.api.lws.v1;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Whether the leader takes part in sub-groups ({@code
 * spec.leaderWorkerTemplate.subGroupPolicy.subGroupPolicyType}). Schema default {@link
 * #LEADER_WORKER}.
 */
public enum SubGroupPolicyType {
  /** The leader belongs to sub-group 0 together with workers. */
  @JsonProperty("LeaderWorker")
  LEADER_WORKER("LeaderWorker"),

  /** The leader belongs to no sub-group; only workers are split into sub-groups. */
  @JsonProperty("LeaderExcluded")
  LEADER_EXCLUDED("LeaderExcluded");

  private final String value;

  SubGroupPolicyType(String value) {
    this.value = value;
  }

  /** The exact string used on the wire (in the CRD enum). */
  public String value() {
    return value;
  }

  /** Returns the constant with wire value {@code value}; throws for unknown values. */
  public static SubGroupPolicyType fromValue(String value) {
    for (SubGroupPolicyType v : values()) {
      if (v.value.equals(value)) {
        return v;
      }
    }
    throw new IllegalArgumentException("unknown SubGroupPolicyType: " + value);
  }

  @Override
  public String toString() {
    return value;
  }
}
