package dev.modelserving.api.lws.v1;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * {@code spec} of a {@link LeaderWorkerSet}: how many groups, what a group looks like, how it is
 * rolled out, started and addressed.
 *
 * <p>Null fields are not serialized (as everywhere in these types), so the CRD's structural
 * defaults apply on the server. Upstream Go always sends {@code startupPolicy} (no omitempty),
 * which makes an unset value arrive as {@code ""} and fail the enum check; leaving it out instead
 * lets the schema default {@code LeaderCreated} apply.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "replicas",
  "leaderWorkerTemplate",
  "rolloutStrategy",
  "startupPolicy",
  "networkConfig"
})
public class LeaderWorkerSetSpec {

  /** Number of groups (int32, schema default 1, 0..1000000); target of the scale subresource. */
  private Integer replicas;

  /** The template of one group: leader/worker pod templates, size, restart policy etc. Required. */
  private LeaderWorkerTemplate leaderWorkerTemplate;

  /** Rolling update parameters; the webhook fills RollingUpdate with maxUnavailable 1. */
  private RolloutStrategy rolloutStrategy;

  /** When worker StatefulSets are created: LeaderCreated (schema default) or LeaderReady. */
  private StartupPolicyType startupPolicy;

  /** DNS layout (headless Services); absent means Shared. */
  private NetworkConfig networkConfig;

  /** JSON fields unknown to this type (e.g. from a newer CRD), kept so that updates keep them. */
  @JsonIgnore private Map<String, Object> additionalProperties = new LinkedHashMap<>();

  public Integer getReplicas() {
    return replicas;
  }

  public void setReplicas(Integer replicas) {
    this.replicas = replicas;
  }

  public LeaderWorkerTemplate getLeaderWorkerTemplate() {
    return leaderWorkerTemplate;
  }

  public void setLeaderWorkerTemplate(LeaderWorkerTemplate leaderWorkerTemplate) {
    this.leaderWorkerTemplate = leaderWorkerTemplate;
  }

  public RolloutStrategy getRolloutStrategy() {
    return rolloutStrategy;
  }

  public void setRolloutStrategy(RolloutStrategy rolloutStrategy) {
    this.rolloutStrategy = rolloutStrategy;
  }

  public StartupPolicyType getStartupPolicy() {
    return startupPolicy;
  }

  public void setStartupPolicy(StartupPolicyType startupPolicy) {
    this.startupPolicy = startupPolicy;
  }

  public NetworkConfig getNetworkConfig() {
    return networkConfig;
  }

  public void setNetworkConfig(NetworkConfig networkConfig) {
    this.networkConfig = networkConfig;
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
    return o instanceof LeaderWorkerSetSpec that
        && Objects.equals(replicas, that.replicas)
        && Objects.equals(leaderWorkerTemplate, that.leaderWorkerTemplate)
        && Objects.equals(rolloutStrategy, that.rolloutStrategy)
        && startupPolicy == that.startupPolicy
        && Objects.equals(networkConfig, that.networkConfig)
        && additionalProperties.equals(that.additionalProperties);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        replicas,
        leaderWorkerTemplate,
        rolloutStrategy,
        startupPolicy,
        networkConfig,
        additionalProperties);
  }

  @Override
  public String toString() {
    return "LeaderWorkerSetSpec{replicas="
        + replicas
        + ", leaderWorkerTemplate="
        + leaderWorkerTemplate
        + ", rolloutStrategy="
        + rolloutStrategy
        + ", startupPolicy="
        + startupPolicy
        + ", networkConfig="
        + networkConfig
        + ", additionalProperties="
        + additionalProperties
        + "}";
  }
}
