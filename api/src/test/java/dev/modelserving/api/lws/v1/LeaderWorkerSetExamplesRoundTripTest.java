package dev.modelserving.api.lws.v1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.modelserving.api.UpstreamFiles;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Reads every LeaderWorkerSet of upstream's examples into {@link LeaderWorkerSet} with the fabric8
 * client's own serialization and writes it back: the result must be the same JSON tree, and nothing
 * may have landed in an {@code additionalProperties} map (which would mean a field our types, or
 * fabric8's, do not know).
 */
class LeaderWorkerSetExamplesRoundTripTest {

  /** The serialization the fabric8 client (and so the controller) uses on the wire. */
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final YAMLMapper YAML = new YAMLMapper();

  /**
   * Object keys whose values are Quantity maps (resources.limits/requests of containers and PVCs),
   * and fields that are a single Quantity (emptyDir.sizeLimit).
   */
  private static final Set<String> QUANTITY_MAPS = Set.of("limits", "requests");

  private static final Set<String> QUANTITY_FIELDS = Set.of("sizeLimit");

  static Stream<Arguments> examples() {
    Path root = UpstreamFiles.lws().resolve("docs/examples");
    return UpstreamFiles.lwsExamples().stream()
        .map(p -> Arguments.of(root.relativize(p).toString(), p));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void everyLeaderWorkerSetRoundTrips(String name, Path file) throws IOException {
    List<JsonNode> sets = leaderWorkerSets(file);
    assertThat(sets).as("LeaderWorkerSets in %s", name).isNotEmpty();

    for (JsonNode original : sets) {
      LeaderWorkerSet lws =
          SERIALIZATION.unmarshal(JSON.writeValueAsString(original), LeaderWorkerSet.class);

      // Spot checks that the typed fields, not a catch-all map, received the values.
      LeaderWorkerTemplate template = lws.getSpec().getLeaderWorkerTemplate();
      assertThat(template).isNotNull();
      assertThat(template.getWorkerTemplate().getSpec().getContainers()).isNotEmpty();
      JsonNode spec = original.path("spec");
      if (spec.has("replicas")) {
        assertThat(lws.getSpec().getReplicas()).isEqualTo(spec.path("replicas").intValue());
      }
      if (spec.path("leaderWorkerTemplate").has("size")) {
        assertThat(template.getSize())
            .isEqualTo(spec.path("leaderWorkerTemplate").path("size").intValue());
      }
      assertThat(unknownFields(lws, ""))
          .as("fields that went to additionalProperties in %s", name)
          .isEmpty();

      JsonNode written = JSON.readTree(SERIALIZATION.asJson(lws));
      List<String> differences = new ArrayList<>();
      diff("", normalized(original, null), written, differences);
      assertThat(differences).as("round-trip differences in %s", name).isEmpty();
    }
  }

  /**
   * Our design choice (like fabric8's own models): a field unknown to the types, e.g. from a newer
   * CRD, is kept and written back rather than failing the read or being dropped on update.
   */
  @Test
  void unknownFieldsArePreservedNotDropped() throws IOException {
    String json =
        """
        {"apiVersion": "leaderworkerset.x-k8s.io/v1", "kind": "LeaderWorkerSet",
         "metadata": {"name": "x"},
         "spec": {"futureSpecField": true,
                  "leaderWorkerTemplate": {
                      "futureTemplateField": {"a": 1},
                      "workerTemplate": {"spec": {"containers": [{"name": "c"}]}}}}}
        """;
    LeaderWorkerSet lws = SERIALIZATION.unmarshal(json, LeaderWorkerSet.class);

    assertThat(lws.getSpec().getAdditionalProperties()).containsOnlyKeys("futureSpecField");
    assertThat(unknownFields(lws, ""))
        .containsExactly(
            ".spec: [futureSpecField]", ".spec.leaderWorkerTemplate: [futureTemplateField]");
    assertThat(JSON.readTree(SERIALIZATION.asJson(lws))).isEqualTo(JSON.readTree(json));
  }

  private static List<JsonNode> leaderWorkerSets(Path file) throws IOException {
    List<JsonNode> sets = new ArrayList<>();
    try (var docs = YAML.readerFor(JsonNode.class).<JsonNode>readValues(file.toFile())) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc != null
            && LeaderWorkerSet.API_VERSION.equals(doc.path("apiVersion").asText())
            && LeaderWorkerSet.KIND.equals(doc.path("kind").asText())) {
          sets.add(doc);
        }
      }
    }
    return sets;
  }

  /**
   * A copy of {@code node} with the representation changes the round trip legitimately makes:
   *
   * <ul>
   *   <li>A Quantity written as a YAML number ({@code cpu: 125}) comes back as a string ({@code
   *       "125"}). The API server parses both into the same Quantity and itself always writes the
   *       string form, so the two are equivalent.
   *   <li>fabric8's {@code PersistentVolumeClaim} constructor presets {@code apiVersion: v1} and
   *       {@code kind: PersistentVolumeClaim}, so volumeClaimTemplates items gain them. The CRD
   *       schema has both fields and they only restate the item's fixed type (StatefulSets show the
   *       same in their templates), so nothing changes in meaning. Beware, though, when hashing a
   *       template the way upstream does: the bytes differ.
   * </ul>
   *
   * IntOrString needs no rule: fabric8 keeps the int or string form it read.
   */
  private static JsonNode normalized(JsonNode node, String key) {
    if (node.isObject()) {
      ObjectNode copy = JSON.createObjectNode();
      boolean quantityMap = key != null && QUANTITY_MAPS.contains(key);
      node.properties()
          .forEach(
              e -> {
                JsonNode value = e.getValue();
                boolean quantity = quantityMap || QUANTITY_FIELDS.contains(e.getKey());
                copy.set(
                    e.getKey(),
                    quantity && value.isNumber()
                        ? TextNode.valueOf(value.asText())
                        : normalized(value, e.getKey()));
              });
      return copy;
    }
    if (node.isArray()) {
      var copy = JSON.createArrayNode();
      for (JsonNode item : node) {
        JsonNode n = normalized(item, null);
        if ("volumeClaimTemplates".equals(key) && n instanceof ObjectNode pvc) {
          pvc.putIfAbsent("apiVersion", TextNode.valueOf("v1"));
          pvc.putIfAbsent("kind", TextNode.valueOf("PersistentVolumeClaim"));
        }
        copy.add(n);
      }
      return copy;
    }
    return node;
  }

  /** Collects the paths where {@code expected} and {@code actual} differ. */
  private static void diff(String path, JsonNode expected, JsonNode actual, List<String> out) {
    if (actual == null || actual.isMissingNode()) {
      out.add(path + ": missing after round trip, was " + expected);
    } else if (expected.isObject() && actual.isObject()) {
      Set<String> names = new TreeSet<>();
      expected.fieldNames().forEachRemaining(names::add);
      actual.fieldNames().forEachRemaining(names::add);
      for (String n : names) {
        if (!expected.has(n)) {
          out.add(path + "." + n + ": added by round trip: " + actual.get(n));
        } else {
          diff(path + "." + n, expected.get(n), actual.get(n), out);
        }
      }
    } else if (expected.isArray() && actual.isArray() && expected.size() == actual.size()) {
      Iterator<JsonNode> a = actual.elements();
      int i = 0;
      for (JsonNode e : expected) {
        diff(path + "[" + i++ + "]", e, a.next(), out);
      }
    } else if (expected.isNumber() && actual.isNumber()) {
      // Same number in a different Java node class (e.g. IntNode vs LongNode) is not a change.
      if (expected.decimalValue().compareTo(actual.decimalValue()) != 0) {
        out.add(path + ": " + expected + " became " + actual);
      }
    } else if (!Objects.equals(expected, actual)) {
      out.add(path + ": " + expected + " became " + actual);
    }
  }

  /**
   * Paths of non-empty {@code additionalProperties} (Jackson any-getter) anywhere in our types and
   * in fabric8's model, found through the same introspection Jackson uses to write the object.
   */
  private static List<String> unknownFields(Object value, String path) {
    List<String> out = new ArrayList<>();
    collectUnknown(value, path, out);
    return out;
  }

  private static void collectUnknown(Object value, String path, List<String> out) {
    if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        collectUnknown(list.get(i), path + "[" + i + "]", out);
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> collectUnknown(v, path + "." + k, out));
      return;
    }
    if (value == null || value.getClass().isEnum() || !isModelClass(value.getClass())) {
      return;
    }
    BeanDescription bean =
        JSON.getSerializationConfig().introspect(JSON.constructType(value.getClass()));
    AnnotatedMember anyGetter = bean.findAnyGetter();
    if (anyGetter != null
        && anyGetter.getValue(value) instanceof Map<?, ?> extra
        && !extra.isEmpty()) {
      out.add(path + ": " + new TreeSet<>(extra.keySet().stream().map(String::valueOf).toList()));
    }
    for (BeanPropertyDefinition p : bean.findProperties()) {
      if (p.hasGetter()) {
        collectUnknown(p.getGetter().getValue(value), path + "." + p.getName(), out);
      }
    }
  }

  private static boolean isModelClass(Class<?> c) {
    return c.getName().startsWith("dev.modelserving.")
        || c.getName().startsWith("io.fabric8.kubernetes.api.model.");
  }
}
