package dev.modelserving.api.lws.v1;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * When the worker StatefulSet of a group is created ({@code spec.startupPolicy}). Schema default
 * {@link #LEADER_CREATED}.
 */
public enum StartupPolicyType {
  /** Create the workers as soon as the leader pod object exists. */
  @JsonProperty("LeaderCreated")
  LEADER_CREATED("LeaderCreated"),

  /** Create the workers only once the leader pod is Ready. */
  @JsonProperty("LeaderReady")
  LEADER_READY("LeaderReady");

  private final String value;

  StartupPolicyType(String value) {
    this.value = value;
  }

  /** The exact string used on the wire (in the CRD enum). */
  public String value() {
    return value;
  }

  /** Returns the constant with wire value {@code value}; throws for unknown values. */
  public static StartupPolicyType fromValue(String value) {
    for (StartupPolicyType v : values()) {
      if (v.value.equals(value)) {
        return v;
      }
    }
    throw new IllegalArgumentException("unknown StartupPolicyType: " + value);
  }

  @Override
  public String toString() {
    return value;
  }
}
