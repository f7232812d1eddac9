package dev.modelserving.controller.plugin;

import static dev.modelserving.controller.plugin.HookRequests.modelServing;
import static dev.modelserving.controller.plugin.HookRequests.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingSpec;
import dev.modelserving.api.v1alpha1.PluginScope;
import dev.modelserving.api.v1alpha1.PluginSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PluginChainTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Plugins of the test registry record the pods they ran on here, in order. */
  private final List<String> calls = new ArrayList<>();

  private Plugin recording(String name) {
    return new Plugin() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void onPodCreate(HookRequest req) {
        calls.add(name + "@" + req.podName());
      }
    };
  }

  private PluginRegistry testRegistry() {
    return PluginRegistry.empty()
        .with("first", spec -> recording("first"))
        .with("second", spec -> recording("second"))
        .with(
            "failing",
            spec ->
                new Plugin() {
                  @Override
                  public String name() {
                    return "failing";
                  }

                  @Override
                  public void onPodCreate(HookRequest req) throws PluginException {
                    calls.add("failing@" + req.podName());
                    throw new PluginException(null, "no GPU runtime class available");
                  }
                })
        .with(
            "buggy",
            spec ->
                new Plugin() {
                  @Override
                  public String name() {
                    return "buggy";
                  }

                  @Override
                  public void onPodCreate(HookRequest req) {
                    throw new IllegalStateException("oops");
                  }
                })
        .with(
            "picky",
            spec -> {
              throw new PluginConfigException("mode must be fast or slow");
            })
        .with(
            "crashing",
            spec -> {
              throw new NullPointerException("config");
            });
  }

  static PluginSpec plugin(String name) {
    PluginSpec spec = new PluginSpec();
    spec.setName(name);
    spec.setType(PluginSpec.Type.BuiltIn);
    return spec;
  }

  static PluginSpec plugin(String name, PluginScope scope) {
    PluginSpec spec = plugin(name);
    spec.setScope(scope);
    return spec;
  }

  static PluginScope scope(String target, String... roles) {
    PluginScope scope = new PluginScope();
    scope.setTarget(target);
    scope.setRoles(roles.length == 0 ? null : List.of(roles));
    return scope;
  }

  static ModelServing withPlugins(PluginSpec... plugins) {
    ModelServing ms = modelServing("llama", "default");
    ModelServingSpec spec = new ModelServingSpec();
    spec.setPlugins(Arrays.asList(plugins));
    ms.setSpec(spec);
    return ms;
  }

  // --- building

  static Stream<Arguments> buildErrors() {
    PluginSpec noName = plugin(null);
    PluginSpec blankName = plugin(" ");
    return Stream.of(
        Arguments.of(
            "unknown plugin names the registered ones",
            withPlugins(plugin("first"), plugin("gpu-tweaks")),
            "spec.plugins[1].name",
            "plugin \"gpu-tweaks\" is not a built-in plugin; the built-in plugins are: buggy,"
                + " crashing, failing, first, picky, second"),
        Arguments.of(
            "missing name",
            withPlugins(noName),
            "spec.plugins[0].name",
            "plugin name is required; the built-in plugins are: buggy"),
        Arguments.of(
            "blank name",
            withPlugins(blankName),
            "spec.plugins[0].name",
            "plugin name is required"),
        Arguments.of(
            "null entry",
            withPlugins(plugin("first"), plugin("second"), null),
            "spec.plugins[2]",
            "a plugin entry must be an object with a name (one of: buggy, crashing"),
        Arguments.of(
            "config rejected by the factory",
            withPlugins(plugin("first"), plugin("picky")),
            "spec.plugins[1].config",
            "plugin picky has an invalid config: mode must be fast or slow"),
        Arguments.of(
            "factory crash",
            withPlugins(plugin("crashing")),
            "spec.plugins[0]",
            "plugin crashing could not be created: java.lang.NullPointerException: config"),
        Arguments.of(
            "first error wins",
            withPlugins(plugin("nope"), plugin("picky")),
            "spec.plugins[0].name",
            "plugin \"nope\""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("buildErrors")
  void buildRejects(String name, ModelServing ms, String field, String message) {
    assertThatThrownBy(() -> PluginChain.build(ms, testRegistry()))
        .isInstanceOfSatisfying(
            PluginException.class,
            e -> {
              assertThat(e.field()).isEqualTo(field);
              assertThat(e.getMessage()).contains(message);
            });
  }

  @Test
  void buildWithoutPluginsGivesAnEmptyChain() throws PluginException {
    ModelServing noSpec = modelServing("llama", "default");
    ModelServing noPlugins = withPlugins();
    noPlugins.getSpec().setPlugins(null);

    assertThat(PluginChain.build(noSpec).isEmpty()).isTrue();
    assertThat(PluginChain.build(noPlugins).isEmpty()).isTrue();
    assertThat(PluginChain.build(withPlugins()).isEmpty()).isTrue();
  }

  @Test
  void defaultRegistryHasTheBuiltIns() throws PluginException {
    PluginChain chain =
        PluginChain.build(withPlugins(plugin("demo-pod-tweaks"), plugin("lws-standard-labels")));

    assertThat(chain.names()).containsExactly("demo-pod-tweaks", "lws-standard-labels");
    assertThat(PluginRegistry.builtIns().names())
        .containsExactly("demo-pod-tweaks", "lws-pod-identity", "lws-standard-labels");
  }

  @Test
  void defaultRegistryReportsBadBuiltInConfigOnItsField() throws JsonProcessingException {
    PluginSpec demo = plugin("demo-pod-tweaks");
    demo.setConfig(json("{\"env\": {\"A\": \"1\"}}"));

    assertThatThrownBy(() -> PluginChain.build(withPlugins(plugin("lws-standard-labels"), demo)))
        .isInstanceOfSatisfying(
            PluginException.class,
            e -> {
              assertThat(e.field()).isEqualTo("spec.plugins[1].config");
              assertThat(e.getMessage())
                  .isEqualTo(
                      "plugin demo-pod-tweaks has an invalid config: env must be a list of env vars"
                          + " like {name: X, value: Y}, got object");
            });
  }

  @Test
  void typeDefaultsToBuiltIn() throws PluginException {
    PluginSpec untyped = plugin("first");
    untyped.setType(null);

    assertThat(PluginChain.build(withPlugins(untyped), testRegistry()).names())
        .containsExactly("first");
  }

  // --- scope

  static Stream<Arguments> scopes() {
    return Stream.of(
        Arguments.of("no scope, entry", null, "decode", 0, true),
        Arguments.of("no scope, worker", null, "decode", 1, true),
        Arguments.of("empty scope, worker", scope(null), "decode", 1, true),
        Arguments.of("empty target, entry", scope(""), "decode", 0, true),
        Arguments.of("All, entry", scope("All"), "decode", 0, true),
        Arguments.of("All, worker", scope("All"), "decode", 2, true),
        Arguments.of("Entry, entry", scope("Entry"), "decode", 0, true),
        Arguments.of("Entry, worker", scope("Entry"), "decode", 1, false),
        Arguments.of("Worker, worker", scope("Worker"), "decode", 1, true),
        Arguments.of("Worker, entry", scope("Worker"), "decode", 0, false),
        Arguments.of("lowercase target matches nothing", scope("entry"), "decode", 0, false),
        Arguments.of("unknown target matches nothing", scope("Leader"), "decode", 0, false),
        Arguments.of("listed role", scope(null, "prefill", "decode"), "decode", 0, true),
        Arguments.of("unlisted role", scope(null, "prefill"), "decode", 0, false),
        Arguments.of("listed role, Worker, worker", scope("Worker", "decode"), "decode", 1, true),
        Arguments.of("listed role, Worker, entry", scope("Worker", "decode"), "decode", 0, false),
        Arguments.of("unlisted role, All", scope("All", "prefill"), "decode", 1, false));
  }

  @ParameterizedTest(name = "{0} -> runs: {4}")
  @MethodSource("scopes")
  void runsOnlyInScope(String name, PluginScope scope, String role, int worker, boolean runs)
      throws PluginException {
    ModelServing ms = withPlugins(plugin("first", scope));
    PluginChain chain = PluginChain.build(ms, testRegistry());

    chain.onPodCreate(request(ms, 0, role, 0, worker));

    assertThat(calls).hasSize(runs ? 1 : 0);
  }

  // --- running

  @Test
  void runsPluginsInSpecOrder() throws PluginException {
    ModelServing ms = withPlugins(plugin("second"), plugin("first"), plugin("second"));
    PluginChain chain = PluginChain.build(ms, testRegistry());

    chain.onPodCreate(request(ms, 1, "decode", 0, 1));

    assertThat(calls)
        .containsExactly(
            "second@llama-1-decode-0-1", "first@llama-1-decode-0-1", "second@llama-1-decode-0-1");
  }

  @Test
  void firstFailureStopsTheChainAndNamesPluginAndPod() throws PluginException {
    ModelServing ms =
        withPlugins(plugin("first", scope("Entry")), plugin("failing"), plugin("second"));
    PluginChain chain = PluginChain.build(ms, testRegistry());

    assertThatThrownBy(() -> chain.onPodCreate(request(ms, 0, "decode", 1, 2)))
        .isInstanceOfSatisfying(
            PluginException.class,
            e -> {
              assertThat(e.field()).isEqualTo("spec.plugins[1]");
              assertThat(e.getMessage())
                  .isEqualTo(
                      "plugin failing failed on pod llama-0-decode-1-2: no GPU runtime class"
                          + " available");
            });
    assertThat(calls).containsExactly("failing@llama-0-decode-1-2");
  }

  @Test
  void pluginBugBecomesAPluginException() throws PluginException {
    ModelServing ms = withPlugins(plugin("buggy"));
    PluginChain chain = PluginChain.build(ms, testRegistry());

    assertThatThrownBy(() -> chain.onPodCreate(request(ms, 0, "decode", 0, 0)))
        .isInstanceOfSatisfying(
            PluginException.class,
            e -> {
              assertThat(e.field()).isEqualTo("spec.plugins[0]");
              assertThat(e.getMessage())
                  .isEqualTo(
                      "plugin buggy failed on pod llama-0-decode-0-0:"
                          + " java.lang.IllegalStateException: oops");
              assertThat(e.getCause()).isInstanceOf(IllegalStateException.class);
            });
  }

  @Test
  void registryIsImmutable() {
    PluginRegistry empty = PluginRegistry.empty();
    PluginRegistry one = empty.with("first", spec -> recording("first"));

    assertThat(empty.names()).isEmpty();
    assertThat(one.names()).containsExactly("first");
    assertThat(one.factory("second")).isEmpty();
    assertThat(one.factory(null)).isEmpty();
  }

  static JsonNode json(String text) throws JsonProcessingException {
    return JSON.readTree(text);
  }
}
