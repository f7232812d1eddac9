package dev.modelserving.controller.conversion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.UpstreamFiles;
import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.lws.v1.LwsKeys;
import dev.modelserving.api.lws.v1.SubdomainPolicy;
import dev.modelserving.controller.conversion.LwsPreviewPods.Preview;
import dev.modelserving.controller.lws.LwsDefaults;
import dev.modelserving.controller.testing.Golden;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code modelserving convert} on every upstream LWS example and on the Kthena guide's example: the
 * printed text against golden files (regenerate with {@code -Dgolden.update=true}, then review
 * {@code git diff}), and, independently of the goldens, the pod facts LWS users rely on (LWS.md §2,
 * PRODUCT.md §3).
 */
class ConversionPreviewGoldenTest {
  /** The Kthena LWS guide's example, re-indented (the guide's copy lost its indentation). */
  private static final Path GUIDE_EXAMPLE = Path.of("src/test/resources/lws/llama-multinode.yaml");

  /** (golden path, manifest): golden files mirror upstream's docs/examples tree. */
  static Stream<Arguments> examples() {
    Path upstream = UpstreamFiles.lws().resolve("docs/examples");
    Stream<Arguments> fromUpstream =
        UpstreamFiles.lwsExamples().stream()
            .map(p -> Arguments.of(goldenName(upstream.relativize(p).toString()), p));
    return Stream.concat(
        fromUpstream, Stream.of(Arguments.of("kthena-guide/llama-multinode.txt", GUIDE_EXAMPLE)));
  }

  private static String goldenName(String relative) {
    return relative.replaceFirst("\\.ya?ml$", "") + ".txt";
  }

