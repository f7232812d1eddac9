package dev.modelserving.controller.lws;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.lws.v1.LeaderWorkerSetSpec;
import dev.modelserving.api.lws.v1.LeaderWorkerTemplate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Fields of a LeaderWorkerSet that this controller does not know, as a newer upstream CRD than
 * v0.10.0 lets them through (the Java types keep them, so nothing is lost on the way back). Pure.
 * Two newer fields are understood: {@code spec.groupIdentity} (only its default {@value
 * #GROUP_IDENTITY_ORDINAL}, how this controller names groups; other values are refused by {@link
 * LwsUnsupported}) and {@code spec.groupReplacementPolicy}, which upstream applies to {@code Hash}
 * groups only and which therefore has no effect with {@value #GROUP_IDENTITY_ORDINAL}.
 */
public final class LwsUnknownFields {
  public static final String GROUP_IDENTITY = "groupIdentity";
  public static final String GROUP_IDENTITY_ORDINAL = "Ordinal";
  public static final String GROUP_REPLACEMENT_POLICY = "groupReplacementPolicy";

  private static final Set<String> UNDERSTOOD_IN_SPEC =
      Set.of(GROUP_IDENTITY, GROUP_REPLACEMENT_POLICY);

  private LwsUnknownFields() {}

  /**
   * Paths of the fields set on {@code lws} that are ignored here, sorted, e.g. {@code
   * spec.scheduling}.
   */
  public static List<String> ignored(LeaderWorkerSet lws) {
    Set<String> paths = new TreeSet<>();
    LeaderWorkerSetSpec spec = lws.getSpec();
    if (spec == null) {
      return List.of();
    }
    spec.getAdditionalProperties().keySet().stream()
        .filter(k -> !UNDERSTOOD_IN_SPEC.contains(k))
        .forEach(k -> paths.add("spec." + k));
    LeaderWorkerTemplate template = spec.getLeaderWorkerTemplate();
    if (template != null) {
      add(paths, "spec.leaderWorkerTemplate", template.getAdditionalProperties());
      if (template.getSubGroupPolicy() != null) {
        add(
            paths,
            "spec.leaderWorkerTemplate.subGroupPolicy",
            template.getSubGroupPolicy().getAdditionalProperties());
      }
    }
    if (spec.getRolloutStrategy() != null) {
      add(paths, "spec.rolloutStrategy", spec.getRolloutStrategy().getAdditionalProperties());
      if (spec.getRolloutStrategy().getRollingUpdateConfiguration() != null) {
        add(
            paths,
            "spec.rolloutStrategy.rollingUpdateConfiguration",
            spec.getRolloutStrategy().getRollingUpdateConfiguration().getAdditionalProperties());
      }
    }
    if (spec.getNetworkConfig() != null) {
      add(paths, "spec.networkConfig", spec.getNetworkConfig().getAdditionalProperties());
    }
    return List.copyOf(paths);
  }

  /** {@code spec.groupIdentity} as written, or null. */
  static Object groupIdentity(LeaderWorkerSet lws) {
    return lws.getSpec() == null
        ? null
        : lws.getSpec().getAdditionalProperties().get(GROUP_IDENTITY);
  }

  private static void add(Set<String> paths, String prefix, Map<String, Object> unknown) {
    unknown.keySet().forEach(k -> paths.add(prefix + "." + k));
  }
}
