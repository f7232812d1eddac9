package dev.modelserving.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.Map;
import java.util.Objects;

/** Gang-scheduling settings of a serving group. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GangPolicy {

  /**
   * Minimum role replicas per role name that must be schedulable together before any pod of the
   * serving group runs. Absent means every role is fully gang-required. Immutable.
   */
  @ValidationRule(value = "self == oldSelf", message = "minRoleReplicas is immutable")
  @JsonPropertyDescription(
      "MinRoleReplicas defines the minimum number of replicas required for each role\n"
          + "in gang scheduling, pods in each role are strictly gang required.\n"
          + "If this field is not set, all roles in the ServingGroup are considered gang"
          + " required by default.")
  private Map<String, Integer> minRoleReplicas;

  public Map<String, Integer> getMinRoleReplicas() {
    return minRoleReplicas;
  }

  public void setMinRoleReplicas(Map<String, Integer> minRoleReplicas) {
    this.minRoleReplicas = minRoleReplicas;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GangPolicy that && Objects.equals(minRoleReplicas, that.minRoleReplicas);
  }

  @Override
  public int hashCode() {
    return Objects.hashCode(minRoleReplicas);
  }

  @Override
  public String toString() {
    return "GangPolicy{minRoleReplicas=" + minRoleReplicas + "}";
  }
}
