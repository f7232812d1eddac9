package dev.modelserving.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** Network-topology-aware scheduling of a serving group (Volcano only). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NetworkTopology {

  /** Constraint for all pods of the serving group; becomes the PodGroup's networkTopology. */
  @JsonPropertyDescription(
      "GroupPolicy defines the network topology scheduling requirement of all the instances"
          + " within the `ServingGroup`.")
  private NetworkTopologySpec groupPolicy;

  /** Constraint for the pods of each role replica; becomes each PodGroup sub-group's. */
  @JsonPropertyDescription(
      "RolePolicy defines the fine-grained network topology scheduling requirement for"
          + " instances of a `role`.")
  private NetworkTopologySpec rolePolicy;

  public NetworkTopologySpec getGroupPolicy() {
    return groupPolicy;
  }

  public void setGroupPolicy(NetworkTopologySpec groupPolicy) {
    this.groupPolicy = groupPolicy;
  }

  public NetworkTopologySpec getRolePolicy() {
    return rolePolicy;
  }

  public void setRolePolicy(NetworkTopologySpec rolePolicy) {
    this.rolePolicy = rolePolicy;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NetworkTopology that
        && Objects.equals(groupPolicy, that.groupPolicy)
        && Objects.equals(rolePolicy, that.rolePolicy);
  }

  @Override
  public int hashCode() {
    return Objects.hash(groupPolicy, rolePolicy);
  }

  @Override
  public String toString() {
    return "NetworkTopology{groupPolicy=" + groupPolicy + ", rolePolicy=" + rolePolicy + "}";
  }
}
