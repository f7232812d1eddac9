package dev.modelserving.controller.plugin;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.api.lws.v1.LwsKeys;
import dev.modelserving.api.v1alpha1.PluginSpec;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinity;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAffinityTermBuilder;
import io.fabric8.kubernetes.api.model.PodAntiAffinity;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gives the pods of a ModelServing converted from a LeaderWorkerSet what the upstream LWS
 * controller and its pod webhook give them (LWS.md §2): the {@code leaderworkerset.sigs.k8s.io/*}
 * labels (group-key = SHA-1 of {@code <ns>/<leader>}) and annotations, sub-group labels, the
 * exclusive-placement affinity, {@code LWS_LEADER_ADDRESS}, {@code LWS_GROUP_SIZE} and {@code
 * LWS_WORKER_INDEX} first in every container, and the TPU variables. Names, hostnames and
 * subdomains come from the ModelServing's LeaderWorkerSet pod naming; the conversion configures
 * this plugin ({@link Config}).
 */
public final class LwsPodIdentity implements Plugin {
  public static final String NAME = "lws-pod-identity";

  /** The label the Kthena LWS guide selects pods by (kept beside upstream's name label). */
  public static final String GUIDE_NAME_LABEL = "leaderworkerset.x-k8s.io/name";

  static final String TPU = LwsKeys.EnvVars.TPU_RESOURCE;
  static final int TPU_DEFAULT_PORT = LwsKeys.EnvVars.TPU_DEFAULT_PROCESS_PORT;
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);

  /**
   * What the conversion passes from the LeaderWorkerSet. {@code subGroupSize} null means no
   * sub-groups; topology keys null means no exclusive placement.
   */
  public record Config(
      String lwsName,
      int size,
      String subdomainPolicy,
      Integer subGroupSize,
      String subGroupPolicyType,
      String exclusiveTopology,
      String subGroupExclusiveTopology,
      boolean leaderRequestsTpus,
      List<String> volumeClaimTemplates) {}

  private final Config config;

  public LwsPodIdentity(Config config) {
    this.config = config;
  }

  public static LwsPodIdentity fromSpec(PluginSpec spec) throws PluginConfigException {
    if (spec.getConfig() == null || !spec.getConfig().isObject()) {
      throw new PluginConfigException("config must be an object with lwsName and size");
    }
    try {
      Config config = JSON.treeToValue(spec.getConfig(), Config.class);
      if (config.lwsName() == null || config.size() < 1) {
        throw new PluginConfigException("config needs lwsName and a size >= 1");
      }
      return new LwsPodIdentity(config);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new PluginConfigException("config is not valid: " + e.getOriginalMessage());
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void onPodCreate(HookRequest req) throws PluginException {
    Pod pod = req.pod();
    ObjectMeta metadata = pod.getMetadata();
    String namespace =
        metadata.getNamespace() != null
            ? metadata.getNamespace()
            : req.modelServing().getMetadata().getNamespace();
    int g = req.groupOrdinal();
    int w = req.workerIndex();
    String lws = config.lwsName();
    String leader = lws + "-" + g;
    String groupKey = LwsStandardLabels.groupKey(namespace, leader);

    Map<String, String> labels =
        new LinkedHashMap<>(metadata.getLabels() == null ? Map.of() : metadata.getLabels());
    labels.put(LwsKeys.Labels.NAME, lws);
    labels.put(GUIDE_NAME_LABEL, lws);
    labels.put(LwsKeys.Labels.GROUP_INDEX, Integer.toString(g));
    labels.put(LwsKeys.Labels.WORKER_INDEX, Integer.toString(w));
    labels.put(LwsKeys.Labels.GROUP_KEY, groupKey);
    // As the pod's StatefulSet would label it (leader: ordinal g; worker: ordinal w).
    labels.put(LwsKeys.Labels.STATEFULSET_POD_NAME, w == 0 ? leader : leader + "-" + w);
    labels.put(LwsKeys.Labels.STATEFULSET_POD_INDEX, Integer.toString(w == 0 ? g : w));
    Map<String, String> annotations =
        new LinkedHashMap<>(
            metadata.getAnnotations() == null ? Map.of() : metadata.getAnnotations());
    annotations.put(LwsKeys.Annotations.SIZE, Integer.toString(config.size()));
    if (w > 0) {
      annotations.put(LwsKeys.Annotations.LEADER_NAME, leader);
      if (config.leaderRequestsTpus()) {
        annotations.put(LwsKeys.Annotations.LEADER_REQUESTS_TPUS, "true");
      }
    } else if ("UniquePerReplica".equals(config.subdomainPolicy())) {
      annotations.put(LwsKeys.Annotations.SUBDOMAIN_POLICY, "UniquePerReplica");
    }
    if (config.exclusiveTopology() != null) {
      annotations.put(LwsKeys.Annotations.EXCLUSIVE_TOPOLOGY, config.exclusiveTopology());
      // As upstream's webhook: only the leader gets the group terms; workers are pinned to the
      // leader's domain by a nodeSelector once it is scheduled (modelserving.dev/worker-topology).
      if (w == 0) {
        addExclusiveAffinity(
            pod, LwsKeys.Labels.GROUP_KEY, groupKey, config.exclusiveTopology(), true);
      }
    }
    Integer subGroupIndex = null;
    if (config.subGroupSize() != null) {
      annotations.put(LwsKeys.Annotations.SUBGROUP_SIZE, Integer.toString(config.subGroupSize()));
      if (config.subGroupPolicyType() != null) {
        annotations.put(LwsKeys.Annotations.SUBGROUP_POLICY_TYPE, config.subGroupPolicyType());
      }
      if (config.subGroupExclusiveTopology() != null) {
        annotations.put(
            LwsKeys.Annotations.SUBGROUP_EXCLUSIVE_TOPOLOGY, config.subGroupExclusiveTopology());
      }
      subGroupIndex =
          subGroupIndex(
              w,
              config.size(),
              config.subGroupSize(),
              "LeaderExcluded".equals(config.subGroupPolicyType()));
      if (subGroupIndex != null) {
        String subGroupKey = LwsStandardLabels.sha1Hex(leader + "/" + subGroupIndex);
        labels.put(LwsKeys.Labels.SUBGROUP_INDEX, Integer.toString(subGroupIndex));
        labels.put(LwsKeys.Labels.SUBGROUP_KEY, subGroupKey);
        if (config.subGroupExclusiveTopology() != null) {
          addExclusiveAffinity(
              pod,
              LwsKeys.Labels.SUBGROUP_KEY,
              subGroupKey,
              config.subGroupExclusiveTopology(),
              true);
        }
      }
    }
    metadata.setLabels(labels);
    metadata.setAnnotations(annotations);
    addClaimVolumes(pod);

    String subdomain = pod.getSpec().getSubdomain();
    List<EnvVar> lwsEnv =
        List.of(
            new EnvVar(
                LwsKeys.EnvVars.LWS_LEADER_ADDRESS,
                leader + "." + subdomain + "." + namespace,
                null),
            new EnvVar(LwsKeys.EnvVars.LWS_GROUP_SIZE, Integer.toString(config.size()), null),
            new EnvVar(LwsKeys.EnvVars.LWS_WORKER_INDEX, Integer.toString(w), null));
    if (config.subGroupSize() == null) {
      addTpuEnv(pod, leader, subdomain, w);
    } else if (subGroupIndex != null) {
      addTpuSubGroupEnv(pod, leader, subdomain, w, subGroupIndex, config.subGroupSize());
    }
    prependEnv(pod.getSpec().getContainers(), lwsEnv);
    prependEnv(pod.getSpec().getInitContainers(), lwsEnv);
  }

  /**
   * Upstream's sub-group layout (LWS.md §1.4): when the leader is the extra pod ({@code (S-1) % g
   * == 0} and {@code S % g != 0}) worker w is in {@code (w-1)/g}, otherwise {@code w/g}; the leader
   * is in sub-group 0 unless LeaderExcluded, where it has none.
   */
  static Integer subGroupIndex(int worker, int size, int subGroupSize, boolean leaderExcluded) {
    if (worker == 0) {
      return leaderExcluded ? null : 0;
    }
    boolean leaderIsExtra = (size - 1) % subGroupSize == 0 && size % subGroupSize != 0;
    return leaderIsExtra || leaderExcluded && (size - 1) % subGroupSize == 0 && subGroupSize > 1
        ? (worker - 1) / subGroupSize
        : worker / subGroupSize;
  }

  /** One group (or sub-group) per topology domain: with its own pods, away from other groups. */
  private static void addExclusiveAffinity(
      Pod pod, String key, String value, String topologyKey, boolean repelOthers) {
    Affinity affinity =
        pod.getSpec().getAffinity() == null ? new Affinity() : pod.getSpec().getAffinity();
    PodAffinityTerm together =
        new PodAffinityTermBuilder()
            .withLabelSelector(
                new LabelSelectorBuilder()
                    .withMatchExpressions(
                        new LabelSelectorRequirementBuilder()
                            .withKey(key)
                            .withOperator("In")
                            .withValues(value)
                            .build())
                    .build())
            .withTopologyKey(topologyKey)
            .build();
    PodAffinity podAffinity =
        affinity.getPodAffinity() == null ? new PodAffinity() : affinity.getPodAffinity();
    List<PodAffinityTerm> required = new ArrayList<>();
    required.add(together);
    if (podAffinity.getRequiredDuringSchedulingIgnoredDuringExecution() != null) {
      required.addAll(podAffinity.getRequiredDuringSchedulingIgnoredDuringExecution());
    }
    podAffinity.setRequiredDuringSchedulingIgnoredDuringExecution(required);
    affinity.setPodAffinity(podAffinity);
    if (repelOthers) {
      PodAffinityTerm apart =
          new PodAffinityTermBuilder()
              .withLabelSelector(
                  new LabelSelectorBuilder()
                      .withMatchExpressions(
                          new LabelSelectorRequirementBuilder()
                              .withKey(key)
                              .withOperator("Exists")
                              .build(),
                          new LabelSelectorRequirementBuilder()
                              .withKey(key)
                              .withOperator("NotIn")
                              .withValues(value)
                              .build())
                      .build())
              .withTopologyKey(topologyKey)
              .build();
      PodAntiAffinity anti =
          affinity.getPodAntiAffinity() == null
              ? new PodAntiAffinity()
              : affinity.getPodAntiAffinity();
      List<PodAffinityTerm> requiredApart = new ArrayList<>();
      requiredApart.add(apart);
      if (anti.getRequiredDuringSchedulingIgnoredDuringExecution() != null) {
        requiredApart.addAll(anti.getRequiredDuringSchedulingIgnoredDuringExecution());
      }
      anti.setRequiredDuringSchedulingIgnoredDuringExecution(requiredApart);
      affinity.setPodAntiAffinity(anti);
    }
    pod.getSpec().setAffinity(affinity);
  }

  /**
   * A StatefulSet's per-pod volumes: claim template {@code c} becomes the volume {@code c} backed
   * by the PersistentVolumeClaim {@code <c>-<pod>} (created by the LeaderWorkerSet reconciler).
   */
  private void addClaimVolumes(Pod pod) {
    if (config.volumeClaimTemplates() == null) {
      return;
    }
    List<io.fabric8.kubernetes.api.model.Volume> volumes =
        new ArrayList<>(
            pod.getSpec().getVolumes() == null ? List.of() : pod.getSpec().getVolumes());
    for (String claim : config.volumeClaimTemplates()) {
      if (volumes.stream().noneMatch(v -> claim.equals(v.getName()))) {
        volumes.add(
            new io.fabric8.kubernetes.api.model.VolumeBuilder()
                .withName(claim)
                .withNewPersistentVolumeClaim(claim + "-" + pod.getMetadata().getName(), false)
                .build());
      }
    }
    pod.getSpec().setVolumes(volumes);
  }

  /**
   * TPU_* variables for pods that request TPUs, as upstream's pod webhook sets them (no
   * sub-groups).
   */
  private void addTpuEnv(Pod pod, String leader, String subdomain, int w) {
    List<Container> tpuContainers = new ArrayList<>();
    for (Container c : pod.getSpec().getContainers()) {
      if (requestsTpu(c)) {
        tpuContainers.add(c);
      }
    }
    if (tpuContainers.isEmpty()
        || hasEnv(tpuContainers.get(0), LwsKeys.EnvVars.TPU_WORKER_HOSTNAMES)
        || hasEnv(tpuContainers.get(0), LwsKeys.EnvVars.TPU_WORKER_ID)) {
      return;
    }
    int numC = tpuContainers.size();
    boolean leaderRequestsTpus = w == 0 || config.leaderRequestsTpus();
    int idx = w == 0 ? 0 : (config.leaderRequestsTpus() ? w : w - 1);
    List<String> hosts = new ArrayList<>();
    if (leaderRequestsTpus) {
      for (int i = 0; i < numC; i++) {
        hosts.add(leader + "." + subdomain);
      }
    }
    for (int worker = 1; worker < config.size(); worker++) {
      for (int i = 0; i < numC; i++) {
        hosts.add(leader + "-" + worker + "." + subdomain);
      }
    }
    List<String> addresses = new ArrayList<>();
    for (int k = 0; k < hosts.size(); k++) {
      addresses.add(hosts.get(k) + ":" + (TPU_DEFAULT_PORT + k % numC));
    }
    for (int i = 0; i < numC; i++) {
      Container c = tpuContainers.get(i);
      List<EnvVar> env = new ArrayList<>(c.getEnv() == null ? List.of() : c.getEnv());
      env.add(new EnvVar(LwsKeys.EnvVars.TPU_WORKER_HOSTNAMES, String.join(",", hosts), null));
      env.add(new EnvVar(LwsKeys.EnvVars.TPU_WORKER_ID, Integer.toString(idx * numC + i), null));
      env.add(new EnvVar(LwsKeys.EnvVars.TPU_NAME, leader, null));
      env.add(new EnvVar(LwsKeys.EnvVars.TPU_PROCESS_ADDRESSES, String.join(",", addresses), null));
      if (!hasEnv(c, LwsKeys.EnvVars.TPU_PROCESS_PORT)) {
        env.add(
            new EnvVar(
                LwsKeys.EnvVars.TPU_PROCESS_PORT, Integer.toString(TPU_DEFAULT_PORT + i), null));
      }
      c.setEnv(env);
    }
  }

  /**
   * TPU variables of a pod in a sub-group (upstream: only the first TPU container, one port): the
   * hosts of its sub-group, the leader first when it requests TPUs.
   */
  private void addTpuSubGroupEnv(
      Pod pod, String leader, String subdomain, int w, int subGroupIndex, int g) {
    Container first =
        pod.getSpec().getContainers().stream()
            .filter(LwsPodIdentity::requestsTpu)
            .findFirst()
            .orElse(null);
    if (first == null
        || hasEnv(first, LwsKeys.EnvVars.TPU_WORKER_HOSTNAMES)
        || hasEnv(first, LwsKeys.EnvVars.TPU_WORKER_ID)) {
      return;
    }
    boolean leaderTpus = w == 0 || config.leaderRequestsTpus();
    int id = w % g;
    int sgi = subGroupIndex;
    if (w != 0 && !leaderTpus) {
      id = (w - 1) % g;
      sgi = (w - 1) / g;
    }
    int start = g * sgi + 1;
    int end = g * (sgi + 1);
    List<String> hosts = new ArrayList<>();
    if (w == 0 || leaderTpus && sgi == 0) {
      hosts.add(leader + "." + subdomain);
      for (int i = start; i < end; i++) {
        hosts.add(leader + "-" + i + "." + subdomain);
      }
    } else {
      int from = leaderTpus ? start - 1 : start;
      int to = leaderTpus ? end - 1 : end;
      for (int i = from; i <= to; i++) {
        hosts.add(leader + "-" + i + "." + subdomain);
      }
    }
    List<EnvVar> env = new ArrayList<>(first.getEnv() == null ? List.of() : first.getEnv());
    env.add(new EnvVar(LwsKeys.EnvVars.TPU_WORKER_HOSTNAMES, String.join(",", hosts), null));
    env.add(new EnvVar(LwsKeys.EnvVars.TPU_WORKER_ID, Integer.toString(id), null));
    env.add(new EnvVar(LwsKeys.EnvVars.TPU_NAME, leader, null));
    env.add(
        new EnvVar(
            LwsKeys.EnvVars.TPU_PROCESS_ADDRESSES,
            String.join(",", hosts.stream().map(h -> h + ":" + TPU_DEFAULT_PORT).toList()),
            null));
    if (!hasEnv(first, LwsKeys.EnvVars.TPU_PROCESS_PORT)) {
      env.add(
          new EnvVar(LwsKeys.EnvVars.TPU_PROCESS_PORT, Integer.toString(TPU_DEFAULT_PORT), null));
    }
    first.setEnv(env);
  }

  /** Whether a container requests or limits a non-zero number of TPUs. */
  public static boolean requestsTpu(Container c) {
    if (c.getResources() == null) {
      return false;
    }
    return positive(c.getResources().getRequests()) || positive(c.getResources().getLimits());
  }

  private static boolean positive(Map<String, Quantity> resources) {
    Quantity q = resources == null ? null : resources.get(TPU);
    return q != null && q.getNumericalAmount().signum() > 0;
  }

  private static boolean hasEnv(Container c, String name) {
    return c.getEnv() != null && c.getEnv().stream().anyMatch(e -> name.equals(e.getName()));
  }

  private static void prependEnv(List<Container> containers, List<EnvVar> vars) {
    if (containers == null) {
      return;
    }
    for (Container c : containers) {
      List<EnvVar> env = new ArrayList<>();
      vars.forEach(v -> env.add(new EnvVar(v.getName(), v.getValue(), null)));
      if (c.getEnv() != null) {
        c.getEnv().stream()
            .filter(e -> vars.stream().noneMatch(v -> v.getName().equals(e.getName())))
            .forEach(env::add);
      }
      c.setEnv(env);
    }
  }
}
