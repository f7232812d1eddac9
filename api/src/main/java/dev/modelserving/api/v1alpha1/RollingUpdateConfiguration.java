package dev.modelserving.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.Objects;

/** Settings of a ServingGroupRollingUpdate. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RollingUpdateConfiguration {

  // Shared with Role, which has the same two fields for RoleRollingUpdate.
  static final String MAX_UNAVAILABLE_DESCRIPTION =
      "MaxUnavailable is the maximum number of resources that may be\n"
          + "unavailable during an update. It can be an absolute number (for example,\n"
          + "5) or a percentage (for example, 10%). A percentage is calculated from\n"
          + "ModelServing replicas for ServingGroupRollingUpdate and from the\n"
          + "corresponding Role's replicas for RoleRollingUpdate, then rounded down.\n"
          + "The value must not resolve to 0. Defaults to 1.";
  static final String PARTITION_DESCRIPTION =
      "Partition protects the first N existing replicas in ascending ordinal order\n"
          + "from updates. The remaining replicas are eligible for rolling update.\n"
          + "Value can be an absolute number (ex: 5) or a percentage of total replicas"
          + " (ex: 10%).\n"
          + "Absolute number is calculated from percentage by rounding up.\n"
          + "The default value is 0.";

  /** Serving groups that may be down at once (a percentage of spec.replicas rounds down). */
  @Default("1")
  @JsonPropertyDescription(MAX_UNAVAILABLE_DESCRIPTION)
  private IntOrString maxUnavailable;

  /** Serving groups (lowest ordinals first) kept at the old revision (a percentage rounds up). */
  @JsonPropertyDescription(PARTITION_DESCRIPTION)
  private IntOrString partition;

  /**
   * Our addition to Kthena's API: serving groups created above {@code spec.replicas} during a
   * rolling update, with the new template, so that fewer groups need to be unavailable.
   */
  @JsonPropertyDescription(
      "MaxSurge is the number (or percentage of spec.replicas, rounded up) of extra serving groups"
          + " that may be created during a rolling update. Defaults to 0. An addition to Kthena's API.")
  private IntOrString maxSurge;

  public IntOrString getMaxSurge() {
    return maxSurge;
  }

  public void setMaxSurge(IntOrString maxSurge) {
    this.maxSurge = maxSurge;
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
    return o instanceof RollingUpdateConfiguration that
        && Objects.equals(maxUnavailable, that.maxUnavailable)
        && Objects.equals(partition, that.partition)
        && Objects.equals(maxSurge, that.maxSurge);
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxUnavailable, partition, maxSurge);
  }

  @Override
  public String toString() {
    return "RollingUpdateConfiguration{maxUnavailable="
        + maxUnavailable
        + ", partition="
        + partition
        + ", maxSurge="
        + maxSurge
        + "}";
  }
}
