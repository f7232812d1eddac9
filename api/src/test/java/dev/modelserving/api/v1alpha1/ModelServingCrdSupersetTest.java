package dev.modelserving.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelserving.api.UpstreamFiles;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our generated CRD must accept everything Kthena's accepts: same identity, subresources and
 * printer columns, and every property path of Kthena's schema present in ours with the same type,
 * the same CEL rules, enums, defaults and validation keywords (and at least its required fields).
 * Ours may have more (newer PodSpec fields). Known differences are waived, with reasons, in {@link
 * #WAIVERS}.
 *
 * <p>Paths are written {@code spec.template.roles[].name}, with {@code []} for array items and
 * {@code {}} for map values.
 */
class ModelServingCrdSupersetTest {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /** A known difference the generator cannot remove: one check waived at a path and below. */
  private record Waiver(String path, String check, String reason) {}

  private static final String POD_TEMPLATES = "spec.template.roles[].";

  private static final List<Waiver> WAIVERS =
      List.of(
          new Waiver(
              "apiVersion",
              "missing",
              "the generator never writes the root fields every"
                  + " object has; the API server validates them itself"),
          new Waiver("kind", "missing", "as apiVersion"),
          new Waiver("metadata", "missing", "as apiVersion"),
          new Waiver(
              "",
              "format",
              "Jackson's schema model has no int32/int64 (or date-time) format;"
                  + " the API server does not enforce integer formats"),
          new Waiver(
              POD_TEMPLATES + "entryTemplate.spec",
              "validation",
              "fabric8's PodSpec carries"
                  + " no required lists or Quantity patterns; the looser schema accepts everything"
                  + " Kthena's does, and the Pod API validates each pod the controller creates"),
          new Waiver(POD_TEMPLATES + "workerTemplate.spec", "validation", "as entryTemplate.spec"),
          new Waiver(
              "spec.schedulerName",
              "default",
              "deliberate: Kthena defaults it to volcano, so"
                  + " pods never schedule without Volcano (its documented gap); ours leaves it unset and"
                  + " pods keep their template's scheduler, the cluster default unless named"),
          new Waiver(
              "status.conditions[]",
              "validation",
              "fabric8's Condition has no metav1"
                  + " validation markers; only the controller writes status"));

  private static final List<String> VALIDATION_KEYWORDS =
      List.of(
          "pattern",
          "minLength",
          "maxLength",
          "minimum",
          "maximum",
          "exclusiveMinimum",
          "exclusiveMaximum",
          "minItems",
          "maxItems",
          "minProperties",
          "maxProperties",
          "format");

  private static JsonNode kthena;
  private static JsonNode ours;

  @BeforeAll
  static void load() throws IOException {
    kthena = read(UpstreamFiles.kthenaModelServingCrd());
    ours = read(Path.of("target/classes/META-INF/fabric8/" + ModelServing.CRD_NAME + "-v1.yml"));
  }

  private static JsonNode read(Path file) throws IOException {
    return SERIALIZATION.convertValue(
        SERIALIZATION.unmarshal(Files.readString(file), Map.class), JsonNode.class);
  }

  private static JsonNode version(JsonNode crd) {
    JsonNode versions = crd.at("/spec/versions");
    assertThat(versions).hasSize(1);
    return versions.get(0);
  }

  @Test
  void sameIdentity() {
    assertThat(ours.at("/metadata/name").asText()).isEqualTo(kthena.at("/metadata/name").asText());
    for (String field :
        List.of(
            "/spec/group",
            "/spec/scope",
            "/spec/names/kind",
            "/spec/names/plural",
            "/spec/names/singular")) {
      assertThat(ours.at(field)).as(field).isEqualTo(kthena.at(field));
    }
    // The generator never writes listKind; the API server defaults it to <kind>List.
    assertThat(listKind(ours)).isEqualTo(listKind(kthena)).isEqualTo("ModelServingList");
    assertThat(strings(ours.at("/spec/names/shortNames")))
        .isEqualTo(strings(kthena.at("/spec/names/shortNames")));
    assertThat(strings(ours.at("/spec/names/categories")))
        .isEqualTo(strings(kthena.at("/spec/names/categories")));
    for (String field : List.of("/name", "/served", "/storage")) {
      assertThat(version(ours).at(field)).as(field).isEqualTo(version(kthena).at(field));
    }
  }

  @Test
  void sameSubresources() {
    assertThat(version(ours).get("subresources")).isEqualTo(version(kthena).get("subresources"));
  }

  @Test
  void samePrinterColumns() {
    // Compared as a set: the generator orders columns by jsonPath and has no way to keep
    // Kthena's order (Replicas, Available, Updated, Age), so `kubectl get` lists them as
    // Age, Available, Replicas, Updated. Names, types, paths and descriptions are the same.
    assertThat(printerColumns(ours)).isEqualTo(printerColumns(kthena));
  }

  @Test
  void schemaIsSupersetOfKthenas() {
    List<String> problems = new ArrayList<>();
    compare(
        "",
        version(kthena).at("/schema/openAPIV3Schema"),
        version(ours).at("/schema/openAPIV3Schema"),
        problems);
    assertThat(problems)
        .as(
            "%d differences from Kthena's schema:%n%s",
            problems.size(), String.join("\n", problems))
        .isEmpty();
  }

  private static void compare(String path, JsonNode theirs, JsonNode mine, List<String> problems) {
    if (mine == null || mine.isMissingNode()) {
      problem(path, "missing", "missing in ours", problems);
      return;
    }
    if (!typeOf(theirs).equals(typeOf(mine))) {
      problem(path, "type", "type " + typeOf(mine) + ", Kthena has " + typeOf(theirs), problems);
    }
    if (theirs.path("x-kubernetes-preserve-unknown-fields").asBoolean()
        && !mine.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
      problem(
          path, "preserve-unknown-fields", "lacks x-kubernetes-preserve-unknown-fields", problems);
    }
    Set<JsonNode> myRules = new HashSet<>();
    mine.path("x-kubernetes-validations").forEach(myRules::add);
    for (JsonNode rule : theirs.path("x-kubernetes-validations")) {
      if (!myRules.contains(rule)) {
        problem(path, "validations", "lacks CEL rule " + rule, problems);
      }
    }
    if (theirs.has("enum") && !strings(theirs.get("enum")).equals(strings(mine.get("enum")))) {
      problem(
          path,
          "enum",
          "enum " + mine.get("enum") + ", Kthena has " + theirs.get("enum"),
          problems);
    }
    if (theirs.has("default") && !theirs.get("default").equals(mine.get("default"))) {
      problem(
          path,
          "default",
          "default " + mine.get("default") + ", Kthena has " + theirs.get("default"),
          problems);
    }
    for (String keyword : VALIDATION_KEYWORDS) {
      if (theirs.has(keyword) && !sameValue(theirs.get(keyword), mine.get(keyword))) {
        problem(
            path,
            keyword.equals("format") ? "format" : "validation",
            keyword + " " + mine.get(keyword) + ", Kthena has " + theirs.get(keyword),
            problems);
      }
    }
    if (!strings(mine.get("required")).containsAll(strings(theirs.get("required")))) {
      problem(
          path,
          "validation",
          "required " + mine.get("required") + ", Kthena has " + theirs.get("required"),
          problems);
    }
    theirs
        .path("properties")
        .properties()
        .forEach(
            e ->
                compare(
                    path.isEmpty() ? e.getKey() : path + "." + e.getKey(),
                    e.getValue(),
                    mine.path("properties").path(e.getKey()),
                    problems));
    if (theirs.has("items")) {
      compare(path + "[]", theirs.get("items"), mine.path("items"), problems);
    }
    if (theirs.path("additionalProperties").isObject()) {
      compare(
          path + "{}",
          theirs.get("additionalProperties"),
          mine.path("additionalProperties"),
          problems);
    }
  }

  /** Numbers compare by value: the generator writes {@code minimum: 0.0} for Kthena's 0. */
  private static boolean sameValue(JsonNode theirs, JsonNode mine) {
    if (theirs.isNumber() && mine != null && mine.isNumber()) {
      return theirs.decimalValue().compareTo(mine.decimalValue()) == 0;
    }
    return theirs.equals(mine);
  }

  private static void problem(String path, String check, String text, List<String> problems) {
    boolean waived =
        WAIVERS.stream()
            .anyMatch(
                w ->
                    w.check().equals(check)
                        && (w.path().isEmpty()
                            || path.equals(w.path())
                            || path.startsWith(w.path() + ".")
                            || path.startsWith(w.path() + "[")));
    if (!waived) {
      problems.add(path + ": " + text);
    }
  }

  /** int-or-string fields carry {@code anyOf} instead of a type: a type of their own here. */
  private static String typeOf(JsonNode schema) {
    if (schema.path("x-kubernetes-int-or-string").asBoolean()) {
      return "int-or-string";
    }
    return schema.path("type").asText("<none>");
  }

  private static String listKind(JsonNode crd) {
    JsonNode listKind = crd.at("/spec/names/listKind");
    return listKind.isMissingNode()
        ? crd.at("/spec/names/kind").asText() + "List"
        : listKind.asText();
  }

  private static Set<String> strings(JsonNode array) {
    Set<String> values = new HashSet<>();
    if (array != null) {
      array.forEach(v -> values.add(v.asText()));
    }
    return values;
  }

  /** name -> type, jsonPath and description. */
  private static Map<String, List<String>> printerColumns(JsonNode crd) {
    Map<String, List<String>> columns = new TreeMap<>();
    StreamSupport.stream(version(crd).path("additionalPrinterColumns").spliterator(), false)
        .forEach(
            c ->
                columns.put(
                    c.path("name").asText(),
                    List.of(
                        c.path("type").asText(),
                        c.path("jsonPath").asText(),
                        c.path("description").asText(""))));
    return columns;
  }
}
