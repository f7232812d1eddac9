package dev.modelserving.api.lws.v1;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code status} of a {@link LeaderWorkerSet} (status subresource). Counts are in groups; a group
 * counts as ready/updated only when its leader pod and (for size &gt; 1) its worker StatefulSet
 * are.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "conditions",
  "readyReplicas",
  "updatedReplicas",
  "replicas",
  "hpaPodSelector",
  "observedGeneration"
})
public class LeaderWorkerSetStatus {

  /**
   * Available / Progressing / UpdateInProgress (see {@link LwsKeys.Conditions}); a list map keyed
   * by type. Conditions are never removed, only flipped to False.
   */
  private List<Condition> conditions;

  /** Groups whose leader pod is Ready and whose worker StatefulSet is ready (int32). */
  private Integer readyReplicas;

  /** Groups whose leader pod and worker StatefulSet carry the current revision (int32). */
  private Integer updatedReplicas;

  /** Number of leader pods, copied from the leader StatefulSet's status.replicas (int32). */
  private Integer replicas;

  /**
   * Label selector (string form) of the leader pods, used by the scale subresource and HPA: {@code
   * leaderworkerset.sigs.k8s.io/name=<lws>,leaderworkerset.sigs.k8s.io/worker-index=0}.
   */
  private String hpaPodSelector;

  /** metadata.generation of the spec this status was computed from (int64). */
  private Long observedGeneration;

  /** JSON fields unknown to this type (e.g. from a newer CRD), kept so that updates keep them. */
  @JsonIgnore private Map<String, Object> additionalProperties = new LinkedHashMap<>();

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public Integer getReadyReplicas() {
    return readyReplicas;
  }

  public void setReadyReplicas(Integer readyReplicas) {
    this.readyReplicas = readyReplicas;
  }

  public Integer getUpdatedReplicas() {
    return updatedReplicas;
  }

  public void setUpdatedReplicas(Integer updatedReplicas) {
    this.updatedReplicas = updatedReplicas;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public String getHpaPodSelector() {
    return hpaPodSelector;
  }

  public void setHpaPodSelector(String hpaPodSelector) {
    this.hpaPodSelector = hpaPodSelector;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
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
    return o instanceof LeaderWorkerSetStatus that
        && Objects.equals(conditions, that.conditions)
        && Objects.equals(readyReplicas, that.readyReplicas)
        && Objects.equals(updatedReplicas, that.updatedReplicas)
        && Objects.equals(replicas, that.replicas)
        && Objects.equals(hpaPodSelector, that.hpaPodSelector)
        && Objects.equals(observedGeneration, that.observedGeneration)
        && additionalProperties.equals(that.additionalProperties);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        conditions,
        readyReplicas,
        updatedReplicas,
        replicas,
        hpaPodSelector,
        observedGeneration,
        additionalProperties);
  }

  @Override
  public String toString() {
    return "LeaderWorkerSetStatus{conditions="
        + conditions
        + ", readyReplicas="
        + readyReplicas
        + ", updatedReplicas="
        + updatedReplicas
        + ", replicas="
        + replicas
        + ", hpaPodSelector="
        + hpaPodSelector
        + ", observedGeneration="
        + observedGeneration
        + ", additionalProperties="
        + additionalProperties
        + "}";
  }
}
