package dev.modelserving.api.lws.v1;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How groups are replaced when the template changes ({@code spec.rolloutStrategy.type}). Schema
 * default {@link #ROLLING_UPDATE}, currently the only value.
 */
public enum RolloutStrategyType {
  /** Replace groups from the highest index down, bounded by maxUnavailable/maxSurge. */
  @JsonProperty("RollingUpdate")
  ROLLING_UPDATE("RollingUpdate");

  private final String value;

  RolloutStrategyType(String value) {
    this.value = value;
  }

  /** The exact string used on the wire (in the CRD enum). */
  public String value() {
    return value;
  }

  /** Returns the constant with wire value {@code value}; throws for unknown values. */
  public static RolloutStrategyType fromValue(String value) {
    for (RolloutStrategyType v : values()) {
      if (v.value.equals(value)) {
        return v;
      }
    }
    throw new IllegalArgumentException("unknown RolloutStrategyType: " + value);
  }

  @Override
  public String toString() {
    return value;
  }
}
