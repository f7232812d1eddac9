package dev.modelserving.controller.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.modelserving.api.UpstreamFiles;
import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every upstream LWS example, and the Kthena guide's llama-multinode, runs unchanged under the
 * controller process: pods named and labelled as upstream, LWS_* env right, the example's own
 * Service selects exactly the leader pods, and `kubectl get lws` shows READY = DESIRED = UP-TO-DATE
 * with Available=True.
 */
class LwsExamplesIT {
  @RegisterExtension static final TestNamespace ns = new TestNamespace("lws-examples");
  private static ControllerProcess controller;

  @BeforeAll
  static void startController() {
    controller = ControllerProcess.start("LwsExamplesIT");
  }

  @AfterAll
  static void stopController() {
    if (controller != null) {
      controller.close();
    }
  }

  static Stream<Path> examples() throws URISyntaxException {
    List<Path> all = new ArrayList<>(UpstreamFiles.lwsExamples());
    var guide = LwsExamplesIT.class.getResource("/lws/llama-multinode.yaml");
    if (guide != null) all.add(Path.of(guide.toURI()));
    return all.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void exampleRunsAsUnderUpstreamLws(Path file) throws Exception {
    var client = LocalCluster.client();
    List<HasMetadata> items;
    try (InputStream in = Files.newInputStream(file)) {
      items = client.load(in).items();
    }
    List<HasMetadata> created = new ArrayList<>();
    for (HasMetadata item : items) {
      item.getMetadata().setNamespace(ns.name());
      created.add(client.resource(item).inNamespace(ns.name()).create());
    }
    try {
      for (HasMetadata item : created) {
        if (!"LeaderWorkerSet".equals(item.getKind())) {
          continue;
        }
        LeaderWorkerSet lws =
            client.getKubernetesSerialization().convertValue(item, LeaderWorkerSet.class);
        String name = lws.getMetadata().getName();
        int replicas = lws.getSpec().getReplicas() == null ? 1 : lws.getSpec().getReplicas();
        int size =
            lws.getSpec().getLeaderWorkerTemplate().getSize() == null
                ? 1
                : lws.getSpec().getLeaderWorkerTemplate().getSize();
        Lws.awaitReady(ns.name(), name, replicas, size);
        boolean unique =
            lws.getSpec().getNetworkConfig() != null
                && "UniquePerReplica"
                    .equals(lws.getSpec().getNetworkConfig().getSubdomainPolicy().value());
        for (Pod pod : Lws.pods(ns.name(), name).values()) {
          assertUpstreamPod(name, size, unique, pod);
        }
        String table = Kubectl.run("get", "lws", name, "-n", ns.name(), "--no-headers");
        String[] columns = table.trim().split("\\s+");
        assertThat(columns).as("kubectl get lws: NAME READY DESIRED UP-TO-DATE AGE").hasSize(5);
        assertThat(List.of(columns[1], columns[2], columns[3]))
            .containsOnly(Integer.toString(replicas));
        String byGuideLabel =
            Kubectl.run(
                "get",
                "pods",
                "-n",
                ns.name(),
                "-l",
                "leaderworkerset.x-k8s.io/name=" + name,
                "-o",
                "name");
        Set<String> listed =
            byGuideLabel
                .lines()
                .map(l -> l.replace("pod/", ""))
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(listed)
            .as("kubectl get pods -l leaderworkerset.x-k8s.io/name=%s", name)
            .isEqualTo(Lws.podNames(name, replicas, size));
        Set<String> leaders = Lws.podNames(name, replicas, 1);
        for (HasMetadata other : created) {
          if (other instanceof Service || "Service".equals(other.getKind())) {
            Service svc =
                client
                    .services()
                    .inNamespace(ns.name())
                    .withName(other.getMetadata().getName())
                    .get();
            Set<String> selected =
                client
                    .pods()
                    .inNamespace(ns.name())
                    .withLabels(svc.getSpec().getSelector())
                    .list()
                    .getItems()
                    .stream()
                    .map(p -> p.getMetadata().getName())
                    .collect(Collectors.toCollection(TreeSet::new));
            assertThat(selected)
                .as("pods selected by the example's Service %s", svc.getMetadata().getName())
                .isEqualTo(leaders);
          }
        }
      }
    } finally {
      for (HasMetadata item : created) {
        client.resource(item).inNamespace(ns.name()).delete();
      }
      // Free the fake GPUs before the next example.
      await()
          .atMost(Duration.ofSeconds(90))
          .until(() -> client.pods().inNamespace(ns.name()).list().getItems().isEmpty());
    }
  }

  private static void assertUpstreamPod(String lws, int size, boolean unique, Pod pod)
      throws Exception {
    String name = pod.getMetadata().getName();
    String rest = name.substring(lws.length() + 1);
    int g = Integer.parseInt(rest.split("-")[0]);
    int w = rest.contains("-") ? Integer.parseInt(rest.split("-")[1]) : 0;
    String leader = lws + "-" + g;
    String subdomain = unique ? leader : lws;
    String namespace = pod.getMetadata().getNamespace();
    Map<String, String> labels = pod.getMetadata().getLabels();
    assertThat(labels)
        .as("labels of %s", name)
        .containsEntry("leaderworkerset.sigs.k8s.io/name", lws)
        .containsEntry("leaderworkerset.x-k8s.io/name", lws)
        .containsEntry("leaderworkerset.sigs.k8s.io/group-index", Integer.toString(g))
        .containsEntry("leaderworkerset.sigs.k8s.io/worker-index", Integer.toString(w))
        .containsEntry("leaderworkerset.sigs.k8s.io/group-key", sha1(namespace + "/" + leader))
        .containsKey("leaderworkerset.sigs.k8s.io/template-revision-hash")
        .containsEntry("modelserving.volcano.sh/name", lws);
    assertThat(pod.getMetadata().getAnnotations())
        .containsEntry("leaderworkerset.sigs.k8s.io/size", Integer.toString(size));
    if (w > 0) {
      assertThat(pod.getMetadata().getAnnotations())
          .containsEntry("leaderworkerset.sigs.k8s.io/leader-name", leader);
    }
    assertThat(pod.getSpec().getHostname()).isEqualTo(name);
    assertThat(pod.getSpec().getSubdomain()).isEqualTo(subdomain);
    List<Container> containers = new ArrayList<>(pod.getSpec().getContainers());
    if (pod.getSpec().getInitContainers() != null) {
      containers.addAll(pod.getSpec().getInitContainers());
    }
    for (Container c : containers) {
      assertThat(c.getEnv().subList(0, 3))
          .as("first env of %s/%s", name, c.getName())
          .extracting(e -> e.getName() + "=" + e.getValue())
          .containsExactly(
              "LWS_LEADER_ADDRESS=" + leader + "." + subdomain + "." + namespace,
              "LWS_GROUP_SIZE=" + size,
              "LWS_WORKER_INDEX=" + w);
      assertThat(c.getEnv())
          .extracting(e -> e.getName() + "=" + e.getValue())
          .contains("ENTRY_ADDRESS=" + leader + "." + subdomain + "." + namespace);
    }
  }

  static String sha1(String text) throws Exception {
    return HexFormat.of()
        .formatHex(
            MessageDigest.getInstance("SHA-1")
                .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
