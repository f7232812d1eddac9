package dev.modelserving.api.lws.v1;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code spec.rolloutStrategy.rollingUpdateConfiguration}: the pace of a rolling update, counted in
 * groups. The schema defaults below apply only when this object is present; when it is absent the
 * upstream webhook sets {@code {partition: 0, maxUnavailable: 1, maxSurge: 0}}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"partition", "maxUnavailable", "maxSurge"})
public class RollingUpdateConfiguration {

  /**
   * Groups with an index at or above this ordinal are updated, the others keep the old template
   * (int32, schema default 0, must be at least 0; may exceed replicas).
   */
  private Integer partition;

  /**
   * Groups that may be unavailable during the update: a count or a percentage of spec.replicas
   * rounded down (schema default 1). Must not evaluate to 0 together with maxSurge unless replicas
   * is 0.
   */
  private IntOrString maxUnavailable;

  /**
   * Extra groups that may be created above spec.replicas during the update: a count or a percentage
   * of spec.replicas rounded up, capped at replicas (schema default 0).
   */
  private IntOrString maxSurge;

  /** JSON fields unknown to this type (e.g. from a newer CRD), kept so that updates keep them. */
  @JsonIgnore private Map<String, Object> additionalProperties = new LinkedHashMap<>();

  public Integer getPartition() {
    return partition;
  }

  public void setPartition(Integer partition) {
    this.partition = partition;
  }

  public IntOrString getMaxUnavailable() {
    return maxUnavailable;
  }

  public void setMaxUnavailable(IntOrString maxUnavailable) {
    this.maxUnavailable = maxUnavailable;
  }

  public IntOrString getMaxSurge() {
    return maxSurge;
  }

  public void setMaxSurge(IntOrString maxSurge) {
    this.maxSurge = maxSurge;
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
    return o instanceof RollingUpdateConfiguration that
        && Objects.equals(partition, that.partition)
        && Objects.equals(maxUnavailable, that.maxUnavailable)
        && Objects.equals(maxSurge, that.maxSurge)
        && additionalProperties.equals(that.additionalProperties);
  }

  @Override
  public int hashCode() {
    return Objects.hash(partition, maxUnavailable, maxSurge, additionalProperties);
  }

  @Override
  public String toString() {
    return "RollingUpdateConfiguration{partition="
        + partition
        + ", maxUnavailable="
        + maxUnavailable
        + ", maxSurge="
        + maxSurge
        + ", additionalProperties="
        + additionalProperties
        + "}";
  }
}
