package dev.modelserving.controller.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.lws.v1.LeaderWorkerTemplate;
import dev.modelserving.api.lws.v1.LwsKeys;
import dev.modelserving.api.lws.v1.RestartPolicyType;
import dev.modelserving.api.lws.v1.StartupPolicyType;
import dev.modelserving.api.lws.v1.SubdomainPolicy;
import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Annotations;
import dev.modelserving.api.v1alpha1.ModelServingSpec;
import dev.modelserving.api.v1alpha1.PluginSpec;
import dev.modelserving.api.v1alpha1.PodTemplate;
import dev.modelserving.api.v1alpha1.PodTemplateMetadata;
import dev.modelserving.api.v1alpha1.RecoveryPolicy;
import dev.modelserving.api.v1alpha1.Role;
import dev.modelserving.api.v1alpha1.RollingUpdateConfiguration;
import dev.modelserving.api.v1alpha1.RolloutStrategy;
import dev.modelserving.api.v1alpha1.ServingGroup;
import dev.modelserving.controller.kube.Serialization;
import dev.modelserving.controller.lws.DefaultedLeaderWorkerSet;
import dev.modelserving.controller.plugin.LwsPodIdentity;
import dev.modelserving.controller.podgen.Revisions;
import dev.modelserving.controller.validation.IntOrPercent;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Converts a LeaderWorkerSet into the ModelServing that runs it (pure; the mapping table is {@code
 * docs/lws-mapping.md}). One serving group per LWS group, one role {@value #ROLE} with one replica,
 * {@code size - 1} workers; LeaderWorkerSet pod naming, and the {@code lws-pod-identity} plugin for
 * upstream's labels, annotations and env. The LWS is the ModelServing's controller owner, so
 * deleting it removes everything.
 *
 * <p>Replicas are synced one way without fighting other writers: the LWS's {@code spec.replicas} is
 * copied only when it differs from the value copied last time (kept in the annotation {@value
 * Annotations#LWS_SYNCED_REPLICAS}); otherwise the ModelServing keeps its current replicas, so a
 * change made there by Kthena's autoscaler stands until the LWS itself is scaled, and is reported
 * back to the LWS ({@link #replicasToReport}).
 */
public final class LwsToModelServing {
  /** Kthena's role name for converted LeaderWorkerSets. */
  public static final String ROLE = "default";

  private static final KubernetesSerialization SERIALIZATION = Serialization.SHARED;

  private LwsToModelServing() {}

  /**
   * The ModelServing for {@code raw} (an LWS as stored, before upstream's webhook defaults, which
   * are applied here). {@code existing} is the ModelServing currently in the cluster, if any.
   */
  public static ModelServing convert(LeaderWorkerSet raw, Optional<ModelServing> existing) {
    return convert(DefaultedLeaderWorkerSet.of(raw), existing);
  }

  /** The ModelServing for a defaulted LWS; {@code existing} as above. */
  public static ModelServing convert(
      DefaultedLeaderWorkerSet defaulted, Optional<ModelServing> existing) {
    return convert(defaulted, existing, revision(defaulted.get()));
  }

  /** As above; {@code revision} is {@link #revision} of the defaulted LWS. */
  public static ModelServing convert(
      DefaultedLeaderWorkerSet defaulted, Optional<ModelServing> existing, String revision) {
    LeaderWorkerSet lws = defaulted.get();
    String name = lws.getMetadata().getName();
    LeaderWorkerTemplate lwt = lws.getSpec().getLeaderWorkerTemplate();
    int size = lwt.getSize();

    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(Annotations.POD_NAMING, Annotations.NAMING_LEADER_WORKER_SET);
    boolean unique =
        lws.getSpec().getNetworkConfig().getSubdomainPolicy() == SubdomainPolicy.UNIQUE_PER_REPLICA;
    annotations.put(
        Annotations.SUBDOMAIN_POLICY,
        unique ? Annotations.SUBDOMAIN_UNIQUE_PER_REPLICA : Annotations.SUBDOMAIN_SHARED);
    if (lws.getSpec().getStartupPolicy() == StartupPolicyType.LEADER_READY) {
      annotations.put(Annotations.STARTUP_POLICY, Annotations.WORKERS_AFTER_ENTRY_READY);
    }
    RestartPolicyType restart = lwt.getRestartPolicy();
    boolean afterStartAnnotation =
        lws.getMetadata().getAnnotations() != null
            && lws.getMetadata()
                .getAnnotations()
                .containsKey(LwsKeys.Annotations.EXPERIMENTAL_RECREATE_GROUP_AFTER_START);
    if (restart == RestartPolicyType.RECREATE_GROUP_AFTER_START
        || restart == RestartPolicyType.RECREATE_GROUP_ON_POD_RESTART && afterStartAnnotation) {
      annotations.put(Annotations.RESTART_POLICY, Annotations.RESTART_AFTER_START);
    } else if (restart == RestartPolicyType.RECREATE_GROUP_ON_POD_RESTART) {
      annotations.put(Annotations.RESTART_POLICY, Annotations.RESTART_ANY);
    }
    String exclusive =
        lws.getMetadata().getAnnotations() == null
            ? null
            : emptyToNull(
                lws.getMetadata().getAnnotations().get(LwsKeys.Annotations.EXCLUSIVE_TOPOLOGY));
    if (exclusive != null && size > 1) {
      annotations.put(
          Annotations.WORKER_TOPOLOGY, exclusive); // workers follow their leader's domain
    }
    int lwsReplicas = lws.getSpec().getReplicas();
    annotations.put(Annotations.LWS_SYNCED_REPLICAS, Integer.toString(lwsReplicas));
    // Volcano: the Queue and the volcano.sh/* annotations upstream passes on to each group's
    // PodGroup.
    if (lws.getMetadata().getAnnotations() != null) {
      lws.getMetadata()
          .getAnnotations()
          .forEach(
              (k, v) -> {
                if (k.equals(LwsKeys.Annotations.VOLCANO_QUEUE_NAME)
                    || k.startsWith(LwsKeys.Annotations.VOLCANO_PREFIX)) {
                  annotations.put(k, v);
                }
              });
    }

    ModelServing ms = new ModelServing();
    ms.setMetadata(
        new ObjectMetaBuilder()
            .withName(name)
            .withNamespace(lws.getMetadata().getNamespace())
            .withLabels(
                lws.getMetadata().getLabels() == null
                    ? null
                    : new LinkedHashMap<>(lws.getMetadata().getLabels()))
            .withAnnotations(annotations)
            .withOwnerReferences(
                new OwnerReferenceBuilder()
                    .withApiVersion(LeaderWorkerSet.API_VERSION)
                    .withKind(LeaderWorkerSet.KIND)
                    .withName(name)
                    .withUid(lws.getMetadata().getUid())
                    .withController(true)
                    .withBlockOwnerDeletion(true)
                    .build())
            .build());

    ModelServingSpec spec = new ModelServingSpec();
    spec.setReplicas(replicas(lwsReplicas, existing));
    spec.setRecoveryPolicy(
        restart == RestartPolicyType.NONE || restart == RestartPolicyType.DEFAULT
            ? RecoveryPolicy.None
            : RecoveryPolicy.ServingGroupRecreate);
    spec.setRolloutStrategy(rolloutStrategy(lws));
    spec.setPlugins(List.of(podIdentityPlugin(lws, size)));
    spec.setTemplate(servingGroupTemplate(lws, revision));
    ms.setSpec(spec);
    return ms;
  }

  /**
   * The ModelServing's {@code spec.template}: one role, its pods shaped by the LWS's {@code
   * leaderWorkerTemplate} alone (so by its spec), {@code revision} as {@link #revision}.
   */
  static ServingGroup servingGroupTemplate(LeaderWorkerSet defaulted, String revision) {
    LeaderWorkerTemplate lwt = defaulted.getSpec().getLeaderWorkerTemplate();
    Role role = new Role();
    role.setName(ROLE);
    role.setReplicas(1);
    role.setWorkerReplicas(lwt.getSize() - 1);
    PodTemplateSpec leaderTemplate =
        lwt.getLeaderTemplate() != null ? lwt.getLeaderTemplate() : lwt.getWorkerTemplate();
    role.setEntryTemplate(podTemplate(leaderTemplate, revision));
    role.setWorkerTemplate(podTemplate(lwt.getWorkerTemplate(), revision));
    ServingGroup template = new ServingGroup();
    template.setRestartGracePeriodSeconds(0L); // LWS recreates at once
    template.setRoles(List.of(role));
    return template;
  }

  /**
   * The hashes that follow from a defaulted LWS's spec alone, so a memo keyed by its generation may
   * keep them: its {@link #revision} and the hash of the ModelServing template converted from it
   * ({@link #appliedHash} reads it instead of serialising the pod templates again).
   */
  public record SpecHashes(String revision, String templateHash) {
    public static SpecHashes of(DefaultedLeaderWorkerSet defaulted) {
      String revision = LwsToModelServing.revision(defaulted.get());
      return new SpecHashes(
          revision,
          Revisions.hash(
              SERIALIZATION.convertValue(
                  servingGroupTemplate(defaulted.get(), revision), JsonNode.class)));
    }
  }

  /**
   * A hash of everything {@code desired} (as {@link #convert} made it, annotations added) would
   * apply: its JSON with {@code spec.template} replaced by {@code templateHash}, the {@link
   * SpecHashes#templateHash} of the same LWS spec. Equal hashes mean nothing to apply. The template
   * is left out of the serialisation by unsetting it meanwhile: {@code desired} is the caller's own
   * and is as before on return.
   */
  public static String appliedHash(ModelServing desired, String templateHash) {
    ServingGroup template = desired.getSpec().getTemplate();
    ObjectNode node;
    try {
      desired.getSpec().setTemplate(null);
      node = SERIALIZATION.convertValue(desired, ObjectNode.class);
    } finally {
      desired.getSpec().setTemplate(template);
    }
    ((ObjectNode) node.get("spec")).put("template", templateHash);
    return Revisions.hash(node);
  }

  /**
   * The LWS revision: a hash of what shapes pods ({@code leaderWorkerTemplate} and {@code
   * networkConfig}, defaults applied), carried in the {@code template-revision-hash} label.
   */
  public static String revision(LeaderWorkerSet defaulted) {
    ObjectNode node = SERIALIZATION.convertValue(Map.of(), ObjectNode.class);
    node.set(
        "leaderWorkerTemplate",
        SERIALIZATION.convertValue(defaulted.getSpec().getLeaderWorkerTemplate(), JsonNode.class));
    node.set(
        "networkConfig",
        SERIALIZATION.convertValue(defaulted.getSpec().getNetworkConfig(), JsonNode.class));
    return Revisions.hash(node);
  }

  static int replicas(int lwsReplicas, Optional<ModelServing> existing) {
    if (existing.isEmpty()
        || existing.get().getSpec() == null
        || existing.get().getSpec().getReplicas() == null) {
      return lwsReplicas;
    }
    Map<String, String> a = existing.get().getMetadata().getAnnotations();
    String synced = a == null ? null : a.get(Annotations.LWS_SYNCED_REPLICAS);
    return Integer.toString(lwsReplicas).equals(synced)
        ? existing.get().getSpec().getReplicas()
        : lwsReplicas;
  }

  /**
   * The replica count to write back into the LWS's {@code spec.replicas}: the ModelServing's, when
   * someone scaled the ModelServing itself (Kthena's autoscaler, an HPA on the ModelServing) while
   * the LWS kept the value synced last time. Then {@code kubectl get lws} shows the autoscaler's
   * decision as DESIRED. Empty when nothing is to be reported (the LWS changed since: it wins).
   */
  public static OptionalInt replicasToReport(LeaderWorkerSet raw, Optional<ModelServing> existing) {
    return replicasToReport(DefaultedLeaderWorkerSet.of(raw), existing);
  }

  /** As {@link #replicasToReport(LeaderWorkerSet, Optional)}, for a defaulted LWS. */
  public static OptionalInt replicasToReport(
      DefaultedLeaderWorkerSet defaulted, Optional<ModelServing> existing) {
    if (existing.isEmpty()
        || existing.get().getSpec() == null
        || existing.get().getSpec().getReplicas() == null) {
      return OptionalInt.empty();
    }
    Map<String, String> a = existing.get().getMetadata().getAnnotations();
    String synced = a == null ? null : a.get(Annotations.LWS_SYNCED_REPLICAS);
    int lwsReplicas = defaulted.get().getSpec().getReplicas();
    int msReplicas = existing.get().getSpec().getReplicas();
    return Integer.toString(lwsReplicas).equals(synced) && msReplicas != lwsReplicas
        ? OptionalInt.of(msReplicas)
        : OptionalInt.empty();
  }

  private static RolloutStrategy rolloutStrategy(LeaderWorkerSet lws) {
    var config = lws.getSpec().getRolloutStrategy().getRollingUpdateConfiguration();
    RollingUpdateConfiguration rolling = new RollingUpdateConfiguration();
    rolling.setMaxUnavailable(config.getMaxUnavailable());
    IntOrString maxSurge = config.getMaxSurge();
    if (maxSurge != null
        && IntOrPercent.parse(maxSurge)
            .map(
                v ->
                    v.scale(Math.max(1, lws.getSpec().getReplicas()), IntOrPercent.Rounding.UP) > 0)
            .orElse(false)) {
      rolling.setMaxSurge(maxSurge);
    }
    if (config.getPartition() != null && config.getPartition() > 0) {
      rolling.setPartition(new IntOrString(config.getPartition()));
    }
    RolloutStrategy strategy = new RolloutStrategy();
    strategy.setType(RolloutStrategy.Type.ServingGroupRollingUpdate);
    strategy.setRollingUpdateConfiguration(rolling);
    return strategy;
  }

  private static PluginSpec podIdentityPlugin(LeaderWorkerSet lws, int size) {
    LeaderWorkerTemplate lwt = lws.getSpec().getLeaderWorkerTemplate();
    Map<String, String> lwsAnnotations =
        lws.getMetadata().getAnnotations() == null ? Map.of() : lws.getMetadata().getAnnotations();
    PodTemplateSpec leader =
        lwt.getLeaderTemplate() != null ? lwt.getLeaderTemplate() : lwt.getWorkerTemplate();
    var config =
        new LwsPodIdentity.Config(
            lws.getMetadata().getName(),
            size,
            lws.getSpec().getNetworkConfig().getSubdomainPolicy().value(),
            lwt.getSubGroupPolicy() == null ? null : lwt.getSubGroupPolicy().getSubGroupSize(),
            lwt.getSubGroupPolicy() == null
                    || lwt.getSubGroupPolicy().getSubGroupPolicyType() == null
                ? null
                : lwt.getSubGroupPolicy().getSubGroupPolicyType().value(),
            emptyToNull(lwsAnnotations.get(LwsKeys.Annotations.EXCLUSIVE_TOPOLOGY)),
            lwt.getSubGroupPolicy() == null
                ? null
                : emptyToNull(lwsAnnotations.get(LwsKeys.Annotations.SUBGROUP_EXCLUSIVE_TOPOLOGY)),
            requestsTpus(leader),
            lwt.getVolumeClaimTemplates() == null || lwt.getVolumeClaimTemplates().isEmpty()
                ? null
                : lwt.getVolumeClaimTemplates().stream()
                    .map(c -> c.getMetadata().getName())
                    .toList());
    PluginSpec plugin = new PluginSpec();
    plugin.setName(LwsPodIdentity.NAME);
    plugin.setType(PluginSpec.Type.BuiltIn);
    plugin.setConfig(SERIALIZATION.convertValue(config, JsonNode.class));
    return plugin;
  }

  private static PodTemplate podTemplate(PodTemplateSpec source, String revision) {
    PodTemplate template = new PodTemplate();
    PodTemplateMetadata metadata = new PodTemplateMetadata();
    Map<String, String> labels = new LinkedHashMap<>();
    if (source.getMetadata() != null && source.getMetadata().getLabels() != null) {
      labels.putAll(source.getMetadata().getLabels());
    }
    labels.put(LwsKeys.Labels.TEMPLATE_REVISION_HASH, revision);
    metadata.setLabels(labels);
    if (source.getMetadata() != null
        && source.getMetadata().getAnnotations() != null
        && !source.getMetadata().getAnnotations().isEmpty()) {
      metadata.setAnnotations(new LinkedHashMap<>(source.getMetadata().getAnnotations()));
    }
    template.setMetadata(metadata);
    // Shared, not copied: nothing changes a converted ModelServing's pod specs (it is applied or
    // compared; pods are built from copies of its templates), so a reconcile pass's ModelServing
    // may share them with the cached LWS (DefaultedLeaderWorkerSet.sharing).
    template.setSpec(source.getSpec());
    return template;
  }

  private static boolean requestsTpus(PodTemplateSpec template) {
    if (template == null || template.getSpec() == null) {
      return false;
    }
    List<Container> all =
        new java.util.ArrayList<>(
            template.getSpec().getContainers() == null
                ? List.of()
                : template.getSpec().getContainers());
    if (template.getSpec().getInitContainers() != null) {
      all.addAll(template.getSpec().getInitContainers());
    }
    return all.stream().anyMatch(LwsPodIdentity::requestsTpu);
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
