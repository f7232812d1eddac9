package dev.modelserving.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import java.util.Objects;

/** One plugin of the chain that may change every pod before it is created. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PluginSpec {

  /** Plugin kind; only built-in plugins exist. */
  public enum Type {
    BuiltIn
  }

  /** Plugin name, unique within the ModelServing; selects the implementation. */
  @Required
  @JsonPropertyDescription("Name uniquely identifies the plugin instance within the ModelServing.")
  private String name;

  /** Plugin category. */
  @Required
  @Default("BuiltIn")
  @JsonPropertyDescription("Type indicates plugin category. For now, only BuiltIn is supported.")
  private Type type;

  /** Free-form JSON configuration that the plugin interprets (a JsonNode keeps it verbatim). */
  @JsonPropertyDescription(
      "Config is an opaque JSON blob interpreted by the plugin implementation.")
  private JsonNode config;

  /** Which pods the plugin applies to; absent means all. */
  @JsonPropertyDescription(
      "Scope optionally narrows where this plugin runs.\nBy default, it runs on all pods.")
  private PluginScope scope;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public Type getType() {
    return type;
  }

  public void setType(Type type) {
    this.type = type;
  }

  public JsonNode getConfig() {
    return config;
  }

  public void setConfig(JsonNode config) {
    this.config = config;
  }

  public PluginScope getScope() {
    return scope;
  }

  public void setScope(PluginScope scope) {
    this.scope = scope;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PluginSpec that
        && Objects.equals(name, that.name)
        && type == that.type
        && Objects.equals(config, that.config)
        && Objects.equals(scope, that.scope);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, type, config, scope);
  }

  @Override
  public String toString() {
    return "PluginSpec{name="
        + name
        + ", type="
        + type
        + ", config="
        + config
        + ", scope="
        + scope
        + "}";
  }
}
