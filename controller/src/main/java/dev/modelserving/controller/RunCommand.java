package dev.modelserving.controller;

import dev.modelserving.controller.kube.ServedApis;
import dev.modelserving.controller.metrics.ControllerMetrics;
import dev.modelserving.controller.ops.Controllers;
import dev.modelserving.controller.ops.HttpEndpoints;
import dev.modelserving.controller.ops.HttpEndpoints.Readiness;
import dev.modelserving.controller.ops.Logging;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.net.InetAddress;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
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
@Command(name = "run", description = "Run the controller against $KUBECONFIG or the in-cluster config.")
final class RunCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

  @Option(names = "--workers", defaultValue = "4", description = "Objects reconciled in parallel (default: ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--http-port", defaultValue = "8080", description = "Port of /healthz, /readyz and /metrics; 0 picks a free port, -1 turns them off (default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(names = "--leader-elect", description = "Act only while holding the Lease, so that several replicas never write at once.")
  boolean leaderElect;

  @Option(names = "--lease-name", defaultValue = "modelserving-controller", description = "Name of the Lease (default: ${DEFAULT-VALUE}).")
  String leaseName;

  @Option(names = "--lease-namespace", description = "Namespace of the Lease (default: $POD_NAMESPACE, else the kubeconfig's namespace, else default).")
  String leaseNamespace;

  @Option(names = "--lease-duration", defaultValue = "15s", description = "How long a Lease holds without renewal, e.g. 15s (default: ${DEFAULT-VALUE}).")
  String leaseDuration;

  @Option(names = "--log-format", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
  String logFormat;

  @Override
  public Integer call() throws Exception {
    if (!Logging.configure(logFormat)) {
      System.err.println("error: --log-format must be text or json, got " + logFormat);
      return 2;
    }
    // Few, short retries: an unreachable cluster should be reported in seconds, not minutes.
    Config config = new ConfigBuilder(Config.autoConfigure(null)).withRequestRetryBackoffLimit(3).withConnectionTimeout(5_000).build();
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      String server = client.getConfiguration().getMasterUrl();
      log.info("connecting to {}", server);
      String version;
      try {
        version = client.getKubernetesVersion().getGitVersion();
      } catch (KubernetesClientException e) {
        log.error("cannot reach the Kubernetes API server at {}: {}. Check $KUBECONFIG, or run `make run` to start a local cluster.", server, rootCause(e));
        return 1;
      }
      log.info("connected to {} (Kubernetes {})", server, version);
      ServedApis apis = ServedApis.discover(client);
      if (!apis.modelServing()) {
        log.error("the ModelServing API is not served by {}: install the CRD with `kubectl apply --server-side -f deploy/crds/` and start again", server);
        return 1;
      }
      log.info("ModelServing API is served");
      log.info("LeaderWorkerSet API {}", apis.leaderWorkerSet() ? "is served" : "is not served");

      ControllerMetrics metrics = new ControllerMetrics();
      Controllers controllers = new Controllers(client, metrics, threads, leaderElect);
      HttpEndpoints http = httpPort < 0 ? null : new HttpEndpoints(httpPort, metrics, () -> readiness(controllers));
      if (http != null) {
        log.info("serving /healthz, /readyz and /metrics on port {}", http.port());
      }
      CountDownLatch stopped = new CountDownLatch(1);
      CompletableFuture<?> election = null;
      String[] lease = {null, null, null}; // namespace, name, identity: for the release on shutdown
      if (leaderElect) {
        String namespace = leaseNamespace != null ? leaseNamespace
            : System.getenv("POD_NAMESPACE") != null ? System.getenv("POD_NAMESPACE")
            : client.getNamespace() != null ? client.getNamespace() : "default";
        String identity = InetAddress.getLocalHost().getHostName() + "_" + UUID.randomUUID();
        Duration duration = Duration.parse("PT" + leaseDuration.toUpperCase());
        lease[0] = namespace;
        lease[1] = leaseName;
        lease[2] = identity;
        log.info("waiting to lead: Lease {}/{} as {}", namespace, leaseName, identity);
        election = client.leaderElector()
            .withConfig(new LeaderElectionConfigBuilder()
                .withName(leaseName)
                .withLock(new LeaseLock(namespace, leaseName, identity))
                .withLeaseDuration(duration)
                .withRenewDeadline(duration.multipliedBy(2).dividedBy(3))
                // fabric8 wants renewDeadline > retryPeriod * 2.2 (jitter)
                .withRetryPeriod(min(Duration.ofSeconds(2), duration.multipliedBy(2).dividedBy(9)))
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(
                    () -> {
                      log.info("leading: starting the controllers");
                      controllers.start();
                    },
                    () -> {
                      if (controllers.state() != Controllers.State.STOPPING) {
                        // Another replica may act already: stop writing at once, start afresh.
                        log.error("lost the Lease {}/{}: exiting so that only the new leader writes", namespace, leaseName);
                        Runtime.getRuntime().halt(3);
                      }
                    },
                    leader -> log.info("the leader is {}", leader)))
                .build())
            .build()
            .start();
      } else {
        controllers.start();
      }
      CompletableFuture<?> electionToCancel = election;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        controllers.stop();
        if (electionToCancel != null) {
          electionToCancel.cancel(true); // releases the Lease (releaseOnCancel), asynchronously
          awaitRelease(client, lease[0], lease[1], lease[2]);
        }
        if (http != null) {
          http.close();
        }
        log.info("stopped");
        stopped.countDown();
      }, "shutdown"));
      stopped.await();
      return 0;
    }
  }

  /** Waits briefly for the released Lease, so the next leader need not wait out its duration. */
  private static void awaitRelease(KubernetesClient client, String namespace, String name, String identity) {
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        var lease = client.leases().inNamespace(namespace).withName(name).get();
        // fabric8 releases by shortening the Lease to 1 s, keeping the holder's name.
        if (lease == null || lease.getSpec() == null || !identity.equals(lease.getSpec().getHolderIdentity())
            || lease.getSpec().getLeaseDurationSeconds() != null && lease.getSpec().getLeaseDurationSeconds() <= 1) {
          return;
        }
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        return;
      }
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Readiness readiness(Controllers controllers) {
    return switch (controllers.state()) {
      case STANDBY -> new Readiness(true, "standby: waiting for the Lease");
      case STARTING -> new Readiness(false, "starting: caches are syncing");
      case RUNNING -> new Readiness(true, "ok");
      case STOPPING -> new Readiness(false, "stopping");
    };
  }

  private static String rootCause(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    if (t == e) {
      return String.valueOf(e.getMessage());
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
  }
}
