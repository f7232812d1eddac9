package dev.modelserving.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;
import java.util.List;
import java.util.Objects;

/** The desired state of a {@link ModelServing}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ModelServingSpec {

  /** Number of serving groups; the scale subresource reads and writes it. */
  @SpecReplicas
  @Default("1")
  @JsonPropertyDescription(
      "Number of ServingGroups. That is the number of instances that run serving tasks.\n"
          + "Default to 1.")
  private Integer replicas;

  /**
   * Scheduler of every generated pod; when set it replaces the templates' own schedulerName. Unlike
   * Kthena there is no default of {@code volcano}: unset, pods keep their template's scheduler.
   */
  @JsonPropertyDescription(
      "SchedulerName, when set, replaces the schedulerName of every pod template. When unset, pods"
          + " keep the scheduler named in their template (the cluster's default scheduler if none).")
  private String schedulerName;

  /** Ordered plugin chain applied to every generated pod. */
  @JsonPropertyDescription("Plugins defines optional plugin chain to customize serving pods.")
  private List<PluginSpec> plugins;

  /** Template of one serving group. */
  @Required
  @JsonPropertyDescription("Template defines the template for ServingGroup")
  private ServingGroup template;

  /** How template changes are rolled out; absent means ServingGroupRollingUpdate. */
  @JsonPropertyDescription(
      "RolloutStrategy defines the strategy that will be applied to update replicas")
  private RolloutStrategy rolloutStrategy;

  /** What the controller rebuilds when a pod fails. */
  @Default("RoleRecreate")
  @JsonPropertyDescription(
      "RecoveryPolicy defines the recovery policy for the failed Pod to be rebuilt")
  private RecoveryPolicy recoveryPolicy;

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public String getSchedulerName() {
    return schedulerName;
  }

  public void setSchedulerName(String schedulerName) {
    this.schedulerName = schedulerName;
  }

  public List<PluginSpec> getPlugins() {
    return plugins;
  }

  public void setPlugins(List<PluginSpec> plugins) {
    this.plugins = plugins;
  }

  public ServingGroup getTemplate() {
    return template;
  }

  public void setTemplate(ServingGroup template) {
    this.template = template;
  }

  public RolloutStrategy getRolloutStrategy() {
    return rolloutStrategy;
  }

  public void setRolloutStrategy(RolloutStrategy rolloutStrategy) {
    this.rolloutStrategy = rolloutStrategy;
  }

  public RecoveryPolicy getRecoveryPolicy() {
    return recoveryPolicy;
  }

  public void setRecoveryPolicy(RecoveryPolicy recoveryPolicy) {
    this.recoveryPolicy = recoveryPolicy;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelServingSpec that
        && Objects.equals(replicas, that.replicas)
        && Objects.equals(schedulerName, that.schedulerName)
        && Objects.equals(plugins, that.plugins)
        && Objects.equals(template, that.template)
        && Objects.equals(rolloutStrategy, that.rolloutStrategy)
        && recoveryPolicy == that.recoveryPolicy;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        replicas, schedulerName, plugins, template, rolloutStrategy, recoveryPolicy);
  }

  @Override
  public String toString() {
    return "ModelServingSpec{replicas="
        + replicas
        + ", schedulerName="
        + schedulerName
        + ", plugins="
        + plugins
        + ", template="
        + template
        + ", rolloutStrategy="
        + rolloutStrategy
        + ", recoveryPolicy="
        + recoveryPolicy
        + "}";
  }
}
