package dev.modelserving.controller.gang;

import dev.modelserving.api.lws.v1.LwsKeys;
import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Annotations;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Conditions;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Labels;
import dev.modelserving.api.v1alpha1.PodTemplate;
import dev.modelserving.api.v1alpha1.Role;
import dev.modelserving.api.volcano.v1beta1.PodGroup;
import dev.modelserving.api.volcano.v1beta1.PodGroupSpec;
import dev.modelserving.api.volcano.v1beta1.SubGroupPolicy;
import dev.modelserving.controller.plan.PodHealth;
import dev.modelserving.controller.podgen.PodNaming;
import dev.modelserving.controller.podgen.ServingGroupPods;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Volcano gang scheduling: which PodGroups a ModelServing's serving groups need, and what their
 * pods carry to join them. Pure; the reconciler applies the {@link Decision}.
 *
 * <p>Two shapes, each as its upstream makes them:
 *
 * <ul>
 *   <li><b>Kthena</b> (a ModelServing): one PodGroup per serving group, named like the group,
 *       controlled by the ModelServing, kept up to date with the current spec (minMember from the
 *       group's pods or {@code gangPolicy.minRoleReplicas}, per-role minimums as subGroupPolicy
 *       when the CRD has it, minResources from the containers' requests, the Queue from the
 *       annotation {@code scheduling.volcano.sh/queue-name}, the priority class the pod templates
 *       share, the group network topology), deleted once its group has no pods left. Pods get
 *       {@code scheduling.k8s.io/group-name: <group>} and {@code volcano.sh/task-spec: <role>-<r>}.
 *   <li><b>LeaderWorkerSet</b> (a ModelServing converted from an LWS): as upstream LWS's Volcano
 *       provider, one PodGroup per group and revision, {@code <lws>-<g>-<revision>}, controlled by
 *       the group's leader pod (garbage-collected with it), created once and never changed;
 *       minMember = size (1 with startupPolicy LeaderReady, whose workers start later),
 *       minResources = leader + (size-1) × worker effective pod requests, the LWS's queue
 *       annotation and its {@code volcano.sh/*} annotations. Every pod gets {@code
 *       scheduling.k8s.io/group-name}.
 * </ul>
 *
 * <p>PodGroups are made when the pods are scheduled by {@code volcano} (Volcano schedules no pod
 * without a PodGroup) and the PodGroup CRD is served. A ModelServing that asks for gang scheduling
 * with {@code gangPolicy} also gets the condition {@code GangScheduling}, False with the reason
 * when no PodGroups can be made.
 */
public final class VolcanoPodGroups {
  public static final String SCHEDULER_NAME = "volcano";

  private VolcanoPodGroups() {}

  /**
   * What one pass knows: the ModelServing, the CRD, its pods as they will be, the PodGroups that
   * exist.
   */
  public record Input(
      ModelServing ms,
      boolean crdServed,
      boolean subGroupPolicySupported,
      Collection<Pod> existingPods,
      Collection<Pod> podsToCreate,
      Collection<PodGroup> podGroupsInNamespace) {}

  /**
   * What to do: PodGroups to apply (create or bring up to date; Kthena shape), to create if absent
   * (LWS shape), to delete, and the {@code GangScheduling} condition (absent without gangPolicy).
   */
  public record Decision(
      List<PodGroup> apply,
      List<PodGroup> create,
      List<PodGroup> delete,
      Optional<GangStatus> status) {
    public static final Decision NONE =
        new Decision(List.of(), List.of(), List.of(), Optional.empty());
  }

  /** The {@code GangScheduling} condition's content. */
  public record GangStatus(boolean ok, String reason, String message) {}

  /**
   * Whether the ModelServing's pods are scheduled by Volcano: its schedulerName, else its pod
   * templates'.
   */
  public static boolean scheduledByVolcano(ModelServing ms) {
    String forced = ms.getSpec().getSchedulerName();
    if (forced != null && !forced.isEmpty()) {
      return SCHEDULER_NAME.equals(forced);
    }
    for (Role role : ms.getSpec().getTemplate().getRoles()) {
      for (PodTemplate t : templates(role)) {
        if (t.getSpec() != null && SCHEDULER_NAME.equals(t.getSpec().getSchedulerName())) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether PodGroups are made for this ModelServing's groups. */
  public static boolean inUse(ModelServing ms, boolean crdServed) {
    return crdServed && scheduledByVolcano(ms);
  }

  /**
   * The annotations that put {@code pod} (built for {@code ms}, after the plugins ran) into its
   * PodGroup; empty when no PodGroups are in use.
   */
  public static Map<String, String> podAnnotations(ModelServing ms, Pod pod, boolean crdServed) {
    if (!inUse(ms, crdServed)) {
      return Map.of();
    }
    Map<String, String> labels =
        pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels();
    Map<String, String> out = new LinkedHashMap<>();
    if (PodNaming.of(ms).leaderWorkerSet()) {
      lwsPodGroupName(labels).ifPresent(n -> out.put(LwsKeys.Annotations.SCHEDULING_GROUP_NAME, n));
    } else if (labels.get(Labels.GROUP_NAME) != null) {
      out.put(LwsKeys.Annotations.SCHEDULING_GROUP_NAME, labels.get(Labels.GROUP_NAME));
      if (labels.get(Labels.ROLE_ID) != null) {
        out.put(Annotations.VOLCANO_TASK_SPEC, labels.get(Labels.ROLE_ID));
      }
    }
    return out;
  }

  public static Decision decide(Input in) {
    ModelServing ms = in.ms();
    boolean volcano = scheduledByVolcano(ms);
    boolean asked = ms.getSpec().getTemplate().getGangPolicy() != null;
    if (!volcano || !in.crdServed()) {
      Optional<GangStatus> status =
          !asked
              ? Optional.empty()
              : !volcano
                  ? Optional.of(
                      new GangStatus(
                          false,
                          Conditions.REASON_SCHEDULER_NOT_VOLCANO,
                          "spec.template.gangPolicy is set but the pods are scheduled by '"
                              + schedulerName(ms)
                              + "': Volcano PodGroups are made only for schedulerName volcano, so the serving groups are not gang-scheduled"))
                  : Optional.of(
                      new GangStatus(
                          false,
                          Conditions.REASON_POD_GROUP_CRD_MISSING,
                          "spec.template.gangPolicy is set but the Volcano PodGroup CRD "
                              + PodGroup.CRD_NAME
                              + " is not served: pods are created without PodGroups and are not gang-scheduled;"
                              + " PodGroups are made as soon as the CRD is installed"));
      return new Decision(List.of(), List.of(), List.of(), status);
    }
    return PodNaming.of(ms).leaderWorkerSet() ? decideLws(in) : decideKthena(in, asked);
  }

  private static Decision decideKthena(Input in, boolean asked) {
    ModelServing ms = in.ms();
    String uid = ms.getMetadata().getUid();
    // A group keeps its PodGroup while it has pods (also terminating ones: a rollout recreates
    // them) or gets new ones in this pass; a group with neither is gone.
    Set<String> groups = new LinkedHashSet<>();
    for (Pod p : in.existingPods()) {
      groups.add(label(p, Labels.GROUP_NAME));
    }
    for (Pod p : in.podsToCreate()) {
      groups.add(label(p, Labels.GROUP_NAME));
    }
    groups.remove(null);
    Map<String, PodGroup> existing = new TreeMap<>();
    in.podGroupsInNamespace().forEach(pg -> existing.put(pg.getMetadata().getName(), pg));

    List<PodGroup> apply = new ArrayList<>();
    List<String> conflicts = new ArrayList<>();
    for (String group : sorted(groups)) {
      PodGroup wanted = forServingGroup(ms, group, in.subGroupPolicySupported());
      PodGroup current = existing.get(group);
      if (current == null) {
        apply.add(wanted);
      } else if (!controlledBy(current, uid)) {
        conflicts.add(group);
      } else if (!sameManagedFields(current, wanted)) {
        apply.add(wanted);
      }
    }
    List<PodGroup> delete = new ArrayList<>();
    for (PodGroup pg : existing.values()) {
      if (controlledBy(pg, uid)
          && !groups.contains(pg.getMetadata().getName())
          && pg.getMetadata().getDeletionTimestamp() == null) {
        delete.add(pg);
      }
    }
    Optional<GangStatus> status = Optional.empty();
    if (asked) {
      status =
          Optional.of(
              conflicts.isEmpty()
                  ? new GangStatus(
                      true,
                      Conditions.REASON_POD_GROUPS_IN_USE,
                      "each serving group has a Volcano PodGroup (minMember " + minMember(ms) + ")")
                  : new GangStatus(
                      false,
                      Conditions.REASON_POD_GROUP_CONFLICT,
                      "PodGroup "
                          + String.join(", ", conflicts)
                          + " exists but is not controlled by this ModelServing;"
                          + " delete it so that the controller can make its own"));
    }
    return new Decision(apply, List.of(), delete, status);
  }

  private static Decision decideLws(Input in) {
    ModelServing ms = in.ms();
    Set<String> existing = new LinkedHashSet<>();
    in.podGroupsInNamespace().forEach(pg -> existing.add(pg.getMetadata().getName()));
    List<PodGroup> create = new ArrayList<>();
    for (Pod pod : in.existingPods()) {
      boolean leader = "0".equals(label(pod, LwsKeys.Labels.WORKER_INDEX));
      if (!leader
          || PodHealth.isTerminating(pod)
          || pod.getMetadata().getUid() == null
          || !SCHEDULER_NAME.equals(
              pod.getSpec() == null ? null : pod.getSpec().getSchedulerName())) {
        continue;
      }
      Optional<PodGroup> wanted = forLwsGroup(ms, pod);
      if (wanted.isPresent() && !existing.contains(wanted.get().getMetadata().getName())) {
        create.add(wanted.get());
      }
    }
    return new Decision(List.of(), create, List.of(), Optional.empty());
  }

  /** The Kthena-shape PodGroup of serving group {@code group}, from the current spec. */
  public static PodGroup forServingGroup(
      ModelServing ms, String group, boolean subGroupPolicySupported) {
    String msName = ms.getMetadata().getName();
    Map<String, BigDecimal> resources = new TreeMap<>();
    List<SubGroupPolicy> subGroups = new ArrayList<>();
    var topology = ms.getSpec().getTemplate().getNetworkTopology();
    for (Role role : ms.getSpec().getTemplate().getRoles()) {
      int min = minRoleReplicas(ms, role);
      int workers = workerReplicas(role);
      PodRequests.addTimes(
          resources,
          PodRequests.ofContainers(
              role.getEntryTemplate() == null ? null : role.getEntryTemplate().getSpec()),
          min);
      if (role.getWorkerTemplate() != null) {
        PodRequests.addTimes(
            resources, PodRequests.ofContainers(role.getWorkerTemplate().getSpec()), workers * min);
      }
      subGroups.add(
          new SubGroupPolicy(
              role.getName(),
              new LabelSelectorBuilder()
                  .addToMatchLabels(Labels.NAME, msName)
                  .addToMatchLabels(Labels.ROLE, role.getName())
                  .build(),
              List.of(Labels.ROLE_ID),
              1 + workers,
              min,
              topology == null ? null : topology.getRolePolicy()));
    }
    String queue = annotation(ms, LwsKeys.Annotations.VOLCANO_QUEUE_NAME);
    PodGroupSpec spec =
        new PodGroupSpec(
            minMember(ms),
            PodRequests.quantities(resources),
            queue,
            sharedPriorityClass(ms),
            topology == null ? null : topology.getGroupPolicy(),
            subGroupPolicySupported ? subGroups : null);
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(Labels.NAME, msName);
    labels.put(Labels.GROUP_NAME, group);
    PodGroup pg = new PodGroup();
    pg.setMetadata(
        new ObjectMetaBuilder()
            .withName(group)
            .withNamespace(ms.getMetadata().getNamespace())
            .withLabels(labels)
            .withAnnotations(Map.of(LwsKeys.Annotations.SCHEDULING_GROUP_NAME, group))
            // As Kthena: controller, without blockOwnerDeletion.
            .withOwnerReferences(
                new OwnerReferenceBuilder(ServingGroupPods.ownerReference(ms))
                    .withBlockOwnerDeletion(null)
                    .build())
            .build());
    pg.setSpec(spec);
    return pg;
  }

  /**
   * The LWS-shape PodGroup of the group led by {@code leader} (a created pod, with its UID and the
   * labels the {@code lws-pod-identity} plugin gave it); empty when those labels are missing.
   */
  public static Optional<PodGroup> forLwsGroup(ModelServing ms, Pod leader) {
    Map<String, String> podLabels =
        leader.getMetadata().getLabels() == null ? Map.of() : leader.getMetadata().getLabels();
    Optional<String> name = lwsPodGroupName(podLabels);
    if (name.isEmpty() || ms.getSpec().getTemplate().getRoles().isEmpty()) {
      return Optional.empty();
    }
    Role role = ms.getSpec().getTemplate().getRoles().get(0);
    int size = ServingGroupPods.groupSize(role);
    Map<String, BigDecimal> resources =
        PodRequests.effective(
            role.getEntryTemplate() == null ? null : role.getEntryTemplate().getSpec());
    if (role.getWorkerTemplate() != null) {
      PodRequests.addTimes(
          resources, PodRequests.effective(role.getWorkerTemplate().getSpec()), size - 1);
    }
    boolean leaderReady =
        Annotations.WORKERS_AFTER_ENTRY_READY.equals(annotation(ms, Annotations.STARTUP_POLICY));
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(LwsKeys.Labels.NAME, podLabels.get(LwsKeys.Labels.NAME));
    labels.put(LwsKeys.Labels.GROUP_INDEX, podLabels.get(LwsKeys.Labels.GROUP_INDEX));
    labels.put(
        LwsKeys.Labels.TEMPLATE_REVISION_HASH,
        podLabels.get(LwsKeys.Labels.TEMPLATE_REVISION_HASH));
    Map<String, String> annotations = new TreeMap<>();
    if (ms.getMetadata().getAnnotations() != null) {
      ms.getMetadata()
          .getAnnotations()
          .forEach(
              (k, v) -> {
                if (k.startsWith(LwsKeys.Annotations.VOLCANO_PREFIX)) {
                  annotations.put(k, v);
                }
              });
    }
    OwnerReference owner =
        new OwnerReferenceBuilder()
            .withApiVersion("v1")
            .withKind("Pod")
            .withName(leader.getMetadata().getName())
            .withUid(leader.getMetadata().getUid())
            // Upstream also sets blockOwnerDeletion; left out here (as on Kthena's PodGroups),
            // since
            // under OwnerReferencesPermissionEnforcement it would need update on pods/finalizers.
            .withController(true)
            .build();
    PodGroup pg = new PodGroup();
    pg.setMetadata(
        new ObjectMetaBuilder()
            .withName(name.get())
            .withNamespace(
                leader.getMetadata().getNamespace() != null
                    ? leader.getMetadata().getNamespace()
                    : ms.getMetadata().getNamespace())
            .withLabels(labels)
            .withAnnotations(annotations.isEmpty() ? null : annotations)
            .withOwnerReferences(owner)
            .build());
    // LeaderReady: the leader is scheduled alone first, yet minResources still asks for the whole
    // group, so a leader that could never get its workers is not started.
    pg.setSpec(
        new PodGroupSpec(
            leaderReady ? 1 : size,
            PodRequests.quantities(resources),
            annotation(ms, LwsKeys.Annotations.VOLCANO_QUEUE_NAME),
            null,
            null,
            null));
    return Optional.of(pg);
  }

  /** Σ over roles of (1 + workerReplicas) × min(minRoleReplicas, replicas). */
  public static int minMember(ModelServing ms) {
    int total = 0;
    for (Role role : ms.getSpec().getTemplate().getRoles()) {
      total += (1 + workerReplicas(role)) * minRoleReplicas(ms, role);
    }
    return total;
  }

  /**
   * Whether the fields this controller sets are as wanted (status and others' fields are not
   * compared).
   */
  public static boolean sameManagedFields(PodGroup current, PodGroup wanted) {
    PodGroupSpec a = current.getSpec();
    PodGroupSpec b = wanted.getSpec();
    if (a == null) {
      return false;
    }
    return Objects.equals(a.minMember(), b.minMember())
        && PodRequests.sameAmounts(a.minResources(), b.minResources())
        && Objects.equals(emptyToNull(a.queue()), emptyToNull(b.queue()))
        && Objects.equals(emptyToNull(a.priorityClassName()), emptyToNull(b.priorityClassName()))
        && Objects.equals(a.networkTopology(), b.networkTopology())
        && Objects.equals(a.subGroupPolicy(), b.subGroupPolicy())
        && contains(current.getMetadata().getLabels(), wanted.getMetadata().getLabels())
        && contains(current.getMetadata().getAnnotations(), wanted.getMetadata().getAnnotations());
  }

  private static Optional<String> lwsPodGroupName(Map<String, String> labels) {
    String lws = labels.get(LwsKeys.Labels.NAME);
    String g = labels.get(LwsKeys.Labels.GROUP_INDEX);
    String rev = labels.get(LwsKeys.Labels.TEMPLATE_REVISION_HASH);
    return lws == null || g == null || rev == null
        ? Optional.empty()
        : Optional.of(lws + "-" + g + "-" + rev);
  }

  private static int minRoleReplicas(ModelServing ms, Role role) {
    int replicas = role.getReplicas() == null ? 1 : Math.max(0, role.getReplicas());
    var gang = ms.getSpec().getTemplate().getGangPolicy();
    Integer min =
        gang == null || gang.getMinRoleReplicas() == null
            ? null
            : gang.getMinRoleReplicas().get(role.getName());
    return min == null ? replicas : Math.max(0, Math.min(min, replicas));
  }

  private static int workerReplicas(Role role) {
    return role.getWorkerReplicas() == null ? 0 : Math.max(0, role.getWorkerReplicas());
  }

  /** The priority class every pod template names, if they all name the same one. */
  private static String sharedPriorityClass(ModelServing ms) {
    Set<String> names = new LinkedHashSet<>();
    for (Role role : ms.getSpec().getTemplate().getRoles()) {
      for (PodTemplate t : templates(role)) {
        names.add(t.getSpec() == null ? null : emptyToNull(t.getSpec().getPriorityClassName()));
      }
    }
    return names.size() == 1 ? names.iterator().next() : null;
  }

  private static List<PodTemplate> templates(Role role) {
    List<PodTemplate> out = new ArrayList<>();
    if (role.getEntryTemplate() != null) {
      out.add(role.getEntryTemplate());
    }
    if (role.getWorkerTemplate() != null && workerReplicas(role) > 0) {
      out.add(role.getWorkerTemplate());
    }
    return out;
  }

  private static String schedulerName(ModelServing ms) {
    String forced = ms.getSpec().getSchedulerName();
    if (forced != null && !forced.isEmpty()) {
      return forced;
    }
    for (Role role : ms.getSpec().getTemplate().getRoles()) {
      for (PodTemplate t : templates(role)) {
        if (t.getSpec() != null && t.getSpec().getSchedulerName() != null) {
          return t.getSpec().getSchedulerName();
        }
      }
    }
    return "default-scheduler";
  }

  private static boolean controlledBy(PodGroup pg, String uid) {
    return pg.getMetadata().getOwnerReferences() != null
        && uid != null
        && pg.getMetadata().getOwnerReferences().stream()
            .anyMatch(r -> Boolean.TRUE.equals(r.getController()) && uid.equals(r.getUid()));
  }

  private static boolean contains(Map<String, String> actual, Map<String, String> wanted) {
    if (wanted == null) {
      return true;
    }
    return actual != null && actual.entrySet().containsAll(wanted.entrySet());
  }

  private static List<String> sorted(Set<String> s) {
    return s.stream().sorted().toList();
  }

  private static String annotation(ModelServing ms, String key) {
    return ms.getMetadata().getAnnotations() == null
        ? null
        : emptyToNull(ms.getMetadata().getAnnotations().get(key));
  }

  private static String label(Pod pod, String key) {
    return pod.getMetadata().getLabels() == null ? null : pod.getMetadata().getLabels().get(key);
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
