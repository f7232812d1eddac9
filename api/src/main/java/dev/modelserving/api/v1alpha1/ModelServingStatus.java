package dev.modelserving.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaSwap;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.model.annotation.LabelSelector;
import io.fabric8.kubernetes.model.annotation.StatusReplicas;
import java.util.List;
import java.util.Objects;

/** The observed state of a {@link ModelServing}; all counters count serving groups. */
@JsonInclude(JsonInclude.Include.NON_NULL)
// fabric8's Condition has a plain string status; metav1.Condition (and so Kthena) has an enum.
@SchemaSwap(
    originalType = Condition.class,
    fieldName = "status",
    targetType = ModelServingStatus.ConditionStatus.class)
public class ModelServingStatus {

  /** Condition type: enough serving groups are available. */
  public static final String CONDITION_AVAILABLE = "Available";

  /** Condition type: serving groups are being created or deleted. */
  public static final String CONDITION_PROGRESSING = "Progressing";

  /** Condition type: a rolling update is in progress. */
  public static final String CONDITION_UPDATE_IN_PROGRESS = "UpdateInProgress";

  /** The values of a condition's status; only used for the CRD schema. */
  enum ConditionStatus {
    @JsonProperty("True")
    TRUE,
    @JsonProperty("False")
    FALSE,
    @JsonProperty("Unknown")
    UNKNOWN
  }

  /** The metadata.generation this status was computed from. */
  @JsonPropertyDescription(
      "observedGeneration is the most recent generation observed for ModelServing. It"
          + " corresponds to the\n"
          + "ModelServing's generation, which is updated on mutation by the API Server.")
  private Long observedGeneration;

  /** All serving groups that exist, including ones being deleted; the scale subresource's. */
  @StatusReplicas
  @JsonPropertyDescription(
      "Replicas track the total number of ServingGroup that have been created (updated or not,"
          + " ready or not)")
  private Integer replicas;

  /** Serving groups not at the update revision. */
  @JsonPropertyDescription(
      "CurrentReplicas is the number of ServingGroup created by the ModelServing controller from"
          + " the ModelServing version")
  private Integer currentReplicas;

  /** Serving groups at the update revision. */
  @JsonPropertyDescription(
      "UpdatedReplicas track the number of ServingGroup that have been updated (ready or not).")
  private Integer updatedReplicas;

  /** Serving groups whose role replicas are all present and running. */
  @JsonPropertyDescription(
      "AvailableReplicas track the number of ServingGroup that are in ready state (updated or"
          + " not).")
  private Integer availableReplicas;

  /** Revision of the serving groups not yet updated. */
  @JsonPropertyDescription(
      "CurrentRevision, if not empty, indicates the ControllerRevision version preserved by\n"
          + "ServingGroups that have not been updated.")
  private String currentRevision;

  /** Revision of the current spec. */
  @JsonPropertyDescription(
      "UpdateRevision, if not empty, indicates the ControllerRevision version targeted by\n"
          + "the current ModelServing spec.")
  private String updateRevision;

  /** Conditions of types Available, Progressing and UpdateInProgress. */
  @JsonPropertyDescription("Conditions track the condition of the ModelServing.")
  private List<Condition> conditions;

  /** Label selector (as a string) matching one pod per serving group, for the scale subresource. */
  @LabelSelector
  @JsonPropertyDescription(
      "LabelSelector is a label query over pods that should match the replica count.")
  private String labelSelector;

  /**
   * Our addition: with LeaderWorkerSet rollouts, the partition the last rolling-update step reached
   * (upstream keeps it on the leader StatefulSet); groups below it keep their revision.
   */
  @JsonPropertyDescription(
      "RolloutPartition is the partition reached by the current rolling update (LeaderWorkerSet"
          + " semantics): serving groups with a lower ordinal keep their revision. An addition to"
          + " Kthena's API.")
  private Integer rolloutPartition;

  /** Our addition: spec.replicas when the last rolling-update step was taken. */
  @JsonPropertyDescription(
      "RolloutReplicas is spec.replicas when the last rolling-update step was computed. An"
          + " addition to Kthena's API.")
  private Integer rolloutReplicas;

  public Integer getRolloutPartition() {
    return rolloutPartition;
  }

  public void setRolloutPartition(Integer rolloutPartition) {
    this.rolloutPartition = rolloutPartition;
  }

  public Integer getRolloutReplicas() {
    return rolloutReplicas;
  }

  public void setRolloutReplicas(Integer rolloutReplicas) {
    this.rolloutReplicas = rolloutReplicas;
  }

  public Long getObservedGeneration() {
    return observedGeneration;
  }

  public void setObservedGeneration(Long observedGeneration) {
    this.observedGeneration = observedGeneration;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public Integer getCurrentReplicas() {
    return currentReplicas;
  }

  public void setCurrentReplicas(Integer currentReplicas) {
    this.currentReplicas = currentReplicas;
  }

  public Integer getUpdatedReplicas() {
    return updatedReplicas;
  }

  public void setUpdatedReplicas(Integer updatedReplicas) {
    this.updatedReplicas = updatedReplicas;
  }

  public Integer getAvailableReplicas() {
    return availableReplicas;
  }

  public void setAvailableReplicas(Integer availableReplicas) {
    this.availableReplicas = availableReplicas;
  }

  public String getCurrentRevision() {
    return currentRevision;
  }

  public void setCurrentRevision(String currentRevision) {
    this.currentRevision = currentRevision;
  }

  public String getUpdateRevision() {
    return updateRevision;
  }

  public void setUpdateRevision(String updateRevision) {
    this.updateRevision = updateRevision;
  }

  public List<Condition> getConditions() {
    return conditions;
  }

  public void setConditions(List<Condition> conditions) {
    this.conditions = conditions;
  }

  public String getLabelSelector() {
    return labelSelector;
  }

  public void setLabelSelector(String labelSelector) {
    this.labelSelector = labelSelector;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelServingStatus that
        && Objects.equals(observedGeneration, that.observedGeneration)
        && Objects.equals(replicas, that.replicas)
        && Objects.equals(currentReplicas, that.currentReplicas)
        && Objects.equals(updatedReplicas, that.updatedReplicas)
        && Objects.equals(availableReplicas, that.availableReplicas)
        && Objects.equals(currentRevision, that.currentRevision)
        && Objects.equals(updateRevision, that.updateRevision)
        && Objects.equals(conditions, that.conditions)
        && Objects.equals(labelSelector, that.labelSelector)
        && Objects.equals(rolloutPartition, that.rolloutPartition)
        && Objects.equals(rolloutReplicas, that.rolloutReplicas);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        observedGeneration,
        replicas,
        currentReplicas,
        updatedReplicas,
        availableReplicas,
        currentRevision,
        updateRevision,
        conditions,
        labelSelector,
        rolloutPartition,
        rolloutReplicas);
  }

  @Override
  public String toString() {
    return "ModelServingStatus{observedGeneration="
        + observedGeneration
        + ", replicas="
        + replicas
        + ", currentReplicas="
        + currentReplicas
        + ", updatedReplicas="
        + updatedReplicas
        + ", availableReplicas="
        + availableReplicas
        + ", currentRevision="
        + currentRevision
        + ", updateRevision="
        + updateRevision
        + ", conditions="
        + conditions
        + ", labelSelector="
        + labelSelector
        + ", rolloutPartition="
        + rolloutPartition
        + ", rolloutReplicas="
        + rolloutReplicas
        + "}";
  }
}
