package dev.modelserving.api.lws.v1;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code spec.leaderWorkerTemplate.subGroupPolicy}: splits every group into sub-groups of {@code
 * subGroupSize} pods (e.g. one per TPU slice), each with its own labels and optional exclusive
 * placement. Can be neither added nor removed after creation; the size is immutable.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"subGroupPolicyType", "subGroupSize"})
public class SubGroupPolicy {

  /** LeaderWorker (default in the schema) or LeaderExcluded. Go field {@code Type}. */
  private SubGroupPolicyType subGroupPolicyType;

  /**
   * Pods per sub-group (int32); must be at least 1 and at most the group size, and divide size or
   * size-1 (size-1 for LeaderExcluded). Webhook-enforced, not in the schema.
   */
  private Integer subGroupSize;

  /** JSON fields unknown to this type (e.g. from a newer CRD), kept so that updates keep them. */
  @JsonIgnore private Map<String, Object> additionalProperties = new LinkedHashMap<>();

  public SubGroupPolicyType getSubGroupPolicyType() {
    return subGroupPolicyType;
  }

  public void setSubGroupPolicyType(SubGroupPolicyType subGroupPolicyType) {
    this.subGroupPolicyType = subGroupPolicyType;
  }

  public Integer getSubGroupSize() {
    return subGroupSize;
  }

  public void setSubGroupSize(Integer subGroupSize) {
    this.subGroupSize = subGroupSize;
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
    return o instanceof SubGroupPolicy that
        && subGroupPolicyType == that.subGroupPolicyType
        && Objects.equals(subGroupSize, that.subGroupSize)
        && additionalProperties.equals(that.additionalProperties);
  }

  @Override
  public int hashCode() {
    return Objects.hash(subGroupPolicyType, subGroupSize, additionalProperties);
  }

  @Override
  public String toString() {
    return "SubGroupPolicy{subGroupPolicyType="
        + subGroupPolicyType
        + ", subGroupSize="
        + subGroupSize
        + ", additionalProperties="
        + additionalProperties
        + "}";
  }
}
