package dev.modelserving.controller.plugin;

import dev.modelserving.api.v1alpha1.PluginSpec;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The plugins a ModelServing may name in {@code spec.plugins[i].name}, each with the factory that
 * builds an instance from its spec. As in Kthena the spec's name is the registry key, so a
 * ModelServing cannot hold two differently named instances of one plugin. Immutable.
 */
public final class PluginRegistry {

  /**
   * Builds a plugin from its spec entry; a config of the wrong shape is a {@link
   * PluginConfigException}.
   */
  @FunctionalInterface
  public interface Factory {
    Plugin create(PluginSpec spec) throws PluginConfigException;
  }

  private static final PluginRegistry BUILT_INS =
      new PluginRegistry(new TreeMap<>())
          .with(DemoPodTweaks.NAME, DemoPodTweaks::fromSpec)
          .with(LwsStandardLabels.NAME, spec -> new LwsStandardLabels())
          .with(LwsPodIdentity.NAME, LwsPodIdentity::fromSpec);

  private final Map<String, Factory> factories;

  private PluginRegistry(TreeMap<String, Factory> factories) {
    this.factories = Collections.unmodifiableMap(factories);
  }

  /**
   * The plugins that ship with the controller: {@code demo-pod-tweaks} and {@code
   * lws-standard-labels}.
   */
  public static PluginRegistry builtIns() {
    return BUILT_INS;
  }

  /** A registry with no plugins, to build test or custom registries from. */
  public static PluginRegistry empty() {
    return new PluginRegistry(new TreeMap<>());
  }

  /** A copy of this registry that also (or instead) maps {@code name} to {@code factory}. */
  public PluginRegistry with(String name, Factory factory) {
    TreeMap<String, Factory> copy = new TreeMap<>(factories);
    copy.put(name, factory);
    return new PluginRegistry(copy);
  }

  /** The factory registered under {@code name}, if any. */
  public Optional<Factory> factory(String name) {
    return Optional.ofNullable(name == null ? null : factories.get(name));
  }

  /** The registered names in alphabetical order, for error messages. */
  public SortedSet<String> names() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(factories.keySet()));
  }
}
