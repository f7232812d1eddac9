package dev.modelserving.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.Objects;

/**
 * One role of a serving group: {@code replicas} role replicas, each made of one entry pod and
 * {@code workerReplicas} worker pods.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Role {

  /** Role name, unique within the serving group; it appears in pod and Service names. */
  @Required
  @Size(max = 12)
  @Pattern("^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$")
  @JsonPropertyDescription("The name of a role. Name must be unique within an ServingGroup")
  private String name;

  /** Role replicas per serving group. */
  @Default("1")
  @JsonPropertyDescription(
      "The number of a certain role.\n"
          + "For example, setting the replica count for both the P and D roles to 1 results in"
          + " a 1P1D deployment.\n"
          + "Default to 1.")
  private Integer replicas;

  /** Template of the entry (leader) pod of each role replica. */
  @Required
  @JsonPropertyDescription(
      "EntryTemplate defines the template for the entry pod of a role.\n"
          + "Required: Currently, a role must have only one entry-pod.")
  private PodTemplate entryTemplate;

  /** Worker pods per role replica (the group size is workerReplicas + 1). */
  @Required
  @JsonPropertyDescription(
      "WorkerReplicas defines the number for the worker pod of a role.\n"
          + "Required: Need to set the number of worker-pod replicas.")
  private Integer workerReplicas;

  /** Template of the worker pods; needed when workerReplicas > 0. */
  @JsonPropertyDescription("WorkerTemplate defines the template for the worker pod of a role.")
  private PodTemplate workerTemplate;

  /** Role replicas that may be down at once during a RoleRollingUpdate. */
  @Default("1")
  @JsonPropertyDescription(RollingUpdateConfiguration.MAX_UNAVAILABLE_DESCRIPTION)
  private IntOrString maxUnavailable;

  /** Role replicas (lowest ordinals first) kept at the old revision during a RoleRollingUpdate. */
  @JsonPropertyDescription(RollingUpdateConfiguration.PARTITION_DESCRIPTION)
  private IntOrString partition;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public PodTemplate getEntryTemplate() {
    return entryTemplate;
  }

  public void setEntryTemplate(PodTemplate entryTemplate) {
    this.entryTemplate = entryTemplate;
  }

  public Integer getWorkerReplicas() {
    return workerReplicas;
  }

  public void setWorkerReplicas(Integer workerReplicas) {
    this.workerReplicas = workerReplicas;
  }

  public PodTemplate getWorkerTemplate() {
    return workerTemplate;
  }

  public void setWorkerTemplate(PodTemplate workerTemplate) {
    this.workerTemplate = workerTemplate;
  }

  public IntOrString getMaxUnavailable() {
    return maxUnavailable;
  }

  public void setMaxUnavailable(IntOrString maxUnavailable) {
    this.maxUnavailable = maxUnavailable;
  }

  public IntOrString getPartition() {
    return partition;
  }

  public void setPartition(IntOrString partition) {
    this.partition = partition;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Role that
        && Objects.equals(name, that.name)
        && Objects.equals(replicas, that.replicas)
        && Objects.equals(entryTemplate, that.entryTemplate)
        && Objects.equals(workerReplicas, that.workerReplicas)
        && Objects.equals(workerTemplate, that.workerTemplate)
        && Objects.equals(maxUnavailable, that.maxUnavailable)
        && Objects.equals(partition, that.partition);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        name, replicas, entryTemplate, workerReplicas, workerTemplate, maxUnavailable, partition);
  }

  @Override
  public String toString() {
    return "Role{name="
        + name
        + ", replicas="
        + replicas
        + ", entryTemplate="
        + entryTemplate
        + ", workerReplicas="
        + workerReplicas
        + ", workerTemplate="
        + workerTemplate
        + ", maxUnavailable="
        + maxUnavailable
        + ", partition="
        + partition
        + "}";
  }
}
