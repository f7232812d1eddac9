package dev.modelserving.controller.plugin;

import static dev.modelserving.controller.plugin.HookRequests.modelServing;
import static dev.modelserving.controller.plugin.HookRequests.owner;
import static dev.modelserving.controller.plugin.HookRequests.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingSpec;
import dev.modelserving.api.v1alpha1.PluginSpec;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LwsStandardLabelsTest {
  private static final String NAME = "leaderworkerset.sigs.k8s.io/name";
  private static final String GROUP_INDEX = "leaderworkerset.sigs.k8s.io/group-index";
  private static final String WORKER_INDEX = "leaderworkerset.sigs.k8s.io/worker-index";
  private static final String GROUP_KEY = "leaderworkerset.sigs.k8s.io/group-key";

  static Stream<Arguments> pods() {
    // Expected group keys: `printf '%s' '<ns>/<lws>-<g>' | sha1sum`.
    return Stream.of(
        Arguments.of(
            "entry pod of group 1",
            modelServing("vllm", "default", owner("LeaderWorkerSet", "vllm")),
            1,
            0,
            Map.of(
                NAME,
                "vllm",
                GROUP_INDEX,
                "1",
                WORKER_INDEX,
                "0",
                GROUP_KEY,
                "e6a61a33965cdc1b5d2bd5672fa0b88b1518a5a7")),
        Arguments.of(
            "worker 3 of group 1 shares the group key",
            modelServing("vllm", "default", owner("LeaderWorkerSet", "vllm")),
            1,
            3,
            Map.of(
                NAME,
                "vllm",
                GROUP_INDEX,
                "1",
                WORKER_INDEX,
                "3",
                GROUP_KEY,
                "e6a61a33965cdc1b5d2bd5672fa0b88b1518a5a7")),
        Arguments.of(
            "same group in another namespace gets another key",
            modelServing("vllm", "prod", owner("LeaderWorkerSet", "vllm")),
            1,
            0,
            Map.of(
                NAME,
                "vllm",
                GROUP_INDEX,
                "1",
                WORKER_INDEX,
                "0",
                GROUP_KEY,
                "9aeb2bc6560ca6d33b6b89582b044187d62dcc46")),
        Arguments.of(
            "first named LeaderWorkerSet owner wins",
            modelServing(
                "vllm",
                "default",
                owner("Deployment", "other"),
                owner("LeaderWorkerSet", ""),
                owner("LeaderWorkerSet", "vllm"),
                owner("LeaderWorkerSet", "later")),
            1,
            0,
            Map.of(
                NAME,
                "vllm",
                GROUP_INDEX,
                "1",
                WORKER_INDEX,
                "0",
                GROUP_KEY,
                "e6a61a33965cdc1b5d2bd5672fa0b88b1518a5a7")),
        Arguments.of("no owner", modelServing("vllm", "default"), 1, 0, Map.of()),
        Arguments.of(
            "owner of another kind",
            modelServing("vllm", "default", owner("StatefulSet", "vllm")),
            1,
            0,
            Map.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pods")
  void labels(String name, ModelServing ms, int group, int worker, Map<String, String> expected)
      throws PluginException {
    HookRequest req = request(ms, group, "default", 0, worker);

    new LwsStandardLabels().onPodCreate(req);

    Map<String, String> labels = req.pod().getMetadata().getLabels();
    assertThat(labels).containsAllEntriesOf(expected);
    assertThat(labels).containsEntry("modelserving.volcano.sh/name", "llama");
    assertThat(labels.keySet().stream().filter(k -> k.startsWith("leaderworkerset.sigs.k8s.io/")))
        .hasSize(expected.size());
  }

  @Test
  void groupKeyIsUpstreamLwsValue() {
    // The example from LWS.md §2.1: namespace default, leader pod test-sample.
    assertThat(LwsStandardLabels.groupKey("default", "test-sample"))
        .isEqualTo("95e88034e460983f51a9952fe128729fbc0663b5");
  }

  @Test
  void usesTheModelServingNamespaceWhenThePodHasNone() throws PluginException {
    HookRequest req =
        request(
            modelServing("vllm", "default", owner("LeaderWorkerSet", "vllm")), 1, "default", 0, 0);
    req.pod().getMetadata().setNamespace(null);
    req.pod().getMetadata().setLabels(null);

    new LwsStandardLabels().onPodCreate(req);

    assertThat(req.pod().getMetadata().getLabels())
        .containsEntry(GROUP_KEY, "e6a61a33965cdc1b5d2bd5672fa0b88b1518a5a7");
  }

  @Test
  void negativeIndexesAreRejected() {
    ModelServing ms = modelServing("vllm", "default", owner("LeaderWorkerSet", "vllm"));
    HookRequest req =
        new HookRequest(
            ms, "vllm--1", -1, "default", "default-0", true, 0, HookRequests.pod("p", "default"));

    assertThatThrownBy(() -> new LwsStandardLabels().onPodCreate(req))
        .isInstanceOf(PluginException.class)
        .hasMessage("group index -1 and worker index 0 must both be >= 0");
  }

  @Test
  void findsTheOwningLeaderWorkerSet() {
    OwnerReference lws = owner("LeaderWorkerSet", "vllm");

    assertThat(LwsStandardLabels.owningLeaderWorkerSet(modelServing("x", "default", lws)))
        .contains("vllm");
    assertThat(LwsStandardLabels.owningLeaderWorkerSet(modelServing("x", "default"))).isEmpty();
    assertThat(LwsStandardLabels.owningLeaderWorkerSet(null)).isEmpty();
  }

  @Test
  void ignoresConfigAsKthenaDoes() throws Exception {
    PluginSpec spec = new PluginSpec();
    spec.setName(LwsStandardLabels.NAME);
    spec.setConfig(new ObjectMapper().readTree("{\"anything\": [1, 2]}"));
    ModelServing ms = modelServing("vllm", "default", owner("LeaderWorkerSet", "vllm"));
    ms.setSpec(new ModelServingSpec());
    ms.getSpec().setPlugins(List.of(spec));
    HookRequest req = request(ms, 0, "default", 0, 0);

    PluginChain.build(ms).onPodCreate(req);

    assertThat(req.pod().getMetadata().getLabels()).containsEntry(GROUP_INDEX, "0");
  }
}
