package dev.modelserving.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Objects;

/** The template of one serving group ({@code spec.template}): its roles and gang settings. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value = "!has(oldSelf.gangPolicy) || has(self.gangPolicy)",
    message = "gangPolicy is required once set")
public class ServingGroup {

  /** How long a failed pod may stay before the controller rebuilds it, in seconds. */
  @Default("0")
  @JsonPropertyDescription(
      "RestartGracePeriodSeconds defines the grace time for the controller to rebuild the"
          + " ServingGroup when an error occurs.\n"
          + "Defaults to 0 (ServingGroup will be rebuilt immediately after an error)")
  private Long restartGracePeriodSeconds;

  /** Gang-scheduling settings, copied to the serving group's Volcano PodGroup. */
  @JsonPropertyDescription("GangPolicy defines the gang scheduler config.")
  private GangPolicy gangPolicy;

  /** Network-topology-aware scheduling, copied to the Volcano PodGroup. */
  @JsonPropertyDescription(
      "NetworkTopology defines the network topology affinity scheduling policy for the roles of"
          + " the `ServingGroup`,\n"
          + "it works only when the scheduler supports network topology-aware scheduling.")
  private NetworkTopology networkTopology;

  /** The roles of the serving group, 1 to 4, with unique names. */
  @Required
  @Size(min = 1, max = 4)
  @ValidationRule(
      value = "self.all(x, self.exists_one(y, y.name == x.name))",
      message = "roles name must be unique")
  @JsonPropertyDescription("Roles of the ServingGroup; names must be unique.")
  private List<Role> roles;

  public Long getRestartGracePeriodSeconds() {
    return restartGracePeriodSeconds;
  }

  public void setRestartGracePeriodSeconds(Long restartGracePeriodSeconds) {
    this.restartGracePeriodSeconds = restartGracePeriodSeconds;
  }

  public GangPolicy getGangPolicy() {
    return gangPolicy;
  }

  public void setGangPolicy(GangPolicy gangPolicy) {
    this.gangPolicy = gangPolicy;
  }

  public NetworkTopology getNetworkTopology() {
    return networkTopology;
  }

  public void setNetworkTopology(NetworkTopology networkTopology) {
    this.networkTopology = networkTopology;
  }

  public List<Role> getRoles() {
    return roles;
  }

  public void setRoles(List<Role> roles) {
    this.roles = roles;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ServingGroup that
        && Objects.equals(restartGracePeriodSeconds, that.restartGracePeriodSeconds)
        && Objects.equals(gangPolicy, that.gangPolicy)
        && Objects.equals(networkTopology, that.networkTopology)
        && Objects.equals(roles, that.roles);
  }

  @Override
  public int hashCode() {
    return Objects.hash(restartGracePeriodSeconds, gangPolicy, networkTopology, roles);
  }

  @Override
  public String toString() {
    return "ServingGroup{restartGracePeriodSeconds="
        + restartGracePeriodSeconds
        + ", gangPolicy="
        + gangPolicy
        + ", networkTopology="
        + networkTopology
        + ", roles="
        + roles
        + "}";
  }
}
