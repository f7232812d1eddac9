package dev.modelserving.controller.lws;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.lws.v1.LeaderWorkerSetSpec;
import dev.modelserving.api.lws.v1.LeaderWorkerTemplate;
import dev.modelserving.api.lws.v1.NetworkConfig;
import dev.modelserving.api.lws.v1.RestartPolicyType;
import dev.modelserving.api.lws.v1.RollingUpdateConfiguration;
import dev.modelserving.api.lws.v1.RolloutStrategy;
import dev.modelserving.api.lws.v1.RolloutStrategyType;
import dev.modelserving.api.lws.v1.StartupPolicyType;
import dev.modelserving.api.lws.v1.SubGroupPolicy;
import dev.modelserving.api.lws.v1.SubGroupPolicyType;
import dev.modelserving.api.lws.v1.SubdomainPolicy;
import dev.modelserving.controller.kube.Serialization;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Objects;

/**
 * The defaults a LeaderWorkerSet gets upstream from the CRD schema and the mutating webhook {@code
 * mleaderworkerset.kb.io} together (LWS.md §1.8), since neither the upstream webhook nor (for
 * objects written before the CRD was installed) the schema may have run here.
 */
public final class LwsDefaults {
  static final int REPLICAS = 1;
  static final int SIZE = 1;
  static final int MAX_UNAVAILABLE = 1;
  static final int MAX_SURGE = 0;
  static final int PARTITION = 0;

  private static final KubernetesSerialization SERIALIZATION = Serialization.SHARED;

  private LwsDefaults() {}

  /**
   * A deep copy of {@code lws} with every absent defaulted field set; {@code lws} is not changed. A
   * missing {@code spec} is created (it is a value in Go, so the webhook always sees one); a
   * missing {@code spec.leaderWorkerTemplate} is not, because the schema requires it and the
   * validator reports it.
   */
  public static LeaderWorkerSet apply(LeaderWorkerSet lws) {
    Objects.requireNonNull(lws, "lws");
    return sharing(SERIALIZATION.clone(lws));
  }

  /**
   * As {@link #apply}, without the deep copy: the result shares with {@code lws} every part the
   * defaults do not set (metadata, status, pod templates, claims); each object on the way to a
   * defaulted field is a shallow copy, so {@code lws} is not changed either. For readers that
   * change neither, such as a reconcile pass (its LWS is the informer's cached object): a pass then
   * copies a few small objects instead of serialising the whole LWS.
   */
  public static LeaderWorkerSet sharing(LeaderWorkerSet lws) {
    Objects.requireNonNull(lws, "lws");
    LeaderWorkerSet copy = new LeaderWorkerSet();
    copy.setMetadata(lws.getMetadata());
    copy.setStatus(lws.getStatus());
    LeaderWorkerSetSpec spec =
        lws.getSpec() == null ? new LeaderWorkerSetSpec() : ShallowCopy.of(lws.getSpec());
    copy.setSpec(spec);
    if (spec.getReplicas() == null) {
      spec.setReplicas(REPLICAS);
    }
    if (spec.getStartupPolicy() == null) {
      spec.setStartupPolicy(StartupPolicyType.LEADER_CREATED);
    }
    if (spec.getLeaderWorkerTemplate() != null) {
      spec.setLeaderWorkerTemplate(defaultTemplate(ShallowCopy.of(spec.getLeaderWorkerTemplate())));
    }
    spec.setRolloutStrategy(defaultRolloutStrategy(spec.getRolloutStrategy()));
    NetworkConfig network =
        spec.getNetworkConfig() == null
            ? new NetworkConfig()
            : ShallowCopy.of(spec.getNetworkConfig());
    // The webhook also re-defaults a null subdomainPolicy, so an update that clears it is fine.
    if (network.getSubdomainPolicy() == null) {
      network.setSubdomainPolicy(SubdomainPolicy.SHARED);
    }
    spec.setNetworkConfig(network);
    return copy;
  }

  private static LeaderWorkerTemplate defaultTemplate(LeaderWorkerTemplate template) {
    if (template.getSize() == null) {
      template.setSize(SIZE);
    }
    if (template.getRestartPolicy() == null) {
      template.setRestartPolicy(RestartPolicyType.RECREATE_GROUP_ON_POD_RESTART);
    }
    // "Default" is the deprecated spelling of "None"; the webhook rewrites it.
    if (template.getRestartPolicy() == RestartPolicyType.DEFAULT) {
      template.setRestartPolicy(RestartPolicyType.NONE);
    }
    SubGroupPolicy subGroupPolicy = template.getSubGroupPolicy();
    if (subGroupPolicy != null && subGroupPolicy.getSubGroupPolicyType() == null) {
      SubGroupPolicy defaulted = ShallowCopy.of(subGroupPolicy);
      defaulted.setSubGroupPolicyType(SubGroupPolicyType.LEADER_WORKER);
      template.setSubGroupPolicy(defaulted);
    }
    return template;
  }

  private static RolloutStrategy defaultRolloutStrategy(RolloutStrategy strategy) {
    RolloutStrategy result = strategy == null ? new RolloutStrategy() : ShallowCopy.of(strategy);
    if (result.getType() == null) {
      result.setType(RolloutStrategyType.ROLLING_UPDATE);
    }
    // Upstream: the webhook fills a missing configuration, the schema its missing fields.
    RollingUpdateConfiguration config =
        result.getRollingUpdateConfiguration() == null
            ? new RollingUpdateConfiguration()
            : ShallowCopy.of(result.getRollingUpdateConfiguration());
    result.setRollingUpdateConfiguration(config);
    if (config.getPartition() == null) {
      config.setPartition(PARTITION);
    }
    if (isAbsent(config.getMaxUnavailable())) {
      config.setMaxUnavailable(new IntOrString(MAX_UNAVAILABLE));
    }
    if (isAbsent(config.getMaxSurge())) {
      config.setMaxSurge(new IntOrString(MAX_SURGE));
    }
    return result;
  }

  private static boolean isAbsent(IntOrString value) {
    return value == null || value.getValue() == null;
  }
}
