package dev.modelserving.controller.podgen;

import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Labels;
import dev.modelserving.api.v1alpha1.Role;
import dev.modelserving.controller.kube.Serialization;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.ControllerRevisionBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * ControllerRevisions of a ModelServing, as Kthena keeps them: {@code <ms>-<revision>}, labelled
 * with the ModelServing's name and the revision, holding {@code {"data": <roles>}}, owned by the
 * ModelServing. They let a group that still runs an older template be rebuilt from it. Pure.
 */
public final class TemplateRevisions {
  private static final KubernetesSerialization SERIALIZATION = Serialization.SHARED;

  private TemplateRevisions() {}

  public static ControllerRevision build(ModelServing ms) {
    return build(ms, Revisions.ofRoles(ms.getSpec().getTemplate().getRoles()));
  }

  /** As {@link #build(ModelServing)}; {@code revision} is the revision of {@code ms}'s roles. */
  public static ControllerRevision build(ModelServing ms, String revision) {
    Map<String, Object> data = new HashMap<>();
    data.put("data", SERIALIZATION.convertValue(ms.getSpec().getTemplate().getRoles(), List.class));
    return new ControllerRevisionBuilder()
        .withNewMetadata()
        .withName(name(ms, revision))
        .withNamespace(ms.getMetadata().getNamespace())
        .addToLabels(Labels.NAME, ms.getMetadata().getName())
        .addToLabels(Labels.REVISION, revision)
        .withOwnerReferences(ServingGroupPods.ownerReference(ms))
        .endMetadata()
        .withRevision(1L)
        .withData(canonical(data))
        .build();
  }

  /** The name of {@code ms}'s ControllerRevision of {@code revision}. */
  public static String name(ModelServing ms, String revision) {
    return ms.getMetadata().getName() + "-" + revision;
  }

  /**
   * {@code data} as the API server re-encodes it (Go's encoding/json of a generic value: object
   * keys sorted, compact, {@code < > &} and U+2028/U+2029 escaped). The API server keeps the bytes
   * it was sent and compares them on every update: a strategic merge patch (the garbage
   * collector's, when it orphans a revision) re-encodes them, and any other byte order is refused
   * as a change of the immutable {@code data}.
   */
  static RawValue canonical(Object data) {
    try {
      return new RawValue(GO_JSON.writeValueAsString(GO_JSON.readTree(SERIALIZATION.asJson(data))));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot encode a ControllerRevision's data", e);
    }
  }

  private static final ObjectMapper GO_JSON =
      JsonMapper.builder()
          .nodeFactory(
              new JsonNodeFactory(false) {
                @Override
                public ObjectNode objectNode() {
                  return new ObjectNode(this, new TreeMap<>()); // sorted keys, as Go writes a map
                }
              })
          .build();

  static {
    GO_JSON
        .getFactory()
        .setCharacterEscapes(
            new CharacterEscapes() {
              private final int[] escapes = standardAsciiEscapesForJSON();

              {
                escapes['<'] = ESCAPE_CUSTOM;
                escapes['>'] = ESCAPE_CUSTOM;
                escapes['&'] = ESCAPE_CUSTOM;
              }

              @Override
              public int[] getEscapeCodesForAscii() {
                return escapes;
              }

              @Override
              public SerializableString getEscapeSequence(int ch) {
                return ch == '<' || ch == '>' || ch == '&' || ch == 0x2028 || ch == 0x2029
                    ? new SerializedString(String.format("\\u%04x", ch))
                    : null;
              }
            });
  }

  /**
   * Revision label to the roles stored under it; unreadable revisions are skipped. Each revision's
   * data is read when the planner first asks for it (most passes ask for none: every group runs the
   * spec's revision), at most once per call.
   */
  public static Map<String, List<Role>> rolesByRevision(List<ControllerRevision> revisions) {
    Map<String, Object> data = new LinkedHashMap<>();
    for (ControllerRevision r : revisions) {
      String revision =
          r.getMetadata().getLabels() == null
              ? null
              : r.getMetadata().getLabels().get(Labels.REVISION);
      if (revision != null) {
        data.put(revision, r.getData());
      }
    }
    return new StoredRoles(data);
  }

  /** The roles of each revision, parsed on first read. */
  private static final class StoredRoles extends AbstractMap<String, List<Role>> {
    private final Map<String, Object> data;
    private final Map<String, Optional<List<Role>>> parsed = new HashMap<>();

