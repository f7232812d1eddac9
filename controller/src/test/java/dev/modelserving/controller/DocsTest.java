package dev.modelserving.controller;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.modelserving.api.UpstreamFiles;
import dev.modelserving.api.lws.v1.LwsKeys;
import dev.modelserving.api.v1alpha1.ModelServingKeys;
import dev.modelserving.controller.plugin.LwsPodIdentity;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Keeps the user docs honest: {@code docs/labels-annotations-env.md} lists exactly the keys the
 * code defines, and {@code docs/lws-mapping.md} covers every field of the upstream LWS v1 spec.
 */
class DocsTest {
  private static final Path DOCS = Path.of("..", "docs");
  private static final Path KEYS_DOC = DOCS.resolve("labels-annotations-env.md");
  private static final Path MAPPING_DOC = DOCS.resolve("lws-mapping.md");

  /** Classes whose constants are label, annotation or env keys. */
  private static final List<Class<?>> KEY_CLASSES =
      List.of(
          LwsKeys.Labels.class,
          LwsKeys.Annotations.class,
          LwsKeys.EnvVars.class,
          LwsKeys.Kueue.class,
          ModelServingKeys.Labels.class,
          ModelServingKeys.Annotations.class,
          ModelServingKeys.Env.class,
          // Keys that live beside the code that uses them.
          LwsPodIdentity.class);

  /** Env classes: there an UPPER_CASE value is a variable name. */
  private static final Set<Class<?>> ENV_CLASSES =
      Set.of(LwsKeys.EnvVars.class, ModelServingKeys.Env.class);

  /**
   * Kubernetes keys the doc names (upstream pods carry them from their StatefulSets) that the code
   * has no reason to define.
   */
  private static final Set<String> EXTERNAL_KEYS = Set.of("controller-revision-hash");

  /**
   * A qualified key {@code prefix/name}; a bare prefix ({@code volcano.sh/}) names a family, not a
   * key.
   */
  private static final Pattern QUALIFIED_KEY = Pattern.compile("[a-z0-9.-]+/[A-Za-z0-9._-]+");

  private static final Pattern ENV_NAME = Pattern.compile("[A-Z][A-Z0-9_]*");
  private static final Pattern BACKTICKED = Pattern.compile("`([^`]+)`");

  /**
   * The LWS fields whose contents are Kubernetes core types, mapped wholesale, not field by field.
   */
  private static final Set<String> OPAQUE_SUBTREES =
      Set.of(
          "spec.leaderWorkerTemplate.leaderTemplate",
          "spec.leaderWorkerTemplate.workerTemplate",
          "spec.leaderWorkerTemplate.volumeClaimTemplates");

  // ---- labels-annotations-env.md ----

  @Test
  void everyKeyConstantIsDocumented() throws IOException {
    // A row of its own, not a passing mention in some sentence.
    Set<String> documented =
        new TreeSet<>(tableKeys(Files.readString(KEYS_DOC, StandardCharsets.UTF_8)));
    Map<String, String> keys = keyConstants();
    assertThat(keys).as("key constants found by reflection").hasSizeGreaterThan(40);
    List<String> missing = new ArrayList<>();
    keys.forEach(
        (constant, value) -> {
          if (!documented.contains(value)) {
            missing.add(constant + " = " + value);
          }
        });
    assertThat(missing)
        .as(
            "key constants without a table row in %s (add one, key in backticks in the first cell)",
            KEYS_DOC)
        .isEmpty();
  }

  @Test
  void everyDocumentedKeyIsAConstant() throws IOException {
    Set<String> known = new TreeSet<>(allStringConstants());
    known.addAll(EXTERNAL_KEYS);
    List<String> rows = tableKeys(Files.readString(KEYS_DOC, StandardCharsets.UTF_8));
    assertThat(rows).as("keys in the tables of %s", KEYS_DOC).hasSizeGreaterThan(40);
    List<String> unknown =
        rows.stream()
            // `volcano.sh/*` stands for the prefix constant "volcano.sh/".
            .map(k -> k.endsWith("/*") ? k.substring(0, k.length() - 1) : k)
            .filter(k -> !known.contains(k))
            .toList();
    assertThat(unknown)
        .as(
            "keys in %s that no constant defines (typo, or add it to LwsKeys/ModelServingKeys or EXTERNAL_KEYS)",
            KEYS_DOC)
        .isEmpty();
  }

