package dev.modelserving.controller.plugin;

/**
 * A plugin's {@code config} has the wrong shape. Factories throw it without knowing where the
 * plugin sits in the spec; {@link PluginChain} turns it into a {@link PluginException} that names
 * {@code spec.plugins[i].config}.
 */
public class PluginConfigException extends Exception {

  public PluginConfigException(String message) {
    super(message);
  }

  public PluginConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
