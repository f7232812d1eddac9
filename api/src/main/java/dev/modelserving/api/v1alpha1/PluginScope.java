package dev.modelserving.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Objects;

/** Narrows the pods a plugin runs on. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PluginScope {

  /** Targets understood by the controller; an empty target means {@link #TARGET_ALL}. */
  public static final String TARGET_ALL = "All";

  public static final String TARGET_ENTRY = "Entry";
  public static final String TARGET_WORKER = "Worker";

  /** Role names the plugin is limited to; empty means all roles. */
  @JsonPropertyDescription("Roles limits the plugin to the specified role names.")
  private List<String> roles;

  /**
   * {@code All}, {@code Entry} or {@code Worker}. A plain string because Kthena's CRD declares no
   * enum or default here (its markers lack the {@code +}), so any value is accepted and an unknown
   * one matches no pod.
   */
  @JsonPropertyDescription(
      "Target limits the plugin to specific pod target (Entry/Worker/All); empty means All.")
  private String target;

  public List<String> getRoles() {
    return roles;
  }

  public void setRoles(List<String> roles) {
    this.roles = roles;
  }

  public String getTarget() {
    return target;
  }

  public void setTarget(String target) {
    this.target = target;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PluginScope that
        && Objects.equals(roles, that.roles)
        && Objects.equals(target, that.target);
  }

  @Override
  public int hashCode() {
    return Objects.hash(roles, target);
  }

  @Override
  public String toString() {
    return "PluginScope{roles=" + roles + ", target=" + target + "}";
  }
}