  /**
   * Key constants, by {@code Class.FIELD}: String constants whose value is a qualified key, or an
   * UPPER_CASE variable name in an env class. Values such as {@code ENTRY_TRUE} or {@code
   * LeaderWorkerSet} are not keys, and prefixes (ending in '/') name families of keys.
   */
  static Map<String, String> keyConstants() {
    Map<String, String> keys = new TreeMap<>();
    for (Class<?> c : KEY_CLASSES) {
      stringConstants(c)
          .forEach(
              (name, value) -> {
                if (QUALIFIED_KEY.matcher(value).matches()
                    || ENV_CLASSES.contains(c) && ENV_NAME.matcher(value).matches()) {
                  keys.put(c.getSimpleName() + "." + name, value);
                }
              });
    }
    return keys;
  }

  private static Set<String> allStringConstants() {
    Set<String> values = new TreeSet<>();
    KEY_CLASSES.forEach(c -> values.addAll(stringConstants(c).values()));
    return values;
  }

  /**
   * Every static final String field, public or not (the reconciler keeps its keys package-private).
   */
  private static Map<String, String> stringConstants(Class<?> c) {
    Map<String, String> constants = new TreeMap<>();
    for (Field f : c.getDeclaredFields()) {
      int m = f.getModifiers();
      if (Modifier.isStatic(m) && Modifier.isFinal(m) && f.getType() == String.class) {
        try {
          f.setAccessible(true);
          constants.put(f.getName(), (String) f.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return constants;
  }

  /** The backticked entries of the first cell of every table whose header starts with "Key". */
  static List<String> tableKeys(String markdown) {
    List<String> keys = new ArrayList<>();
    boolean inKeyTable = false;
    for (String line : markdown.lines().toList()) {
      if (!line.startsWith("|")) {
        inKeyTable = false;
        continue;
      }
      String firstCell = line.substring(1, line.indexOf('|', 1)).trim();
      if (firstCell.equals("Key")) {
        inKeyTable = true;
      } else if (inKeyTable && !firstCell.startsWith("---")) {
        Matcher m = BACKTICKED.matcher(firstCell);
        boolean any = false;
        while (m.find()) {
          keys.add(m.group(1));
          any = true;
        }
        assertThat(any).as("table row without a backticked key: %s", line).isTrue();
      }
    }
    return keys;
  }

  private static Set<String> backticked(String markdown) {
    Set<String> spans = new TreeSet<>();
    Matcher m = BACKTICKED.matcher(markdown);
    while (m.find()) {
      spans.add(m.group(1));
    }
    return spans;
  }

  // ---- lws-mapping.md ----

  @Test
  void mappingCoversEveryLwsSpecField() throws IOException {
    JsonNode crd = new YAMLMapper().readTree(UpstreamFiles.lwsCrd().toFile());
    JsonNode spec =
        crd.path("spec")
            .path("versions")
            .get(0)
            .path("schema")
            .path("openAPIV3Schema")
            .path("properties")
            .path("spec");
    List<String> fields = new ArrayList<>();
    collectFields(spec, "spec", fields);
    assertThat(fields)
        .as("LWS spec fields in the CRD")
        .contains("spec.replicas", "spec.rolloutStrategy.rollingUpdateConfiguration.maxSurge")
        .hasSizeGreaterThan(20);
    Set<String> documented = backticked(Files.readString(MAPPING_DOC, StandardCharsets.UTF_8));
    assertThat(fields.stream().filter(f -> !documented.contains(f)).toList())
        .as(
            "LWS spec fields missing from %s (name each by its full path in backticks)",
            MAPPING_DOC)
        .isEmpty();
  }

  /**
   * Every property path below {@code node}, depth first; opaque subtrees are named but not entered.
   */
  private static void collectFields(JsonNode node, String path, List<String> out) {
    JsonNode properties = node.path("properties");
    if (node.path("type").asText().equals("array")) {
      properties = node.path("items").path("properties");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> property = it.next();
      String child = path + "." + property.getKey();
      out.add(child);
      if (!OPAQUE_SUBTREES.contains(child)) {
        collectFields(property.getValue(), child, out);
      }
    }
  }
}
