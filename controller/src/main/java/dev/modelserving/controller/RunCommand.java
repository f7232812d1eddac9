package dev.modelserving.controller;

import dev.modelserving.controller.kube.ChaChaFirstHttpClientFactory;
import dev.modelserving.controller.kube.CredentialRefresh;
import dev.modelserving.controller.kube.Serialization;
import dev.modelserving.controller.kube.ServedApis;
import dev.modelserving.controller.metrics.ControllerMetrics;
import dev.modelserving.controller.ops.Controllers;
import dev.modelserving.controller.ops.HttpEndpoints;
import dev.modelserving.controller.ops.Logging;
import dev.modelserving.controller.ops.OldGenCollection;
import dev.modelserving.controller.ops.ReadinessLog;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code modelserving run}: connects to the cluster of the current kubeconfig (or the in-cluster
 * ServiceAccount), serves {@code /healthz}, {@code /readyz} and {@code /metrics}, and runs the
 * controllers, behind a Lease when {@code --leader-elect} is on so that only one replica writes.
 */
@Command(
    name = "run",
    description = "Run the controller against $KUBECONFIG or the in-cluster config.")
final class RunCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

  @Option(
      names = "--workers",
      defaultValue = "16",
      description =
          "Objects reconciled in parallel by each operator; a pass mostly waits on the API server"
              + " (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(
      names = "--http-port",
      defaultValue = "8080",
      description =
          "Port of /healthz, /readyz and /metrics; 0 picks a free port, -1 turns them off (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(
      names = "--leader-elect",
      description =
          "Act only while holding the Lease, so that several replicas never write at once.")
  boolean leaderElect;

  @Option(
      names = "--lease-name",
      defaultValue = "modelserving-controller",
      description = "Name of the Lease (default: ${DEFAULT-VALUE}).")
  String leaseName;

  @Option(
      names = "--lease-namespace",
      description =
          "Namespace of the Lease (default: $POD_NAMESPACE, else the kubeconfig's namespace, else default).")
  String leaseNamespace;

  @Option(
      names = "--lease-duration",
      defaultValue = "15s",
      description = "How long a Lease holds without renewal, e.g. 15s (default: ${DEFAULT-VALUE}).")
  String leaseDuration;

  @Option(
      names = "--log-format",
      defaultValue = "text",
      description = "text or json (default: ${DEFAULT-VALUE}).")
  String logFormat;

  @Override
  public Integer call() throws Exception {
    if (!Logging.configure(logFormat)) {
      System.err.println("error: --log-format must be text or json, got " + logFormat);
      return 2;
    }
    OldGenCollection.start()
        .ifPresent(
            pool ->
                log.info(
                    "serial collector: the old generation is collected once it grows by half"));
    // Few, short retries: an unreachable cluster should be reported in seconds, not minutes.
    // The identity names this process in the Lease and, through the user agent, in the API
    // server's audit log and managedFields (manager "modelserving-controller").
    String identity = InetAddress.getLocalHost().getHostName() + "_" + UUID.randomUUID();
    String version =
        Optional.ofNullable(RunCommand.class.getPackage().getImplementationVersion()).orElse("dev");
    Config config =
        new ConfigBuilder(Config.autoConfigure(null))
            .withRequestRetryBackoffLimit(3)
            .withConnectionTimeout(5_000)
            .withUserAgent("modelserving-controller/" + version + " (" + identity + ")")
            .build();
    HttpClient.Factory httpClients = new ChaChaFirstHttpClientFactory(config);
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(config)
            .withHttpClientFactory(httpClients)
            .withHttpClientBuilderConsumer(
                builder -> CredentialRefresh.install(builder, config, httpClients))
            .withKubernetesSerialization(Serialization.SHARED)
            .build()) {
      String server = client.getConfiguration().getMasterUrl();
      log.info("connecting to {}", server);
      String serverVersion;
      try {
        serverVersion = client.getKubernetesVersion().getGitVersion();
      } catch (KubernetesClientException e) {
        log.error(
            "cannot reach the Kubernetes API server at {}: {}. Check $KUBECONFIG, or run `make run` to start a local cluster.",
            server,
            rootCause(e));
        return 1;
      }
      log.info("connected to {} (Kubernetes {}) as {}", server, serverVersion, identity);
      ServedApis apis = ServedApis.discover(client);
      if (!apis.modelServing()) {
        log.error(
            "the ModelServing API is not served by {}: install the CRD with `kubectl apply --server-side -f deploy/crds/` and start again",
            server);
        return 1;
      }
      log.info("ModelServing API is served");
      log.info("LeaderWorkerSet API {}", apis.leaderWorkerSet() ? "is served" : "is not served");

      ControllerMetrics metrics = new ControllerMetrics();
      Optional<Controllers.Lease> lease = Optional.empty();
      if (leaderElect) {
        String namespace =
            leaseNamespace != null
                ? leaseNamespace
                : System.getenv("POD_NAMESPACE") != null
                    ? System.getenv("POD_NAMESPACE")
                    : client.getNamespace() != null ? client.getNamespace() : "default";
        lease =
            Optional.of(
                new Controllers.Lease(
                    namespace,
                    leaseName,
                    identity,
                    Duration.parse("PT" + leaseDuration.toUpperCase())));
        log.info("waiting to lead: Lease {}/{} as {}", namespace, leaseName, identity);
      }
      Controllers controllers = new Controllers(client, metrics, threads, lease);
      HttpEndpoints http =
          httpPort < 0 ? null : new HttpEndpoints(httpPort, metrics, controllers::readiness);
      if (http != null) {
        log.info("serving /healthz, /readyz and /metrics on port {}", http.port());
      }
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    controllers.stop();
                    if (http != null) {
                      http.close();
                    }
                    log.info("stopped");
                    stopped.countDown();
                  },
                  "shutdown"));
      try {
        controllers.start();
      } catch (RuntimeException e) {
        // Alive but doing nothing would look healthy: exit, so that the process is restarted.
        log.error("cannot start the controllers: {}; exiting", rootCause(e), e);
        return 1;
      }
      ReadinessLog.watch(controllers::readiness);
      stopped.await();
      return 0;
    }
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    if (t == e) {
      return String.valueOf(e.getMessage());
    }
    return t.getMessage() == null
        ? t.getClass().getSimpleName()
        : t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
