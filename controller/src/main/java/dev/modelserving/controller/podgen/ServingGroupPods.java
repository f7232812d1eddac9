package dev.modelserving.controller.podgen;

import dev.modelserving.api.lws.v1.LwsKeys;
import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Env;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Labels;
import dev.modelserving.api.v1alpha1.PodTemplate;
import dev.modelserving.api.v1alpha1.Role;
import dev.modelserving.controller.kube.Serialization;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the pods and headless Services of a ModelServing's role replicas: pure functions of the
 * ModelServing, the position of the pod and its revision. Controller labels always win over
 * template labels of the same key, because the controller finds its pods by them.
 */
public final class ServingGroupPods {
  private static final KubernetesSerialization SERIALIZATION = Serialization.SHARED;

  private ServingGroupPods() {}

  /**
   * Where a pod sits: serving group ordinal, role, role replica ordinal and worker index (0 =
   * entry).
   */
  public record Position(int group, String role, int roleOrdinal, int worker) {
    public boolean isEntry() {
      return worker == 0;
    }
  }

  /** Labels that identify the role replica a pod or Service belongs to. */
  public static Map<String, String> roleReplicaLabels(
      String ms, int group, String role, int roleOrdinal) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Labels.NAME, ms);
    labels.put(Labels.GROUP_NAME, PodNames.group(ms, group));
    labels.put(Labels.ROLE, role);
    labels.put(Labels.ROLE_ID, PodNames.roleId(role, roleOrdinal));
    return labels;
  }

  /**
   * The pod at {@code position}, built from the role's entry or worker template. Returns a new
   * object each call; callers may change it (plugins do) before creating it.
   */
  public static Pod buildPod(
      ModelServing ms, Role role, Position position, String revision, String roleTemplateHash) {
    String msName = ms.getMetadata().getName();
    String namespace = ms.getMetadata().getNamespace();
    PodTemplate template = position.isEntry() ? role.getEntryTemplate() : role.getWorkerTemplate();
    if (template == null) {
      throw new IllegalArgumentException(
          "role "
              + role.getName()
              + " has no "
              + (position.isEntry() ? "entryTemplate" : "workerTemplate"));
    }

    Map<String, String> labels = new LinkedHashMap<>();
    Map<String, String> annotations = new LinkedHashMap<>();
    if (template.getMetadata() != null) {
      if (template.getMetadata().getLabels() != null) {
        labels.putAll(template.getMetadata().getLabels());
      }
      if (template.getMetadata().getAnnotations() != null) {
        annotations.putAll(template.getMetadata().getAnnotations());
      }
    }
    labels.putAll(
        roleReplicaLabels(msName, position.group(), position.role(), position.roleOrdinal()));
    labels.put(Labels.REVISION, revision);
    labels.put(Labels.ROLE_TEMPLATE_HASH, roleTemplateHash);
    if (position.isEntry()) {
      labels.put(Labels.ENTRY, Labels.ENTRY_TRUE);
    } else {
      labels.remove(Labels.ENTRY);
    }

    PodNaming naming = PodNaming.of(ms);
    labels.put(Labels.WORKER_INDEX, Integer.toString(position.worker()));
    ObjectMeta metadata = new ObjectMeta();
    metadata.setName(
        naming.pod(position.group(), position.role(), position.roleOrdinal(), position.worker()));
    metadata.setNamespace(namespace);
    metadata.setLabels(labels);
    metadata.setAnnotations(annotations.isEmpty() ? null : annotations);
    metadata.setOwnerReferences(List.of(ownerReference(ms)));

    PodSpec spec =
        template.getSpec() == null ? new PodSpec() : SERIALIZATION.clone(template.getSpec());
    if (ms.getSpec().getSchedulerName() != null && !ms.getSpec().getSchedulerName().isEmpty()) {
      spec.setSchedulerName(ms.getSpec().getSchedulerName());
    }
    if (naming.leaderWorkerSet()) {
      // Stable DNS names as a StatefulSet gives them: <pod>.<subdomain>.<namespace>.
      spec.setHostname(metadata.getName());
      spec.setSubdomain(naming.service(position.group(), position.role(), position.roleOrdinal()));
    }
    String entryAddress =
        naming.entryAddress(position.group(), position.role(), position.roleOrdinal(), namespace);
    List<EnvVar> injected =
        List.of(
            new EnvVar(Env.ENTRY_ADDRESS, entryAddress, null),
            new EnvVar(Env.WORKER_INDEX, Integer.toString(position.worker()), null),
            new EnvVar(Env.GROUP_SIZE, Integer.toString(groupSize(role)), null));
    injectEnvFirst(spec.getContainers(), injected);
    injectEnvFirst(spec.getInitContainers(), injected);

    Pod pod = new Pod();
    pod.setApiVersion("v1");
    pod.setKind("Pod");
    pod.setMetadata(metadata);
    pod.setSpec(spec);
    return pod;
  }

  /**
   * Whether the role replicas of {@code role} get a headless Service (Kthena: only with workers).
   */
  public static boolean wantsHeadlessService(ModelServing ms, Role role) {
    return PodNaming.of(ms).leaderWorkerSet() || role.getWorkerTemplate() != null;
  }

  /**
   * The headless Service of a role replica. Kthena's resolves {@code <entryPod>.<namespace>} to the
   * entry pod only; with LeaderWorkerSet naming it is the pods' subdomain and selects every pod of
   * the LWS (Shared, one Service) or of the group (UniquePerReplica) by upstream's labels.
   */
  public static Service buildHeadlessService(
      ModelServing ms, int group, String role, int roleOrdinal) {
    String msName = ms.getMetadata().getName();
    PodNaming naming = PodNaming.of(ms);
    Map<String, String> selector;
    Map<String, String> labels;
    if (naming.leaderWorkerSet()) {
      // As upstream: labelled with the LWS name and selecting by upstream's pod labels (the
      // lws-pod-identity plugin sets them); our name label too, for our own watch.
      selector = new LinkedHashMap<>();
      selector.put(LwsKeys.Labels.NAME, msName);
      if (naming.uniquePerReplica()) {
        selector.put(LwsKeys.Labels.GROUP_INDEX, Integer.toString(group));
      }
      labels = new LinkedHashMap<>();
      labels.put(LwsKeys.Labels.NAME, msName);
      labels.put(Labels.NAME, msName);
    } else {
      selector = roleReplicaLabels(msName, group, role, roleOrdinal);
      selector.remove(Labels.NAME);
      selector.put(Labels.ENTRY, Labels.ENTRY_TRUE);
      labels = roleReplicaLabels(msName, group, role, roleOrdinal);
    }
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(naming.service(group, role, roleOrdinal))
        .withNamespace(ms.getMetadata().getNamespace())
        .withLabels(labels)
        .withOwnerReferences(ownerReference(ms))
        .endMetadata()
        .withNewSpec()
        .withClusterIP("None")
        .withPublishNotReadyAddresses(true)
        .withSelector(selector)
        .endSpec()
        .build();
  }

  /** Pods per role replica: the entry pod plus its workers. */
  public static int groupSize(Role role) {
    return 1 + Math.max(0, role.getWorkerReplicas() == null ? 0 : role.getWorkerReplicas());
  }

  public static OwnerReference ownerReference(ModelServing ms) {
    return new OwnerReferenceBuilder()
        .withApiVersion(ms.getApiVersion())
        .withKind(ms.getKind())
        .withName(ms.getMetadata().getName())
        .withUid(ms.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(true)
        .build();
  }

  /** Puts {@code vars} first in every container, replacing variables of the same name. */
  static void injectEnvFirst(List<Container> containers, List<EnvVar> vars) {
    if (containers == null) {
      return;
    }
    for (Container container : containers) {
      List<EnvVar> env =
          new ArrayList<>(
              vars.size() + (container.getEnv() == null ? 0 : container.getEnv().size()));
      // Copies: plugins may change one container's variables without touching the others.
      vars.forEach(v -> env.add(new EnvVar(v.getName(), v.getValue(), null)));
      if (container.getEnv() != null) {
        for (EnvVar existing : container.getEnv()) {
          if (vars.stream().noneMatch(v -> v.getName().equals(existing.getName()))) {
            env.add(existing);
          }
        }
      }
      container.setEnv(env);
    }
  }
}