  @Test
  void everyUpstreamExampleIsCovered() {
    // An empty list would make the parameterized tests pass vacuously.
    assertThat(UpstreamFiles.lwsExamples()).hasSizeGreaterThanOrEqualTo(10);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void outputMatchesGolden(String golden, Path manifest) throws IOException {
    ConversionPreview.Result result =
        ConversionPreview.render(Files.readString(manifest, StandardCharsets.UTF_8));
    Golden.assertMatches("convert/" + golden, printable(result));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void examplesConvertWithoutErrors(String golden, Path manifest) throws IOException {
    ConversionPreview.Result result =
        ConversionPreview.render(Files.readString(manifest, StandardCharsets.UTF_8));
    assertThat(result.errors()).isEmpty();
    assertThat(result.output()).contains("kind: \"ModelServing\"");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void podNamesAreUpstreams(String golden, Path manifest) throws Exception {
    for (Preview p : previews(manifest)) {
      String l = p.lws().getMetadata().getName();
      List<String> expected = new ArrayList<>();
      for (int g = 0; g < replicas(p.lws()); g++) {
        expected.add(l + "-" + g);
        for (int w = 1; w < size(p.lws()); w++) {
          expected.add(l + "-" + g + "-" + w);
        }
      }
      assertThat(p.pods())
          .extracting(pod -> pod.getMetadata().getName())
          .containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void lwsEnvComesFirstInEveryContainer(String golden, Path manifest) throws Exception {
    for (Preview p : previews(manifest)) {
      String l = p.lws().getMetadata().getName();
      String ns = p.lws().getMetadata().getNamespace();
      boolean unique =
          LwsDefaults.apply(p.lws()).getSpec().getNetworkConfig().getSubdomainPolicy()
              == SubdomainPolicy.UNIQUE_PER_REPLICA;
      for (Pod pod : p.pods()) {
        int g = groupIndex(pod);
        String leader = l + "-" + g;
        String address = leader + "." + (unique ? leader : l) + "." + ns;
        List<Container> containers = new ArrayList<>(pod.getSpec().getContainers());
        if (pod.getSpec().getInitContainers() != null) {
          containers.addAll(pod.getSpec().getInitContainers());
        }
        for (Container c : containers) {
          assertThat(c.getEnv())
              .as("env of %s/%s", pod.getMetadata().getName(), c.getName())
              .extracting(e -> e.getName() + "=" + e.getValue())
              .startsWith(
                  LwsKeys.EnvVars.LWS_LEADER_ADDRESS + "=" + address,
                  LwsKeys.EnvVars.LWS_GROUP_SIZE + "=" + size(p.lws()),
                  LwsKeys.EnvVars.LWS_WORKER_INDEX + "=" + workerIndex(pod));
          // The guide's workers use Kthena's variable; it must point at the same leader.
          assertThat(c.getEnv())
              .extracting(EnvVar::getName, EnvVar::getValue)
              .contains(org.assertj.core.groups.Tuple.tuple("ENTRY_ADDRESS", address));
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void podsCarryUpstreamLabelsAndAnnotations(String golden, Path manifest) throws Exception {
    for (Preview p : previews(manifest)) {
      String l = p.lws().getMetadata().getName();
      String ns = p.lws().getMetadata().getNamespace();
      String revision = LwsToModelServing.revision(LwsDefaults.apply(p.lws()));
      for (Pod pod : p.pods()) {
        String name = pod.getMetadata().getName();
        int g = groupIndex(pod);
        int w = workerIndex(pod);
        assertThat(name).isEqualTo(w == 0 ? l + "-" + g : l + "-" + g + "-" + w);
        assertThat(pod.getMetadata().getLabels())
            .as("labels of %s", name)
            .contains(
                Map.entry(LwsKeys.Labels.NAME, l),
                Map.entry("leaderworkerset.x-k8s.io/name", l),
                Map.entry(LwsKeys.Labels.GROUP_INDEX, Integer.toString(g)),
                Map.entry(LwsKeys.Labels.GROUP_KEY, sha1(ns + "/" + l + "-" + g)),
                Map.entry(LwsKeys.Labels.TEMPLATE_REVISION_HASH, revision),
                // What upstream's pods get from their StatefulSets: the leader is ordinal g of the
                // leader StatefulSet, a worker ordinal w of its group's (ordinals start at 1).
                Map.entry("statefulset.kubernetes.io/pod-name", name),
                Map.entry("apps.kubernetes.io/pod-index", Integer.toString(w == 0 ? g : w)));
        assertThat(pod.getMetadata().getAnnotations())
            .as("annotations of %s", name)
            .containsEntry(LwsKeys.Annotations.SIZE, Integer.toString(size(p.lws())));
        if (w == 0) {
          assertThat(pod.getMetadata().getAnnotations())
              .doesNotContainKey(LwsKeys.Annotations.LEADER_NAME);
        } else {
          assertThat(pod.getMetadata().getAnnotations())
              .containsEntry(LwsKeys.Annotations.LEADER_NAME, l + "-" + g);
        }
      }
    }
  }

  @Test
  void groupKeyIsSha1OfNamespaceAndLeaderName() {
    // The value upstream's tests use (LWS.md §2.1): namespace default, leader pod test-sample.
    assertThat(sha1("default/test-sample")).isEqualTo("95e88034e460983f51a9952fe128729fbc0663b5");
  }

  @Test
  void guideExampleWorkerReachesTheLeaderThroughEntryAddress() throws Exception {
    Preview p = previews(GUIDE_EXAMPLE).get(0);
    Pod worker =
        p.pods().stream()
            .filter(pod -> pod.getMetadata().getName().equals("llama-multinode-0-1"))
            .findFirst()
            .orElseThrow();
    assertThat(worker.getSpec().getContainers().get(0).getCommand())
        .last()
        .asString()
        .contains("$(ENTRY_ADDRESS)");
    assertThat(worker.getSpec().getContainers().get(0).getEnv())
        .extracting(EnvVar::getName)
        .containsSubsequence("LWS_LEADER_ADDRESS", "ENTRY_ADDRESS", "HUGGING_FACE_HUB_TOKEN");
    assertThat(worker.getMetadata().getLabels())
        .contains(Map.entry("role", "worker"), Map.entry("model", "llama-405b"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void everyVolumeMountHasAVolume(String golden, Path manifest) throws Exception {
    for (Preview p : previews(manifest)) {
      for (Pod pod : p.pods()) {
        List<String> volumes =
            pod.getSpec().getVolumes() == null
                ? List.of()
                : pod.getSpec().getVolumes().stream().map(Volume::getName).toList();
        for (Container c : pod.getSpec().getContainers()) {
          if (c.getVolumeMounts() != null) {
            c.getVolumeMounts()
                .forEach(
                    m ->
                        assertThat(volumes)
                            .as(
                                "volume of mount %s in %s/%s",
                                m.getName(), pod.getMetadata().getName(), c.getName())
                            .contains(m.getName()));
          }
        }
      }
    }
  }

  @Test
  void tpuVariablesWithSubGroups() throws Exception {
    LeaderWorkerSet lws =
        LwsPreviewPods.leaderWorkerSets(
                """
        apiVersion: leaderworkerset.x-k8s.io/v1
        kind: LeaderWorkerSet
        metadata:
          name: tpu
        spec:
          leaderWorkerTemplate:
            size: 4
            subGroupPolicy:
              subGroupSize: 2
            workerTemplate:
              spec:
                containers:
                - name: jax
                  image: jax:latest
                  resources:
                    limits:
                      google.com/tpu: "4"
        """)
            .get(0);
    Pod leader =
        LwsPreviewPods.preview(lws).pods().stream()
            .filter(pod -> pod.getMetadata().getName().equals("tpu-0"))
            .findFirst()
            .orElseThrow();
    assertThat(leader.getSpec().getContainers().get(0).getEnv())
        .extracting(EnvVar::getName, EnvVar::getValue)
        .contains(
            org.assertj.core.groups.Tuple.tuple("TPU_WORKER_HOSTNAMES", "tpu-0.tpu,tpu-0-1.tpu"),
            org.assertj.core.groups.Tuple.tuple("TPU_WORKER_ID", "0"));
  }

  // ---- error output ----

  private static final String VALID =
      """
      apiVersion: leaderworkerset.x-k8s.io/v1
      kind: LeaderWorkerSet
      metadata:
        name: vllm
      spec:
        replicas: 2
        leaderWorkerTemplate:
          size: %s
          workerTemplate:
            spec:
              containers:
              - name: vllm
                image: vllm/vllm-openai:v0.8.5
        rolloutStrategy:
          type: RollingUpdate
          rollingUpdateConfiguration:
            maxSurge: %s
      """;

  @Test
  void validManifestHasNoErrors() {
    assertThat(ConversionPreview.render(VALID.formatted("2", "0")).errors()).isEmpty();
  }

  @Test
  void sizeZeroIsAnErrorNamingTheField() {
    ConversionPreview.Result result = ConversionPreview.render(VALID.formatted("0", "0"));
    assertThat(result.errors())
        .singleElement()
        .asString()
        .startsWith("LeaderWorkerSet vllm: spec.leaderWorkerTemplate.size: ")
        .contains("size must be equal or greater than 1");
    assertThat(result.output()).doesNotContain("kind: \"ModelServing\"");
  }

  @Test
  void badMaxSurgeIsAnErrorNamingTheField() {
    ConversionPreview.Result result = ConversionPreview.render(VALID.formatted("2", "'150%'"));
    assertThat(result.errors())
        .singleElement()
        .asString()
        .startsWith(
            "LeaderWorkerSet vllm: spec.rolloutStrategy.rollingUpdateConfiguration.maxSurge: ")
        .contains("100%");
  }

  @Test
  void invalidAndValidLwsInOneFile() {
    // Each document stands alone: the valid one is printed, the invalid one reported.
    String both =
        VALID.formatted("0", "0").replace("name: vllm", "name: broken")
            + "---\n"
            + VALID.formatted("2", "0");
    ConversionPreview.Result result = ConversionPreview.render(both);
    assertThat(result.errors())
        .singleElement()
        .asString()
        .startsWith("LeaderWorkerSet broken: spec.leaderWorkerTemplate.size");
    assertThat(result.output()).contains("name: \"vllm\"").doesNotContain("name: \"broken\"");
  }

  @Test
  void fileWithoutLwsIsAnError() {
    ConversionPreview.Result result =
        ConversionPreview.render(
            """
        apiVersion: v1
        kind: Service
        metadata:
          name: vllm-leader
        spec:
          selector:
            role: leader
        """);
    assertThat(result.errors()).containsExactly("no LeaderWorkerSet found in the manifest");
    assertThat(result.output()).contains("Service vllm-leader is not a LeaderWorkerSet");
  }

  @Test
  void unparseableYamlIsAClearError() {
    ConversionPreview.Result result =
        ConversionPreview.render("kind: LeaderWorkerSet\nspec: [unclosed\n");
    assertThat(result.errors())
        .singleElement()
        .asString()
        .startsWith("cannot read the manifest as Kubernetes YAML: ");
    assertThat(result.output()).isEmpty();
  }

  @Test
  void wrongFieldTypeIsAnError() {
    ConversionPreview.Result result = ConversionPreview.render(VALID.formatted("two", "0"));
    assertThat(result.errors()).singleElement().asString().contains("two");
    assertThat(result.output()).doesNotContain("kind: \"ModelServing\"");
  }

  // ---- helpers ----

  /** The render result as one text: output, then the errors, so goldens record both. */
  private static String printable(ConversionPreview.Result result) {
    StringBuilder text = new StringBuilder(result.output());
    text.append("# errors (")
        .append(result.errors().size())
        .append(")")
        .append(result.errors().isEmpty() ? "" : ":")
        .append('\n');
    result.errors().forEach(e -> text.append("#   ").append(e).append('\n'));
    return text.toString();
  }

  private static List<Preview> previews(Path manifest) throws Exception {
    List<LeaderWorkerSet> all =
        LwsPreviewPods.leaderWorkerSets(Files.readString(manifest, StandardCharsets.UTF_8));
    assertThat(all).as("LeaderWorkerSets in %s", manifest).isNotEmpty();
    List<Preview> previews = new ArrayList<>();
    for (LeaderWorkerSet lws : all) {
      previews.add(LwsPreviewPods.preview(lws));
    }
    return previews;
  }

  private static int replicas(LeaderWorkerSet lws) {
    return LwsDefaults.apply(lws).getSpec().getReplicas();
  }

  private static int size(LeaderWorkerSet lws) {
    return LwsDefaults.apply(lws).getSpec().getLeaderWorkerTemplate().getSize();
  }

  private static int groupIndex(Pod pod) {
    return Integer.parseInt(pod.getMetadata().getLabels().get(LwsKeys.Labels.GROUP_INDEX));
  }

  private static int workerIndex(Pod pod) {
    return Integer.parseInt(pod.getMetadata().getLabels().get(LwsKeys.Labels.WORKER_INDEX));
  }

  static String sha1(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
