package dev.modelserving.controller.plugin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.api.v1alpha1.PluginSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Built-in {@code demo-pod-tweaks} (Kthena's {@code demo_plugin.go}): sets the pod's
 * runtimeClassName, merges annotations over the pod's, and appends env vars to every container and
 * init container. Config: {@code {runtimeClassName: string, annotations: {string: string}, env:
 * [EnvVar]}}, every field optional.
 */
public final class DemoPodTweaks implements Plugin {
  public static final String NAME = "demo-pod-tweaks";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> FIELDS = Set.of("runtimeClassName", "annotations", "env");

  private final String runtimeClassName;
  private final Map<String, String> annotations;
  private final List<EnvVar> env;

  DemoPodTweaks(String runtimeClassName, Map<String, String> annotations, List<EnvVar> env) {
    this.runtimeClassName = runtimeClassName;
    this.annotations = Map.copyOf(annotations);
    this.env = List.copyOf(env);
  }

  /** Parses {@code spec.config}; an absent or null config changes nothing. */
  public static DemoPodTweaks fromSpec(PluginSpec spec) throws PluginConfigException {
    return fromConfig(spec.getConfig());
  }

  static DemoPodTweaks fromConfig(JsonNode config) throws PluginConfigException {
    if (config == null || config.isNull() || config.isMissingNode()) {
      return new DemoPodTweaks(null, Map.of(), List.of());
    }
    if (!config.isObject()) {
      throw new PluginConfigException(
          "config must be an object with runtimeClassName, annotations and env, got "
              + kind(config));
    }
    // Unlike Go's json.Unmarshal we refuse unknown fields: a misspelt key would silently do
    // nothing.
    for (Iterator<String> names = config.fieldNames(); names.hasNext(); ) {
      String field = names.next();
      if (!FIELDS.contains(field)) {
        throw new PluginConfigException(
            "unknown field \""
                + field
                + "\"; allowed fields are runtimeClassName, annotations, env");
      }
    }
    return new DemoPodTweaks(
        parseRuntimeClassName(config.get("runtimeClassName")),
        parseAnnotations(config.get("annotations")),
        parseEnv(config.get("env")));
  }

  private static String parseRuntimeClassName(JsonNode node) throws PluginConfigException {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new PluginConfigException("runtimeClassName must be a string, got " + kind(node));
    }
    return node.asText().isEmpty() ? null : node.asText();
  }

  private static Map<String, String> parseAnnotations(JsonNode node) throws PluginConfigException {
    if (node == null || node.isNull()) {
      return Map.of();
    }
    if (!node.isObject()) {
      throw new PluginConfigException(
          "annotations must be an object of string values, got " + kind(node));
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      if (!entry.getValue().isTextual()) {
        throw new PluginConfigException(
            "annotations."
                + entry.getKey()
                + " must be a string, got "
                + kind(entry.getValue())
                + " (quote numbers and booleans)");
      }
      annotations.put(entry.getKey(), entry.getValue().asText());
    }
    return annotations;
  }

  private static List<EnvVar> parseEnv(JsonNode node) throws PluginConfigException {
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new PluginConfigException(
          "env must be a list of env vars like {name: X, value: Y}, got " + kind(node));
    }
    List<EnvVar> env = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      JsonNode item = node.get(i);
      if (!item.isObject()) {
        throw new PluginConfigException(
            "env[" + i + "] must be an object like {name: X, value: Y}, got " + kind(item));
      }
      EnvVar var;
      try {
        var = JSON.treeToValue(item, EnvVar.class);
      } catch (JsonProcessingException e) {
        throw new PluginConfigException(
            "env[" + i + "] is not a valid env var: " + e.getOriginalMessage(), e);
      }
      if (var.getName() == null || var.getName().isEmpty()) {
        throw new PluginConfigException("env[" + i + "].name is required");
      }
      env.add(var);
    }
    return env;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void onPodCreate(HookRequest req) {
    Pod pod = req.pod();
    if (runtimeClassName != null) {
      pod.getSpec().setRuntimeClassName(runtimeClassName);
    }
    if (!annotations.isEmpty()) {
      Map<String, String> merged = new LinkedHashMap<>();
      if (pod.getMetadata().getAnnotations() != null) {
        merged.putAll(pod.getMetadata().getAnnotations());
      }
      merged.putAll(annotations);
      pod.getMetadata().setAnnotations(merged);
    }
    if (!env.isEmpty()) {
      appendEnv(pod.getSpec().getContainers());
      appendEnv(pod.getSpec().getInitContainers());
    }
  }

  private void appendEnv(List<Container> containers) {
    if (containers == null) {
      return;
    }
    for (Container container : containers) {
      List<EnvVar> merged = new ArrayList<>();
      if (container.getEnv() != null) {
        merged.addAll(container.getEnv());
      }
      // Copies, so that a later change to one container's env cannot leak into another's.
      env.forEach(var -> merged.add(new EnvVarBuilder(var).build()));
      container.setEnv(merged);
    }
  }

  private static String kind(JsonNode node) {
    return node.getNodeType().name().toLowerCase(Locale.ROOT);
  }
}
