package dev.modelserving.controller.plugin;

/**
 * A built-in extension that may change every pod of a ModelServing just before it is created. A
 * plugin instance is made from one {@code spec.plugins[i]} entry by its {@link PluginRegistry}
 * factory, so it carries its parsed config and nothing else.
 */
public interface Plugin {

  /** The name the plugin is registered under, as written in {@code spec.plugins[i].name}. */
  String name();

  /**
   * Changes {@code req.pod()} in place before the pod is created; the default does nothing. A
   * failure is reported against the plugin's {@code spec.plugins[i]} entry, so the exception's own
   * field may be null.
   */
  default void onPodCreate(HookRequest req) throws PluginException {}
}