    StoredRoles(Map<String, Object> data) {
      this.data = data;
    }

    @Override
    public List<Role> get(Object revision) {
      if (!(revision instanceof String key) || !data.containsKey(key)) {
        return null;
      }
      return parsed.computeIfAbsent(key, k -> roles(data.get(k))).orElse(null);
    }

    @Override
    public boolean containsKey(Object revision) {
      return get(revision) != null;
    }

    @Override
    public Set<Entry<String, List<Role>>> entrySet() {
      Map<String, List<Role>> all = new LinkedHashMap<>();
      for (String revision : data.keySet()) {
        List<Role> roles = get(revision);
        if (roles != null) {
          all.put(revision, roles);
        }
      }
      return Collections.unmodifiableMap(all).entrySet();
    }
  }

  /**
   * The roles in a revision's data: a RawExtension wrapping the decoded JSON as read from the API,
   * or its JSON text as the informer cache keeps it ({@code CachePruning#revisionStore}); empty
   * when it holds no roles (a revision written by something else).
   */
  private static Optional<List<Role>> roles(Object data) {
    Object raw =
        data instanceof io.fabric8.kubernetes.api.model.AnyType any ? any.getValue() : data;
    try {
      if (raw instanceof String json) {
        raw = SERIALIZATION.unmarshal(json, Map.class);
      }
      if (!(raw instanceof Map<?, ?> map) || !(map.get("data") instanceof List<?> list)) {
        return Optional.empty();
      }
      List<Role> parsed = new ArrayList<>();
      for (Object role : list) {
        parsed.add(SERIALIZATION.convertValue(role, Role.class));
      }
      return Optional.of(parsed);
    } catch (RuntimeException e) {
      // a revision written by something else; it cannot serve as a template
      return Optional.empty();
    }
  }

  /** Revisions that neither the spec, the stored current revision nor any live pod uses. */
  public static List<ControllerRevision> unused(
      ModelServing ms, List<ControllerRevision> revisions, List<Pod> pods) {
    return unused(ms, Revisions.ofRoles(ms.getSpec().getTemplate().getRoles()), revisions, pods);
  }

  /** As above; {@code specRevision} is the revision of {@code ms}'s roles. */
  public static List<ControllerRevision> unused(
      ModelServing ms, String specRevision, List<ControllerRevision> revisions, List<Pod> pods) {
    Set<String> used = new HashSet<>();
    used.add(specRevision);
    if (ms.getStatus() != null && ms.getStatus().getCurrentRevision() != null) {
      used.add(ms.getStatus().getCurrentRevision());
    }
    for (Pod p : pods) {
      if (p.getMetadata().getLabels() != null
          && p.getMetadata().getLabels().get(Labels.REVISION) != null) {
        used.add(p.getMetadata().getLabels().get(Labels.REVISION));
      }
    }
    List<ControllerRevision> unused = new ArrayList<>();
    for (ControllerRevision r : revisions) {
      String revision =
          r.getMetadata().getLabels() == null
              ? null
              : r.getMetadata().getLabels().get(Labels.REVISION);
      if (revision != null
          && !used.contains(revision)
          && r.getMetadata().getDeletionTimestamp() == null) {
        unused.add(r);
      }
    }
    return unused;
  }

  /**
   * What the pods run while the spec is invalid, as upstream keeps running the old spec when its
   * webhook refuses an edit: {@code ms} with the template of the last accepted revision
   * (status.updateRevision, stored as a ControllerRevision) and as many serving groups as the
   * status counted, or as {@code knownGroups} when more: status.replicas counts groups with a live
   * pod, so a group whose last pod was just deleted drops out of it before it is repaired. Empty
   * when there is none (the spec was never valid).
   */
  public static java.util.Optional<ModelServing> lastAccepted(
      ModelServing ms, Map<String, List<Role>> rolesByRevision, int knownGroups) {
    var status = ms.getStatus();
    if (status == null
        || status.getUpdateRevision() == null
        || status.getReplicas() == null
        || !rolesByRevision.containsKey(status.getUpdateRevision())) {
      return java.util.Optional.empty();
    }
    ModelServing accepted = SERIALIZATION.clone(ms);
    accepted
        .getSpec()
        .getTemplate()
        .setRoles(new ArrayList<>(rolesByRevision.get(status.getUpdateRevision())));
    accepted.getSpec().setReplicas(Math.max(status.getReplicas(), knownGroups));
    return java.util.Optional.of(accepted);
  }
}
