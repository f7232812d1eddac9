package dev.modelserving.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.modelserving.api.UpstreamFiles;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every upstream Kthena ModelServing example deserializes into {@link ModelServing} and serializes
 * back without losing or changing a field, so the types cover what users already write.
 */
class ModelServingExamplesTest {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static List<Path> examples() {
    return UpstreamFiles.kthenaModelServingExamples();
  }

  @ParameterizedTest
  @MethodSource("examples")
  void roundTripsWithoutLosingFields(Path example) throws IOException {
    List<JsonNode> modelServings = new ArrayList<>();
    String yaml = Files.readString(example);
    try (var docs = YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
      docs.forEachRemaining(
          doc -> {
            if (doc != null && "ModelServing".equals(doc.path("kind").asText())) {
              modelServings.add(doc);
            }
          });
    }
    assertThat(modelServings).as("ModelServing documents in %s", example).isNotEmpty();

    for (JsonNode original : modelServings) {
      ModelServing ms = SERIALIZATION.unmarshal(original.toString(), ModelServing.class);
      assertThat(ms.getSpec().getTemplate().getRoles()).isNotEmpty();
      JsonNode back = SERIALIZATION.convertValue(ms, JsonNode.class);

      List<String> differences = new ArrayList<>();
      compare("", original, back, differences);
      assertThat(differences)
          .as(
              "%s (%s) does not round-trip:%n%s",
              example.getFileName(),
              original.at("/metadata/name").asText(),
              String.join("\n", differences))
          .isEmpty();
    }
  }

  private static void compare(String path, JsonNode expected, JsonNode actual, List<String> out) {
    if (actual == null || actual.isMissingNode() || actual.isNull()) {
      // fabric8's model omits empty lists (JsonInclude NON_EMPTY), as Go's omitempty does, and
      // Kubernetes treats an empty list like an absent one (e.g. `containers: []` in an example).
      // An empty object is not harmless (`emptyDir: {}` means something), so it still counts.
      if (!(expected.isArray() && expected.isEmpty())) {
        out.add(path + ": lost (was " + expected + ")");
      }
    } else if (expected.isObject() && actual.isObject()) {
      var names = new TreeSet<String>();
      expected.fieldNames().forEachRemaining(names::add);
      actual.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        if (!expected.has(name)) {
          out.add(path + "." + name + ": added (" + actual.get(name) + ")");
        } else {
          compare(path + "." + name, expected.get(name), actual.get(name), out);
        }
      }
    } else if (expected.isArray() && actual.isArray() && expected.size() == actual.size()) {
      for (int i = 0; i < expected.size(); i++) {
        compare(path + "[" + i + "]", expected.get(i), actual.get(i), out);
      }
    } else if (!sameScalar(expected, actual)) {
      out.add(path + ": " + expected + " became " + actual);
    }
  }

  /**
   * Harmless differences: YAML integers may come back as another Jackson number class, and a
   * Quantity written as a bare number ({@code cpu: 8}) comes back as a string ({@code "8"}); the
   * API server and kubectl treat both forms the same.
   */
  private static boolean sameScalar(JsonNode expected, JsonNode actual) {
    if (expected.isNumber() && actual.isNumber()) {
      return expected.decimalValue().compareTo(actual.decimalValue()) == 0;
    }
    if (expected.isNumber() && actual.isTextual()) {
      return expected.asText().equals(actual.asText());
    }
    return expected.equals(actual);
  }
}
