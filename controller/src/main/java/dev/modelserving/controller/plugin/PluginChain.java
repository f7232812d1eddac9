package dev.modelserving.controller.plugin;

import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.PluginScope;
import dev.modelserving.api.v1alpha1.PluginSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The plugins of one ModelServing in spec order, each with its scope. {@link #build} checks every
 * {@code spec.plugins} entry before any pod is touched, so a bad entry is reported once with its
 * field path instead of failing each pod creation; {@link #onPodCreate} then runs the plugins whose
 * scope covers the pod.
 */
public final class PluginChain {

  /** One built plugin, its position in {@code spec.plugins} and the pods it applies to. */
  private record Link(int index, Plugin plugin, PluginScope scope) {}

  private final List<Link> links;

  private PluginChain(List<Link> links) {
    this.links = List.copyOf(links);
  }

  /** Builds the chain of {@code ms} from the built-in plugins. */
  public static PluginChain build(ModelServing ms) throws PluginException {
    return build(ms, PluginRegistry.builtIns());
  }

  /**
   * Builds the chain of {@code ms} from {@code registry}. Fails on the first entry whose type is
   * not BuiltIn, whose name is not registered, or whose config its factory rejects.
   */
  public static PluginChain build(ModelServing ms, PluginRegistry registry) throws PluginException {
    List<PluginSpec> specs = ms.getSpec() == null ? null : ms.getSpec().getPlugins();
    if (specs == null) {
      return new PluginChain(List.of());
    }
    List<Link> links = new ArrayList<>(specs.size());
    for (int i = 0; i < specs.size(); i++) {
      Plugin plugin = buildPlugin(specs.get(i), path(i), registry);
      links.add(new Link(i, plugin, specs.get(i).getScope()));
    }
    return new PluginChain(links);
  }

  private static Plugin buildPlugin(PluginSpec spec, String path, PluginRegistry registry)
      throws PluginException {
    String available = String.join(", ", registry.names());
    if (spec == null) {
      throw new PluginException(
          path,
          "a plugin entry must be an object with a name (one of: " + available + "), got null");
    }
    String name = spec.getName();
    if (name == null || name.isBlank()) {
      throw new PluginException(
          path + ".name", "plugin name is required; the built-in plugins are: " + available);
    }
    // The API enum holds only BuiltIn today (null means the CRD default, BuiltIn); this guards
    // against new enum values reaching the chain before the chain supports them.
    if (spec.getType() != null && spec.getType() != PluginSpec.Type.BuiltIn) {
      throw new PluginException(
          path + ".type",
          "plugin "
              + name
              + " has unsupported type "
              + spec.getType()
              + "; only BuiltIn is supported");
    }
    PluginRegistry.Factory factory =
        registry
            .factory(name)
            .orElseThrow(
                () ->
                    new PluginException(
                        path + ".name",
                        "plugin \""
                            + name
                            + "\" is not a built-in plugin; the built-in plugins are: "
                            + available));
    try {
      return factory.create(spec);
    } catch (PluginConfigException e) {
      throw new PluginException(
          path + ".config", "plugin " + name + " has an invalid config: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      // A factory bug must surface as a condition on the ModelServing, not crash the reconcile.
      throw new PluginException(path, "plugin " + name + " could not be created: " + e, e);
    }
  }

  /**
   * Runs the plugins whose scope covers the pod, in spec order, each changing {@code req.pod()} in
   * place. The first failure stops the chain; its field is the failing plugin's {@code
   * spec.plugins[i]}.
   */
  public void onPodCreate(HookRequest req) throws PluginException {
    for (Link link : links) {
      if (!inScope(link.scope(), req)) {
        continue;
      }
      try {
        link.plugin().onPodCreate(req);
      } catch (PluginException | RuntimeException e) {
        String reason = e instanceof PluginException ? e.getMessage() : e.toString();
        throw new PluginException(
            path(link.index()),
            "plugin " + link.plugin().name() + " failed on pod " + req.podName() + ": " + reason,
            e);
      }
    }
  }

  /** Whether the chain has no plugins at all. */
  public boolean isEmpty() {
    return links.isEmpty();
  }

  /** The plugin names in spec order. */
  public List<String> names() {
    return links.stream().map(link -> link.plugin().name()).toList();
  }

  /**
   * Kthena's scope filter: no scope runs everywhere; a non-empty role list must name the pod's
   * role; an empty or {@code All} target covers every pod, {@code Entry} entry pods, {@code Worker}
   * workers, and any other target no pod (the CRD has no enum for it).
   */
  static boolean inScope(PluginScope scope, HookRequest req) {
    if (scope == null) {
      return true;
    }
    if (scope.getRoles() != null
        && !scope.getRoles().isEmpty()
        && !scope.getRoles().contains(req.roleName())) {
      return false;
    }
    String target = scope.getTarget();
    if (target == null || target.isEmpty() || target.equals(PluginScope.TARGET_ALL)) {
      return true;
    }
    return req.entry()
        ? target.equals(PluginScope.TARGET_ENTRY)
        : target.equals(PluginScope.TARGET_WORKER);
  }

  private static String path(int index) {
    return "spec.plugins[" + index + "]";
  }
}
