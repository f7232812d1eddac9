package dev.modelserving.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import java.util.Objects;

/** How a template change replaces running pods. Updates always delete before they recreate. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class RolloutStrategy {

  /** The unit a rolling update replaces at a time. */
  public enum Type {
    /** Whole serving groups; configured by {@code rollingUpdateConfiguration}. */
    ServingGroupRollingUpdate,
    /** Role replicas, in all serving groups at once; configured on each {@link Role}. */
    RoleRollingUpdate
  }

  /** Granularity of the rolling update. */
  @Required
  @Default("ServingGroupRollingUpdate")
  @JsonPropertyDescription(
      "Type selects the granularity of rolling updates. Supported values are\n"
          + "ServingGroupRollingUpdate and RoleRollingUpdate. It defaults to"
          + " ServingGroupRollingUpdate.\n\n"
          + "ServingGroupRollingUpdate uses rolloutStrategy.rollingUpdateConfiguration;\n"
          + "rolling update settings on individual Roles do not take effect.\n"
          + "RoleRollingUpdate uses the rolling update configuration on each Role;\n"
          + "rolloutStrategy.rollingUpdateConfiguration must not be set.")
  private Type type;

  /** Settings of a ServingGroupRollingUpdate; must be absent for RoleRollingUpdate. */
  @JsonPropertyDescription(
      "RollingUpdateConfiguration configures ServingGroupRollingUpdate.\n"
          + "It must not be set when type is RoleRollingUpdate; configure maxUnavailable\n"
          + "and partition on each Role instead.")
  private RollingUpdateConfiguration rollingUpdateConfiguration;

  public Type getType() {
    return type;
  }

  public void setType(Type type) {
    this.type = type;
  }

  public RollingUpdateConfiguration getRollingUpdateConfiguration() {
    return rollingUpdateConfiguration;
  }

  public void setRollingUpdateConfiguration(RollingUpdateConfiguration rollingUpdateConfiguration) {
    this.rollingUpdateConfiguration = rollingUpdateConfiguration;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RolloutStrategy that
        && type == that.type
        && Objects.equals(rollingUpdateConfiguration, that.rollingUpdateConfiguration);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, rollingUpdateConfiguration);
  }

  @Override
  public String toString() {
    return "RolloutStrategy{type="
        + type
        + ", rollingUpdateConfiguration="
        + rollingUpdateConfiguration
        + "}";
  }
}
