package dev.modelserving.controller.plugin;

import static dev.modelserving.controller.plugin.HookRequests.modelServing;
import static dev.modelserving.controller.plugin.HookRequests.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.modelserving.api.v1alpha1.PluginSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DemoPodTweaksTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static JsonNode json(String text) throws JsonProcessingException {
    return JSON.readTree(text.replace('\'', '"'));
  }

  static Pod apply(String config) throws Exception {
    DemoPodTweaks plugin = DemoPodTweaks.fromConfig(config == null ? null : json(config));
    HookRequest req = request(modelServing("llama", "default"), 0, "decode", 0, 1);
    plugin.onPodCreate(req);
    return req.pod();
  }

  static Stream<Arguments> badConfigs() {
    return Stream.of(
        Arguments.of(
            "a list",
            "[]",
            "config must be an object with runtimeClassName, annotations and env, got array"),
        Arguments.of("a string", "'gvisor'", "config must be an object"),
        Arguments.of(
            "misspelt field",
            "{'annotaions': {}}",
            "unknown field \"annotaions\"; allowed fields are runtimeClassName, annotations, env"),
        Arguments.of(
            "runtimeClassName number",
            "{'runtimeClassName': 3}",
            "runtimeClassName must be a string, got number"),
        Arguments.of(
            "annotations list",
            "{'annotations': ['a']}",
            "annotations must be an object of string values, got array"),
        Arguments.of(
            "annotation number",
            "{'annotations': {'replicas': 3}}",
            "annotations.replicas must be a string, got number (quote numbers and booleans)"),
        Arguments.of(
            "annotation boolean",
            "{'annotations': {'on': true}}",
            "annotations.on must be a string, got boolean"),
        Arguments.of(
            "env object",
            "{'env': {'A': '1'}}",
            "env must be a list of env vars like {name: X, value: Y}, got object"),
        Arguments.of(
            "env item string",
            "{'env': ['A=1']}",
            "env[0] must be an object like {name: X, value: Y}, got string"),
        Arguments.of(
            "env item without name",
            "{'env': [{'name': 'A', 'value': '1'}, {'value': '2'}]}",
            "env[1].name is required"),
        Arguments.of(
            "env value object",
            "{'env': [{'name': 'A', 'value': {'x': 1}}]}",
            "env[0] is not a valid env var"),
        Arguments.of(
            "env valueFrom string",
            "{'env': [{'name': 'A', 'valueFrom': 'x'}]}",
            "env[0] is not a valid env var"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badConfigs")
  void rejectsBadConfig(String name, String config, String message) {
    assertThatThrownBy(() -> DemoPodTweaks.fromConfig(json(config)))
        .isInstanceOf(PluginConfigException.class)
        .hasMessageContaining(message);
  }

  @Test
  void absentOrNullConfigChangesNothing() throws Exception {
    Pod untouched = request(modelServing("llama", "default"), 0, "decode", 0, 1).pod();

    assertThat(apply(null)).isEqualTo(untouched);
    assertThat(apply("null")).isEqualTo(untouched);
    assertThat(apply("{}")).isEqualTo(untouched);
    assertThat(apply("{'runtimeClassName': '', 'annotations': {}, 'env': []}"))
        .isEqualTo(untouched);
    assertThat(DemoPodTweaks.fromSpec(new PluginSpec())).isNotNull();
    assertThat(DemoPodTweaks.fromConfig(NullNode.getInstance())).isNotNull();
  }

  @Test
  void setsRuntimeClassName() throws Exception {
    assertThat(apply("{'runtimeClassName': 'gvisor'}").getSpec().getRuntimeClassName())
        .isEqualTo("gvisor");
  }

  @Test
  void mergesAnnotationsOverThePods() throws Exception {
    Pod pod = apply("{'annotations': {'existing': 'replaced', 'team': 'llm'}}");

    assertThat(pod.getMetadata().getAnnotations())
        .containsExactly(entry("existing", "replaced"), entry("team", "llm"));
  }

  @Test
  void appendsEnvToContainersAndInitContainers() throws Exception {
    Pod pod =
        apply(
            "{'env': [{'name': 'A', 'value': 'again'}, {'name': 'POD_IP', 'valueFrom': {'fieldRef':"
                + " {'fieldPath': 'status.podIP'}}}]}");

    Container main = pod.getSpec().getContainers().getFirst();
    Container init = pod.getSpec().getInitContainers().getFirst();
    // Appended after the pod's own env, duplicates included, as Kthena does.
    assertThat(main.getEnv()).extracting(EnvVar::getName).containsExactly("A", "A", "POD_IP");
    assertThat(init.getEnv()).extracting(EnvVar::getName).containsExactly("B", "A", "POD_IP");
    assertThat(main.getEnv().get(2).getValueFrom().getFieldRef().getFieldPath())
        .isEqualTo("status.podIP");
    assertThat(main.getEnv().get(1)).isNotSameAs(init.getEnv().get(1));
  }

  @Test
  void podWithoutInitContainersOrAnnotations() throws Exception {
    DemoPodTweaks plugin =
        DemoPodTweaks.fromConfig(json("{'annotations': {'a': 'b'}, 'env': [{'name': 'X'}]}"));
    HookRequest req = request(modelServing("llama", "default"), 0, "decode", 0, 0);
    req.pod().getSpec().setInitContainers(null);
    req.pod().getMetadata().setAnnotations(null);

    plugin.onPodCreate(req);

    assertThat(req.pod().getMetadata().getAnnotations()).containsOnlyKeys("a");
    assertThat(req.pod().getSpec().getContainers().getFirst().getEnv())
        .extracting(EnvVar::getName)
        .containsExactly("A", "X");
  }
}
