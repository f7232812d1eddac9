package dev.modelserving.api.lws.v1;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSetPersistentVolumeClaimRetentionPolicy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code spec.leaderWorkerTemplate}: what one group looks like. Everything in here (plus {@code
 * spec.networkConfig}) is captured in a ControllerRevision, so changing any of it triggers a
 * rolling update.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "leaderTemplate",
  "workerTemplate",
  "size",
  "restartPolicy",
  "subGroupPolicy",
  "volumeClaimTemplates",
  "persistentVolumeClaimRetentionPolicy"
})
public class LeaderWorkerTemplate {

  /** Pod template of the leader (worker index 0); when absent the worker template is used. */
  private PodTemplateSpec leaderTemplate;

  /** Pod template of the workers (worker index 1..size-1). Required. */
  private PodTemplateSpec workerTemplate;

  /**
   * Pods per group including the leader (int32, schema default 1; webhook requires at least 1).
   * With size 1 no worker StatefulSet is created.
   */
  private Integer size;

  /** Group restart behaviour; schema default RecreateGroupOnPodRestart. */
  private RestartPolicyType restartPolicy;

  /** Optional split of every group into sub-groups; see the type. */
  private SubGroupPolicy subGroupPolicy;

  /**
   * PVC templates added to both the leader and the worker StatefulSets (one PVC per pod). Only
   * metadata.name, accessModes, storageClassName, volumeMode and resources are propagated.
   */
  private List<PersistentVolumeClaim> volumeClaimTemplates;

  /** whenDeleted/whenScaled retention of those PVCs, copied onto both StatefulSets. */
  private StatefulSetPersistentVolumeClaimRetentionPolicy persistentVolumeClaimRetentionPolicy;

  /** JSON fields unknown to this type (e.g. from a newer CRD), kept so that updates keep them. */
  @JsonIgnore private Map<String, Object> additionalProperties = new LinkedHashMap<>();

  public PodTemplateSpec getLeaderTemplate() {
    return leaderTemplate;
  }

  public void setLeaderTemplate(PodTemplateSpec leaderTemplate) {
    this.leaderTemplate = leaderTemplate;
  }

  public PodTemplateSpec getWorkerTemplate() {
    return workerTemplate;
  }

  public void setWorkerTemplate(PodTemplateSpec workerTemplate) {
    this.workerTemplate = workerTemplate;
  }

  public Integer getSize() {
    return size;
  }

  public void setSize(Integer size) {
    this.size = size;
  }

  public RestartPolicyType getRestartPolicy() {
    return restartPolicy;
  }

  public void setRestartPolicy(RestartPolicyType restartPolicy) {
    this.restartPolicy = restartPolicy;
  }

  public SubGroupPolicy getSubGroupPolicy() {
    return subGroupPolicy;
  }

  public void setSubGroupPolicy(SubGroupPolicy subGroupPolicy) {
    this.subGroupPolicy = subGroupPolicy;
  }

  public List<PersistentVolumeClaim> getVolumeClaimTemplates() {
    return volumeClaimTemplates;
  }

  public void setVolumeClaimTemplates(List<PersistentVolumeClaim> volumeClaimTemplates) {
    this.volumeClaimTemplates = volumeClaimTemplates;
  }

  public StatefulSetPersistentVolumeClaimRetentionPolicy getPersistentVolumeClaimRetentionPolicy() {
    return persistentVolumeClaimRetentionPolicy;
  }

  public void setPersistentVolumeClaimRetentionPolicy(
      StatefulSetPersistentVolumeClaimRetentionPolicy persistentVolumeClaimRetentionPolicy) {
    this.persistentVolumeClaimRetentionPolicy = persistentVolumeClaimRetentionPolicy;
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
    return o instanceof LeaderWorkerTemplate that
        && Objects.equals(leaderTemplate, that.leaderTemplate)
        && Objects.equals(workerTemplate, that.workerTemplate)
        && Objects.equals(size, that.size)
        && restartPolicy == that.restartPolicy
        && Objects.equals(subGroupPolicy, that.subGroupPolicy)
        && Objects.equals(volumeClaimTemplates, that.volumeClaimTemplates)
        && Objects.equals(
            persistentVolumeClaimRetentionPolicy, that.persistentVolumeClaimRetentionPolicy)
        && additionalProperties.equals(that.additionalProperties);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        leaderTemplate,
        workerTemplate,
        size,
        restartPolicy,
        subGroupPolicy,
        volumeClaimTemplates,
        persistentVolumeClaimRetentionPolicy,
        additionalProperties);
  }

  @Override
  public String toString() {
    return "LeaderWorkerTemplate{leaderTemplate="
        + leaderTemplate
        + ", workerTemplate="
        + workerTemplate
        + ", size="
        + size
        + ", restartPolicy="
        + restartPolicy
        + ", subGroupPolicy="
        + subGroupPolicy
        + ", volumeClaimTemplates="
        + volumeClaimTemplates
        + ", persistentVolumeClaimRetentionPolicy="
        + persistentVolumeClaimRetentionPolicy
        + ", additionalProperties="
        + additionalProperties
        + "}";
  }
}
