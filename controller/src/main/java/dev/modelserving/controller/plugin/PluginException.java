package dev.modelserving.controller.plugin;

/**
 * A plugin could not be built from its spec or failed on a pod. The {@link #field()} is the JSON
 * path of the {@code spec.plugins} entry at fault, for the InvalidSpec/PluginError condition.
 */
public class PluginException extends Exception {
  private final String field;

  public PluginException(String field, String message) {
    super(message);
    this.field = field;
  }

  public PluginException(String field, String message, Throwable cause) {
    super(message, cause);
    this.field = field;
  }

  /** JSON path of the offending field, e.g. {@code spec.plugins[2].config}; null if not known. */
  public String field() {
    return field;
  }
}
