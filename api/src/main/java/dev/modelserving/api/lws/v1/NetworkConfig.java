package dev.modelserving.api.lws.v1;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** {@code spec.networkConfig}: how the pods of the set are addressed over DNS. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"subdomainPolicy"})
public class NetworkConfig {

  /**
   * Shared (one headless Service) or UniquePerReplica (one per group). Required in the schema when
   * networkConfig is present; the upstream webhook defaults it (and a missing networkConfig) to
   * Shared.
   */
  private SubdomainPolicy subdomainPolicy;

  /** JSON fields unknown to this type (e.g. from a newer CRD), kept so that updates keep them. */
  @JsonIgnore private Map<String, Object> additionalProperties = new LinkedHashMap<>();

  public NetworkConfig() {}

  public NetworkConfig(SubdomainPolicy subdomainPolicy) {
    this.subdomainPolicy = subdomainPolicy;
  }

  public SubdomainPolicy getSubdomainPolicy() {
    return subdomainPolicy;
  }

  public void setSubdomainPolicy(SubdomainPolicy subdomainPolicy) {
    this.subdomainPolicy = subdomainPolicy;
  }

  @JsonAnyGetter
  public Map<String, Object> getAdditionalProperties() {
    return additionalProperties;
  }

  @JsonAnySetter
  public void setAdditionalProperty(String name, Object value) {
    additionalProperties.put(name, value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NetworkConfig that
        && subdomainPolicy == that.subdomainPolicy
        && additionalProperties.equals(that.additionalProperties);
  }

  @Override
  public int hashCode() {
    return Objects.hash(subdomainPolicy, additionalProperties);
  }

  @Override
  public String toString() {
    return "NetworkConfig{subdomainPolicy="
        + subdomainPolicy
        + ", additionalProperties="
        + additionalProperties
        + "}";
  }
}
