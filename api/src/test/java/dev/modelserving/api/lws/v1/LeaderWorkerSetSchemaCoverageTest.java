package dev.modelserving.api.lws.v1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.type.TypeFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.modelserving.api.UpstreamFiles;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSetPersistentVolumeClaimRetentionPolicy;
import io.fabric8.kubernetes.client.CustomResource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks the Java types against upstream's CRD: every property of the v1 schema must have a Java
 * property of the same JSON name and a compatible kind (and vice versa, since the API server would
 * prune anything else). The subtrees that are fabric8 model types (pod templates, PVCs, conditions,
 * ...) are only checked for the expected Java type, not descended into: their fabric8 classes are
 * generated from the Kubernetes OpenAPI and are not ours to check.
 */
class LeaderWorkerSetSchemaCoverageTest {

  // Plain Jackson is enough: property discovery depends only on the annotations on our classes.
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final TypeFactory TYPES = MAPPER.getTypeFactory();

  /** Schema paths typed with a fabric8 class, and the Java type each must have. */
  private static final Map<String, JavaType> FABRIC8_SUBTREES = new LinkedHashMap<>();

  static {
    FABRIC8_SUBTREES.put("metadata", TYPES.constructType(ObjectMeta.class));
    FABRIC8_SUBTREES.put(
        "spec.leaderWorkerTemplate.leaderTemplate", TYPES.constructType(PodTemplateSpec.class));
    FABRIC8_SUBTREES.put(
        "spec.leaderWorkerTemplate.workerTemplate", TYPES.constructType(PodTemplateSpec.class));
    FABRIC8_SUBTREES.put(
        "spec.leaderWorkerTemplate.volumeClaimTemplates",
        TYPES.constructCollectionType(List.class, PersistentVolumeClaim.class));
    FABRIC8_SUBTREES.put(
        "spec.leaderWorkerTemplate.persistentVolumeClaimRetentionPolicy",
        TYPES.constructType(StatefulSetPersistentVolumeClaimRetentionPolicy.class));
    FABRIC8_SUBTREES.put(
        "status.conditions", TYPES.constructCollectionType(List.class, Condition.class));
  }

  private static JsonNode crd;
  private static JsonNode v1Schema;

  @BeforeAll
  static void readCrd() throws IOException {
    crd = new YAMLMapper().readTree(UpstreamFiles.lwsCrd().toFile());
    JsonNode versions = crd.path("spec").path("versions");
    assertThat(versions).as("CRD versions").hasSize(1);
    assertThat(versions.get(0).path("name").asText()).isEqualTo(LeaderWorkerSet.VERSION);
    v1Schema = versions.get(0).path("schema").path("openAPIV3Schema");
    assertThat(v1Schema.path("properties").has("spec")).as("v1 schema has spec").isTrue();
  }

  @Test
  void crdNamesMatchTheJavaResource() {
    JsonNode names = crd.path("spec").path("names");
    assertThat(crd.path("spec").path("group").asText())
        .isEqualTo(HasMetadata.getGroup(LeaderWorkerSet.class));
    assertThat(crd.path("metadata").path("name").asText()).isEqualTo(LeaderWorkerSet.CRD_NAME);
    assertThat(names.path("kind").asText()).isEqualTo(HasMetadata.getKind(LeaderWorkerSet.class));
    assertThat(names.path("listKind").asText())
        .isEqualTo(LeaderWorkerSetList.class.getSimpleName());
    assertThat(names.path("plural").asText())
        .isEqualTo(HasMetadata.getPlural(LeaderWorkerSet.class));
    assertThat(names.path("singular").asText())
        .isEqualTo(HasMetadata.getSingular(LeaderWorkerSet.class));
    assertThat(texts(names.path("shortNames")))
        .containsExactly(CustomResource.getShortNames(LeaderWorkerSet.class));
    assertThat(crd.path("spec").path("scope").asText()).isEqualTo(new LeaderWorkerSet().getScope());
  }

  @Test
  void everySchemaPropertyHasAJavaCounterpartOfTheSameKind() {
    List<String> problems = new ArrayList<>();
    Set<String> fabric8Seen = new HashSet<>();
    walkObject("", v1Schema, TYPES.constructType(LeaderWorkerSet.class), problems, fabric8Seen);

    assertThat(problems).as("CRD schema vs Java type mismatches (%d)", problems.size()).isEmpty();
    // A renamed upstream field would otherwise silently drop out of the fabric8 checks.
    assertThat(fabric8Seen)
        .as("fabric8-typed subtrees found in the CRD")
        .containsExactlyInAnyOrderElementsOf(FABRIC8_SUBTREES.keySet());
  }

