package dev.modelserving.api.lws.v1;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** {@code spec.rolloutStrategy}: how groups are replaced when the template changes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"type", "rollingUpdateConfiguration"})
public class RolloutStrategy {

  /**
   * The strategy; only RollingUpdate exists (schema default, required when rolloutStrategy is
   * present). Upstream Go has no omitempty here; we leave null out so the schema default applies.
   */
  private RolloutStrategyType type;

  /** Partition, maxUnavailable and maxSurge of a RollingUpdate; see the type. */
  private RollingUpdateConfiguration rollingUpdateConfiguration;

  /** JSON fields unknown to this type (e.g. from a newer CRD), kept so that updates keep them. */
  @JsonIgnore private Map<String, Object> additionalProperties = new LinkedHashMap<>();

  public RolloutStrategyType getType() {
    return type;
  }

  public void setType(RolloutStrategyType type) {
    this.type = type;
  }

  public RollingUpdateConfiguration getRollingUpdateConfiguration() {
    return rollingUpdateConfiguration;
  }

  public void setRollingUpdateConfiguration(RollingUpdateConfiguration rollingUpdateConfiguration) {
    this.rollingUpdateConfiguration = rollingUpdateConfiguration;
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
    return o instanceof RolloutStrategy that
        && type == that.type
        && Objects.equals(rollingUpdateConfiguration, that.rollingUpdateConfiguration)
        && additionalProperties.equals(that.additionalProperties);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, rollingUpdateConfiguration, additionalProperties);
  }

  @Override
  public String toString() {
    return "RolloutStrategy{type="
        + type
        + ", rollingUpdateConfiguration="
        + rollingUpdateConfiguration
        + ", additionalProperties="
        + additionalProperties
        + "}";
  }
}
