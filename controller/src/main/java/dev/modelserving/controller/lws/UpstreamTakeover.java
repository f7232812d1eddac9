package dev.modelserving.controller.lws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.lws.v1.LwsKeys;
import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Env;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Labels;
import dev.modelserving.api.v1alpha1.Role;
import dev.modelserving.controller.kube.Serialization;
import dev.modelserving.controller.plugin.HookRequest;
import dev.modelserving.controller.plugin.PluginChain;
import dev.modelserving.controller.plugin.PluginException;
import dev.modelserving.controller.podgen.PodNames;
import dev.modelserving.controller.podgen.Revisions;
import dev.modelserving.controller.podgen.ServingGroupPods;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.RuleWithOperations;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Taking a running LeaderWorkerSet over from the upstream LWS controller (pure; the shell is {@code
 * reconciler/UpstreamTakeoverShell}). Upstream runs each LWS as a leader StatefulSet {@code L} plus
 * one worker StatefulSet {@code L-<g>} per group, with pods named exactly as ours. The takeover:
 *
 * <ol>
 *   <li>stands aside while the upstream controller still drives the LWS ({@link #upstreamActive});
 *   <li>orphans the StatefulSets (deleted with {@code propagationPolicy: Orphan}, workers first),
 *       so that the pods keep running with no owner;
 *   <li>adopts every pod ({@link #adopt}): ownership moves to the ModelServing and the pod gets
 *       exactly the labels and annotations ours would carry. A pod that runs the current template
 *       with the identity ours would give it is kept as up to date (no restart); any other pod is
 *       marked with an outdated revision, so that the ModelServing's rolling update replaces it
 *       group by group within the LWS's own maxUnavailable and maxSurge;
 *   <li>adopts the headless Services in place (same names, so DNS names stay) and deletes
 *       upstream's ControllerRevisions.
 * </ol>
 *
 * <p>What cannot change without a restart stays: adopted pods lack Kthena's three extra variables
 * ({@code ENTRY_ADDRESS}, {@code WORKER_INDEX}, {@code GROUP_SIZE}, which hold the same values as
 * the {@code LWS_*} ones) until their group is next rolled.
 */
public final class UpstreamTakeover {
  /**
   * A StatefulSet changed by someone other than the kube-controller-manager this recently is being
   * driven.
   */
  public static final Duration RECENT = Duration.ofSeconds(30);

  /** Field manager of the kube-controller-manager (StatefulSet status), which keeps running. */
  static final String KCM_MANAGER = "kube-controller-manager";

  /** Prefix of the revision label of adopted pods that run another template. */
  public static final String OUTDATED_PREFIX = "lws-";

  /**
   * Labels the StatefulSet controller puts on its pods; ours carry the last two with the same
   * values (the lws-pod-identity plugin), not controller-revision-hash.
   */
  static final Set<String> STATEFULSET_LABELS =
      Set.of(
          "controller-revision-hash",
          "statefulset.kubernetes.io/pod-name",
          "apps.kubernetes.io/pod-index");

  private static final KubernetesSerialization SERIALIZATION = Serialization.SHARED;
  private static final Set<String> KTHENA_ENV =
      Set.of(Env.ENTRY_ADDRESS, Env.WORKER_INDEX, Env.GROUP_SIZE);

  private UpstreamTakeover() {}

  // ---- is the upstream controller still at work? ----

  /**
   * Names of webhook configurations that belong to the upstream LWS controller: one with a webhook
   * on {@code leaderworkersets} whose webhooks serve nothing but upstream LWS's own API groups
   * ({@code leaderworkerset.x-k8s.io}, {@code disaggregatedset.x-k8s.io}) and pods. Others that
   * also watch LeaderWorkerSets (Kueue's configuration, which serves {@code kueue.x-k8s.io} too) do
   * not count. Ours registers none.
   */
  public static List<String> upstreamWebhooks(
      List<MutatingWebhookConfiguration> mutating,
      List<ValidatingWebhookConfiguration> validating) {
    List<String> names = new ArrayList<>();
    for (MutatingWebhookConfiguration c : mutating) {
      List<List<RuleWithOperations>> rules =
          (c.getWebhooks() == null ? List.<MutatingWebhook>of() : c.getWebhooks())
              .stream().map(MutatingWebhook::getRules).toList();
      if (upstreamShaped(rules)) {
        names.add("MutatingWebhookConfiguration " + c.getMetadata().getName());
      }
    }
    for (ValidatingWebhookConfiguration c : validating) {
      List<List<RuleWithOperations>> rules =
          (c.getWebhooks() == null ? List.<ValidatingWebhook>of() : c.getWebhooks())
              .stream().map(ValidatingWebhook::getRules).toList();
      if (upstreamShaped(rules)) {
        names.add("ValidatingWebhookConfiguration " + c.getMetadata().getName());
      }
    }
    return names;
  }

  private static final Set<String> UPSTREAM_GROUPS =
      Set.of(LeaderWorkerSet.GROUP, "disaggregatedset.x-k8s.io", "");

  private static boolean upstreamShaped(List<List<RuleWithOperations>> webhookRules) {
    boolean onLws = webhookRules.stream().anyMatch(UpstreamTakeover::onLeaderWorkerSets);
    boolean onlyUpstreamGroups =
        webhookRules.stream()
            .allMatch(
                rules ->
                    rules == null
                        || rules.stream()
                            .allMatch(
                                r ->
                                    r.getApiGroups() != null
                                        && UPSTREAM_GROUPS.containsAll(r.getApiGroups())));
    return onLws && onlyUpstreamGroups;
  }

  private static boolean onLeaderWorkerSets(List<RuleWithOperations> rules) {
    return rules != null
        && rules.stream()
            .anyMatch(
                r ->
                    r.getApiGroups() != null
                        && r.getResources() != null
                        && (r.getApiGroups().contains(LeaderWorkerSet.GROUP)
                            || r.getApiGroups().contains("*"))
                        && r.getResources().stream()
                            .anyMatch(res -> res.equals("leaderworkersets") || res.equals("*")));
  }

  /**
   * Why the upstream controller is taken to be still driving this LWS, or empty: its webhooks are
   * registered, or one of the StatefulSets was changed by a manager other than the
   * kube-controller-manager (and ours) within {@link #RECENT}.
   */
  public static Optional<String> upstreamActive(
      List<String> webhooks, List<StatefulSet> statefulSets, String ownManager, Instant now) {
    if (!webhooks.isEmpty()) {
      return Optional.of(
          "the upstream LWS controller's webhooks are registered ("
              + String.join(", ", webhooks)
              + "): stop the upstream LWS controller and delete its webhook configurations first; this LeaderWorkerSet"
              + " is left as it is until then");
    }
    for (StatefulSet s : statefulSets) {
      Optional<ManagedFieldsEntry> recent = lastForeignChange(s, ownManager);
      if (recent.isPresent()) {
        Instant at = Instant.parse(recent.get().getTime());
        if (at.isAfter(now.minus(RECENT))) {
          // The time of the change, not "seconds ago": the message stays the same until the next
          // change.
          return Optional.of(
              "StatefulSet "
                  + s.getMetadata().getName()
                  + " was changed by \""
                  + recent.get().getManager()
                  + "\" at "
                  + recent.get().getTime()
                  + ": the upstream LWS controller still"
                  + " drives this LeaderWorkerSet; stop it first (this controller takes over once nothing has changed the"
                  + " StatefulSets for "
                  + RECENT.toSeconds()
                  + "s)");
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The most recent managedFields entry of a manager other than the kube-controller-manager and
   * ours.
   */
  static Optional<ManagedFieldsEntry> lastForeignChange(HasMetadata object, String ownManager) {
    List<ManagedFieldsEntry> entries = object.getMetadata().getManagedFields();
    if (entries == null) {
      return Optional.empty();
    }
    return entries.stream()
        .filter(e -> e.getTime() != null && e.getManager() != null)
        .filter(e -> !e.getManager().equals(KCM_MANAGER) && !e.getManager().equals(ownManager))
        .max(Comparator.comparing(e -> Instant.parse(e.getTime())));
  }

  // ---- the StatefulSets ----

  /**
   * Upstream's StatefulSets of the LWS {@code lwsName}: the leader set {@code L} and the worker
   * sets {@code L-<g>}.
   */
  public static List<StatefulSet> upstreamStatefulSets(
      String lwsName, List<StatefulSet> candidates) {
    return candidates.stream()
        .filter(s -> lwsName.equals(label(s, LwsKeys.Labels.NAME)))
        .filter(
            s ->
                s.getMetadata().getName().equals(lwsName)
                    || PodNames.ordinalAfter(lwsName, s.getMetadata().getName()).isPresent())
        .toList();
  }

  /**
   * The order in which the StatefulSets are orphaned: worker sets first (their owner is the leader
   * pod, which a later replacement deletes), then the leader set.
   */
  public static List<StatefulSet> orphanOrder(String lwsName, List<StatefulSet> sets) {
    List<StatefulSet> order = new ArrayList<>(sets);
    order.sort(
        Comparator.comparing((StatefulSet s) -> s.getMetadata().getName().equals(lwsName))
            .thenComparing(s -> s.getMetadata().getName()));
    return order;
  }

  /** Whether a StatefulSet still owns the pod (the garbage collector has not orphaned it yet). */
  public static boolean ownedByStatefulSet(Pod pod) {
    List<OwnerReference> refs = pod.getMetadata().getOwnerReferences();
    return refs != null && refs.stream().anyMatch(r -> "StatefulSet".equals(r.getKind()));
  }

  // ---- templates: which upstream revision is the current template? ----

  /**
   * Upstream's revision keys (the pods' {@code template-revision-hash}) that stand for the LWS's
   * current template. Upstream stores each revision as a ControllerRevision of the LWS holding
   * {@code spec.leaderWorkerTemplate} and {@code spec.networkConfig}; a revision is current when
   * those equal the LWS's own, defaults applied, ignoring empty and null fields (Go and fabric8
   * write them differently).
   */
  public static Set<String> currentRevisionKeys(
      LeaderWorkerSet lws, List<ControllerRevision> revisions) {
    JsonNode current = podShapingPart(LwsDefaults.sharing(lws));
    Set<String> keys = new TreeSet<>();
    for (ControllerRevision r : revisions) {
      String key = label(r, LwsKeys.Labels.TEMPLATE_REVISION_HASH);
      Optional<LeaderWorkerSet> recorded = recordedTemplate(lws, r);
      if (key != null
          && recorded.isPresent()
          && podShapingPart(LwsDefaults.sharing(recorded.get())).equals(current)) {
        keys.add(key);
      }
    }
    return keys;
  }

  /**
   * The LWS with the template a revision recorded, or empty when the revision is not upstream's
   * shape.
   */
  static Optional<LeaderWorkerSet> recordedTemplate(
      LeaderWorkerSet lws, ControllerRevision revision) {
    try {
      JsonNode data = SERIALIZATION.convertValue(revision.getData(), JsonNode.class);
      JsonNode spec = data == null ? null : data.get("spec");
      if (spec == null || !spec.hasNonNull("leaderWorkerTemplate")) {
        return Optional.empty();
      }
      ObjectNode lwsJson = SERIALIZATION.convertValue(lws, ObjectNode.class);
      ObjectNode lwsSpec = (ObjectNode) lwsJson.get("spec");
      lwsSpec.set("leaderWorkerTemplate", withoutPatchDirectives(spec.get("leaderWorkerTemplate")));
      if (spec.hasNonNull("networkConfig")) {
        lwsSpec.set("networkConfig", withoutPatchDirectives(spec.get("networkConfig")));
      } else {
        lwsSpec.remove("networkConfig");
      }
      return Optional.of(SERIALIZATION.convertValue(lwsJson, LeaderWorkerSet.class));
    } catch (RuntimeException e) {
      return Optional.empty(); // not a revision upstream wrote: it never counts as current
    }
  }

  private static JsonNode withoutPatchDirectives(JsonNode node) {
    JsonNode copy = node.deepCopy();
    if (copy instanceof ObjectNode o) {
      o.remove("$patch");
    }
    return copy;
  }

  static JsonNode podShapingPart(LeaderWorkerSet defaulted) {
    ObjectNode node = SERIALIZATION.convertValue(Map.of(), ObjectNode.class);
    node.set(
        "leaderWorkerTemplate",
        SERIALIZATION.convertValue(defaulted.getSpec().getLeaderWorkerTemplate(), JsonNode.class));
    node.set(
        "networkConfig",
        SERIALIZATION.convertValue(defaulted.getSpec().getNetworkConfig(), JsonNode.class));
    return pruned(node);
  }

  /** A copy without nulls, empty objects and empty arrays, at every level. */
  static JsonNode pruned(JsonNode node) {
    JsonNode copy = node.deepCopy();
    prune(copy);
    return copy;
  }

  private static boolean prune(JsonNode node) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = ((ObjectNode) node).properties().iterator();
      while (it.hasNext()) {
        if (prune(it.next().getValue())) {
          it.remove();
        }
      }
      return node.isEmpty();
    }
    if (node.isArray()) {
      for (JsonNode element : node) {
        prune(element);
      }
      return node.isEmpty();
    }
    return node.isNull();
  }

  // ---- pods ----

  /**
   * What adopting {@code live} takes: its labels and annotations afterwards, and whether it is kept
   * as up to date. {@code desired} is the pod ours would create in its place (same name).
   *
   * @param currentKeys upstream revision keys of the current template ({@link
   *     #currentRevisionKeys})
   */
  public record Adoption(
      Pod live,
      boolean upToDate,
      String why,
      Map<String, String> labels,
      Map<String, String> annotations) {}

  public static Adoption adopt(Pod live, Pod desired, Set<String> currentKeys) {
    Optional<String> difference = difference(live, desired, currentKeys);
    Map<String, String> labels = new LinkedHashMap<>(desired.getMetadata().getLabels());
    if (difference.isPresent()) {
      // The rollout replaces it: a revision ours never computes marks it outdated.
      String key =
          Objects.requireNonNullElse(label(live, LwsKeys.Labels.TEMPLATE_REVISION_HASH), "unknown");
      String marker = truncate(OUTDATED_PREFIX + key, 63);
      labels.put(Labels.REVISION, marker);
      labels.put(Labels.ROLE_TEMPLATE_HASH, marker);
      labels.put(LwsKeys.Labels.TEMPLATE_REVISION_HASH, key);
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    if (live.getMetadata().getAnnotations() != null) {
      annotations.putAll(live.getMetadata().getAnnotations());
    }
    if (desired.getMetadata().getAnnotations() != null) {
      annotations.putAll(desired.getMetadata().getAnnotations());
    }
    return new Adoption(
        live,
        difference.isEmpty(),
        difference.orElse("runs the current template"),
        labels,
        annotations);
  }

  /** Why {@code live} is not what ours would create, or empty when it is. */
  static Optional<String> difference(Pod live, Pod desired, Set<String> currentKeys) {
    String key = label(live, LwsKeys.Labels.TEMPLATE_REVISION_HASH);
    if (key == null || !currentKeys.contains(key)) {
      return Optional.of("runs template revision " + key + ", not the current template");
    }
    for (String identity :
        List.of(
            LwsKeys.Labels.NAME,
            LwsKeys.Labels.GROUP_INDEX,
            LwsKeys.Labels.WORKER_INDEX,
            LwsKeys.Labels.GROUP_KEY,
            LwsKeys.Labels.SUBGROUP_INDEX,
            LwsKeys.Labels.SUBGROUP_KEY)) {
      if (!Objects.equals(label(live, identity), label(desired, identity))) {
        return Optional.of(
            "label "
                + identity
                + " is "
                + label(live, identity)
                + ", not "
                + label(desired, identity));
      }
    }
    if (!Objects.equals(live.getSpec().getHostname(), desired.getSpec().getHostname())
        || !Objects.equals(live.getSpec().getSubdomain(), desired.getSpec().getSubdomain())) {
      return Optional.of(
          "DNS name "
              + live.getSpec().getHostname()
              + "."
              + live.getSpec().getSubdomain()
              + " differs from "
              + desired.getSpec().getHostname()
              + "."
              + desired.getSpec().getSubdomain());
    }
    Optional<String> containers =
        containerDifference(
            "container", live.getSpec().getContainers(), desired.getSpec().getContainers());
    return containers.isPresent()
        ? containers
        : containerDifference(
            "init container",
            live.getSpec().getInitContainers(),
            desired.getSpec().getInitContainers());
  }

  /** Same containers by name and image, and the same injected variables (Kthena's three aside). */
  private static Optional<String> containerDifference(
      String what, List<Container> live, List<Container> desired) {
    List<Container> l = live == null ? List.of() : live;
    List<Container> d = desired == null ? List.of() : desired;
    if (!l.stream()
        .map(Container::getName)
        .toList()
        .equals(d.stream().map(Container::getName).toList())) {
      return Optional.of(
          what
              + "s "
              + l.stream().map(Container::getName).toList()
              + " differ from "
              + d.stream().map(Container::getName).toList());
    }
    for (int i = 0; i < l.size(); i++) {
      Container lc = l.get(i);
      Container dc = d.get(i);
      if (!Objects.equals(lc.getImage(), dc.getImage())) {
        return Optional.of(
            what + " " + lc.getName() + " runs image " + lc.getImage() + ", not " + dc.getImage());
      }
      Map<String, EnvVar> liveEnv = byName(lc.getEnv());
      for (EnvVar wanted : dc.getEnv() == null ? List.<EnvVar>of() : dc.getEnv()) {
        if (KTHENA_ENV.contains(wanted.getName())) {
          continue;
        }
        EnvVar have = liveEnv.get(wanted.getName());
        if (have == null
            || !Objects.equals(have.getValue(), wanted.getValue())
            || !Objects.equals(have.getValueFrom(), wanted.getValueFrom())) {
          return Optional.of(
              what
                  + " "
                  + lc.getName()
                  + " has "
                  + wanted.getName()
                  + "="
                  + (have == null ? "<unset>" : have.getValue())
                  + ", not "
                  + wanted.getValue());
        }
      }
    }
    return Optional.empty();
  }

  private static Map<String, EnvVar> byName(List<EnvVar> env) {
    Map<String, EnvVar> map = new LinkedHashMap<>();
    if (env != null) {
      env.forEach(e -> map.putIfAbsent(e.getName(), e));
    }
    return map;
  }

  /**
   * The group and worker index of an upstream pod of {@code lwsName} from its name ({@code L-g} or
   * {@code L-g-w}), or empty for a name neither controller gives.
   */
  public static Optional<int[]> slot(String lwsName, String podName) {
    OptionalInt leader = PodNames.ordinalAfter(lwsName, podName);
    if (leader.isPresent()) {
      return Optional.of(new int[] {leader.getAsInt(), 0});
    }
    int dash = podName.lastIndexOf('-');
    if (dash <= 0) {
      return Optional.empty();
    }
    OptionalInt group = PodNames.ordinalAfter(lwsName, podName.substring(0, dash));
    String worker = podName.substring(dash + 1);
    if (group.isEmpty() || !worker.matches("[1-9][0-9]{0,8}")) {
      return Optional.empty();
    }
    return Optional.of(new int[] {group.getAsInt(), Integer.parseInt(worker)});
  }

  /**
   * The pod ours would create as worker {@code w} of group {@code g} of {@code ms} (an LWS's
   * ModelServing, one role, one replica), plugins applied.
   */
  public static Pod desiredPod(ModelServing ms, int g, int w) throws PluginException {
    Role role = ms.getSpec().getTemplate().getRoles().get(0);
    String revision = Revisions.ofRoles(ms.getSpec().getTemplate().getRoles());
    Pod pod =
        ServingGroupPods.buildPod(
            ms,
            role,
            new ServingGroupPods.Position(g, role.getName(), 0, w),
            revision,
            Revisions.ofRole(role));
    PluginChain.build(ms)
        .onPodCreate(
            new HookRequest(
                ms,
                PodNames.group(ms.getMetadata().getName(), g),
                g,
                role.getName(),
                PodNames.roleId(role.getName(), 0),
                w == 0,
                w,
                pod));
    return pod;
  }

  /** Groups whose pods are replaced, for the Event: those with at least one pod not up to date. */
  public static TreeMap<Integer, List<String>> groupsToReplace(
      String lwsName, List<Adoption> adoptions) {
    TreeMap<Integer, List<String>> groups = new TreeMap<>();
    for (Adoption a : adoptions) {
      if (!a.upToDate()) {
        slot(lwsName, a.live().getMetadata().getName())
            .ifPresent(
                s ->
                    groups
                        .computeIfAbsent(s[0], k -> new ArrayList<>())
                        .add(a.live().getMetadata().getName() + " " + a.why()));
      }
    }
    return groups;
  }

  private static String label(HasMetadata o, String key) {
    return o.getMetadata().getLabels() == null ? null : o.getMetadata().getLabels().get(key);
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }
}
