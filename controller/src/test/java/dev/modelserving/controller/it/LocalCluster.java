package dev.modelserving.controller.it;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The real control plane that integration tests run against: the one {@code hack/local-cluster.sh
 * up} starts (its kubeconfig comes from the system property {@code it.kubeconfig}, set by the Maven
 * build). One client is shared by every test class in the JVM. There is no fallback: without a
 * reachable cluster an integration test fails and says how to start one.
 */
public final class LocalCluster {
  private static KubernetesClient client;

  private LocalCluster() {}

  public static Path kubeconfig() {
    String path = System.getProperty("it.kubeconfig", ".local-cluster/kubeconfig");
    return Path.of(path).toAbsolutePath();
  }

  public static synchronized KubernetesClient client() {
    if (client == null) {
      Path kubeconfig = kubeconfig();
      if (!Files.isRegularFile(kubeconfig)) {
        throw new IllegalStateException(
            "no local cluster: "
                + kubeconfig
                + " does not exist. Start one with `hack/local-cluster.sh up` (make test does it).");
      }
      String yaml;
      try {
        yaml = Files.readString(kubeconfig);
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + kubeconfig, e);
      }
      KubernetesClient c =
          new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(yaml)).build();
      try {
        c.getKubernetesVersion();
      } catch (KubernetesClientException e) {
        c.close();
        throw new IllegalStateException(
            "the cluster of "
                + kubeconfig
                + " is not reachable; run `hack/local-cluster.sh status`",
            e);
      }
      client = c;
    }
    return client;
  }

  /**
   * Whether {@code hack/local-cluster.sh up --with NAME} started the optional component {@code
   * name} in this cluster: it lists the names it started in {@code with}, beside the kubeconfig.
   */
  public static boolean hasComponent(String name) {
    Path with = kubeconfig().resolveSibling("with");
    try {
      return Files.isRegularFile(with) && Files.readAllLines(with).stream().anyMatch(name::equals);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + with, e);
    }
  }

  /** Creates a namespace with a unique name that starts with {@code prefix}. */
  public static String createNamespace(String prefix) {
    String name = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    client()
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(name)
                .addToLabels("modelserving.dev/test", "true")
                .endMetadata()
                .build())
        .create();
    return name;
  }

  public static void deleteNamespace(String name) {
    client().namespaces().withName(name).delete();
  }
}