  /** Compares the properties of an object schema with the Jackson properties of {@code type}. */
  private static void walkObject(
      String path, JsonNode schema, JavaType type, List<String> problems, Set<String> fabric8Seen) {
    Map<String, JavaType> javaProps = jacksonProperties(type, path, problems);
    Set<String> schemaNames = new TreeSet<>();
    schema
        .path("properties")
        .properties()
        .forEach(
            e -> {
              String name = e.getKey();
              schemaNames.add(name);
              String p = path.isEmpty() ? name : path + "." + name;
              JavaType javaType = javaProps.get(name);
              if (javaType == null) {
                problems.add(p + ": no Java property in " + type.getRawClass().getSimpleName());
                return;
              }
              if (FABRIC8_SUBTREES.containsKey(p)) {
                fabric8Seen.add(p);
                JavaType expected = FABRIC8_SUBTREES.get(p);
                if (!javaType.equals(expected)) {
                  problems.add(p + ": Java type " + javaType + ", expected " + expected);
                }
                return;
              }
              checkKind(p, e.getValue(), javaType, problems, fabric8Seen);
            });
    // The reverse: a Java property the schema lacks would be pruned by the API server.
    javaProps.keySet().stream()
        .filter(n -> !schemaNames.contains(n))
        .forEach(
            n ->
                problems.add(
                    (path.isEmpty() ? n : path + "." + n)
                        + ": Java property not in the CRD schema"));
  }

  private static void checkKind(
      String path,
      JsonNode schema,
      JavaType javaType,
      List<String> problems,
      Set<String> fabric8Seen) {
    String crdKind =
        schema.path("x-kubernetes-int-or-string").asBoolean()
            ? "int-or-string"
            : schema.path("type").asText("<none>");
    String javaKind = kindOf(javaType);
    if (!crdKind.equals(javaKind)) {
      problems.add(path + ": CRD " + crdKind + " but Java " + javaType + " (" + javaKind + ")");
      return;
    }
    switch (crdKind) {
      case "integer" -> {
        // int32 must not silently become long (or the reverse): Go would reject/overflow.
        String format = schema.path("format").asText();
        Class<?> expected = "int64".equals(format) ? Long.class : Integer.class;
        if (javaType.getRawClass() != expected) {
          problems.add(
              path
                  + ": format "
                  + format
                  + " wants "
                  + expected.getSimpleName()
                  + ", Java has "
                  + javaType.getRawClass().getSimpleName());
        }
      }
      case "string" -> checkEnum(path, schema, javaType, problems);
      case "object" -> {
        if (schema.has("properties")) {
          walkObject(path, schema, javaType, problems, fabric8Seen);
        }
      }
      case "array" ->
          checkKind(
              path + "[]", schema.path("items"), javaType.getContentType(), problems, fabric8Seen);
      default -> {}
    }
  }

  /** A CRD enum must be a Java enum with exactly the same wire values, and vice versa. */
  private static void checkEnum(
      String path, JsonNode schema, JavaType javaType, List<String> problems) {
    Class<?> raw = javaType.getRawClass();
    if (!schema.has("enum")) {
      if (raw.isEnum()) {
        problems.add(path + ": Java enum " + raw.getSimpleName() + " but no enum in the CRD");
      }
      return;
    }
    if (!raw.isEnum()) {
      problems.add(path + ": CRD enum " + schema.get("enum") + " but Java " + raw.getSimpleName());
      return;
    }
    Set<String> javaValues =
        Arrays.stream(raw.getEnumConstants())
            .map(c -> MAPPER.valueToTree(c).asText())
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> crdValues = new TreeSet<>(texts(schema.get("enum")));
    if (!javaValues.equals(crdValues)) {
      problems.add(
          path + ": CRD enum " + crdValues + " but Java " + raw.getSimpleName() + " " + javaValues);
    }
  }

  private static String kindOf(JavaType t) {
    Class<?> raw = t.getRawClass();
    if (IntOrString.class.isAssignableFrom(raw)) {
      return "int-or-string";
    }
    if (raw == String.class || raw.isEnum()) {
      return "string";
    }
    if (raw == Integer.class || raw == Long.class || raw == int.class || raw == long.class) {
      return "integer";
    }
    if (raw == Boolean.class || raw == boolean.class) {
      return "boolean";
    }
    if (t.isCollectionLikeType() || t.isArrayType()) {
      return "array";
    }
    return "object";
  }

  /**
   * JSON name to type of the properties Jackson would both write and read for {@code type}. The
   * any-getter/any-setter pair (additionalProperties) is not a property, so it does not count.
   */
  private static Map<String, JavaType> jacksonProperties(
      JavaType type, String path, List<String> problems) {
    Map<String, JavaType> ser = new LinkedHashMap<>();
    List<BeanPropertyDefinition> serProps =
        MAPPER.getSerializationConfig().introspect(type).findProperties();
    for (BeanPropertyDefinition p : serProps) {
      if (p.couldSerialize()) {
        ser.put(p.getName(), p.getPrimaryType());
      }
    }
    Set<String> deser =
        MAPPER.getDeserializationConfig().introspect(type).findProperties().stream()
            .filter(BeanPropertyDefinition::couldDeserialize)
            .map(BeanPropertyDefinition::getName)
            .collect(Collectors.toSet());
    ser.keySet().stream()
        .filter(n -> !deser.contains(n))
        .forEach(
            n ->
                problems.add(
                    (path.isEmpty() ? n : path + "." + n)
                        + ": Java property is not readable from JSON"));
    return ser;
  }

  private static List<String> texts(JsonNode array) {
    return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
  }
}
