package dev.modelserving.api.lws.v1;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Which headless Service(s) give the pods their DNS names ({@code
 * spec.networkConfig.subdomainPolicy}). No schema default; the upstream webhook defaults it to
 * {@link #SHARED}.
 */
public enum SubdomainPolicy {
  /** One headless Service named after the LWS for all groups. */
  @JsonProperty("Shared")
  SHARED("Shared"),

  /** One headless Service per group, named after the leader pod. */
  @JsonProperty("UniquePerReplica")
  UNIQUE_PER_REPLICA("UniquePerReplica");

  private final String value;

  SubdomainPolicy(String value) {
    this.value = value;
  }

  /** The exact string used on the wire (in the CRD enum). */
  public String value() {
    return value;
  }

  /** Returns the constant with wire value {@code value}; throws for unknown values. */
  public static SubdomainPolicy fromValue(String value) {
    for (SubdomainPolicy v : values()) {
      if (v.value.equals(value)) {
        return v;
      }
    }
    throw new IllegalArgumentException("unknown SubdomainPolicy: " + value);
  }

  @Override
  public String toString() {
    return value;
  }
}
