package dev.modelserving.controller.podgen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelserving.api.v1alpha1.Role;
import dev.modelserving.controller.kube.Serialization;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Revision hashes of a ModelServing template. The revision covers what shapes pods: role names,
 * templates and worker counts, in order; it leaves out role replicas and the rolling-update knobs
 * (maxUnavailable, partition), as Kthena does, so scaling never rolls pods. The hash is SHA-256
 * over canonical JSON (object keys sorted, nulls and empty objects as serialised by fabric8),
 * shortened to 10 lowercase hex-like characters from Kubernetes' safe alphabet so that it is a
 * valid label value and stable across restarts and versions of this controller.
 */
public final class Revisions {
  private static final KubernetesSerialization SERIALIZATION = Serialization.SHARED;
  private static final ObjectMapper CANONICAL =
      new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  // Kubernetes' rand.SafeEncodeString alphabet: no vowels, no look-alike digits.
  private static final char[] ALPHABET = "bcdfghjklmnpqrstvwxz2456789".toCharArray();

  private Revisions() {}

  /** Revision of a whole serving group template (all roles, in order). */
  public static String ofRoles(List<Role> roles) {
    ArrayNode array = CANONICAL.createArrayNode();
    for (Role role : roles) {
      array.add(podShapingPart(role));
    }
    return hash(array);
  }

  /**
   * {@link #ofRoles} and {@link #ofRole} of every role at once, each role serialised once ({@link
   * TemplateHashes#of}).
   */
  static TemplateHashes ofTemplate(List<Role> roles) {
    ArrayNode array = CANONICAL.createArrayNode();
    Map<String, String> roleHashes = new java.util.HashMap<>();
    for (Role role : roles) {
      JsonNode part = podShapingPart(role);
      array.add(part);
      roleHashes.put(role.getName(), hash(part));
    }
    return new TemplateHashes(hash(array), roleHashes);
  }

  /** Hash of one role's pod-shaping part; the pod label {@code role-template-hash}. */
  public static String ofRole(Role role) {
    return hash(podShapingPart(role));
  }

  private static JsonNode podShapingPart(Role role) {
    ObjectNode node = SERIALIZATION.convertValue(role, ObjectNode.class);
    node.remove(List.of("replicas", "maxUnavailable", "partition"));
    return node;
  }

  public static String hash(JsonNode node) {
    try {
      byte[] canonical = CANONICAL.writeValueAsBytes(sorted(node));
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical);
      StringBuilder out = new StringBuilder(10);
      for (int i = 0; i < 10; i++) {
        out.append(ALPHABET[(digest[i] & 0xff) % ALPHABET.length]);
      }
      return out.toString();
    } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot hash template", e);
    }
  }

  /** A copy with object keys in sorted order at every level (arrays keep their order). */
  private static Object sorted(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new TreeMap<>();
      node.properties().forEach(e -> map.put(e.getKey(), sorted(e.getValue())));
      return map;
    }
    if (node.isArray()) {
      return java.util.stream.StreamSupport.stream(node.spliterator(), false)
          .map(Revisions::sorted)
          .toList();
    }
    return node;
  }
}
