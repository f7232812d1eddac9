package dev.modelserving.controller;

import dev.modelserving.controller.kube.ServedApis;
import dev.modelserving.controller.kube.EventRecorder;
import dev.modelserving.controller.reconciler.LeaderWorkerSetSupport;
import dev.modelserving.controller.reconciler.ModelServingReconciler;
import io.fabric8.kubernetes.client.Config;
import io.javaoperatorsdk.operator.Operator;
import java.time.Clock;
import java.time.Duration;
import picocli.CommandLine.Option;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;

/**
 * {@code modelserving run}: connects to the cluster of the current kubeconfig (or the in-cluster
 * ServiceAccount), reports which of the APIs it serves are installed, and runs until stopped.
 */
@Command(name = "run", description = "Run the controller against $KUBECONFIG or the in-cluster config.")
final class RunCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

  @Option(
      names = "--workers",
      defaultValue = "4",
      description = "Objects reconciled in parallel (default: ${DEFAULT-VALUE}).")
  int threads;

  @Override
  public Integer call() throws InterruptedException {
    // Few, short retries: an unreachable cluster should be reported in seconds, not minutes.
    Config config =
        new ConfigBuilder(Config.autoConfigure(null))
            .withRequestRetryBackoffLimit(3)
            .withConnectionTimeout(5_000)
            .build();
    try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
      String server = client.getConfiguration().getMasterUrl();
      log.info("connecting to {}", server);
      String version;
      try {
        version = client.getKubernetesVersion().getGitVersion();
      } catch (KubernetesClientException e) {
        log.error(
            "cannot reach the Kubernetes API server at {}: {}. Check $KUBECONFIG, or run `make run`"
                + " to start a local cluster.",
            server,
            rootCause(e));
        return 1;
      }
      log.info("connected to {} (Kubernetes {})", server, version);
      ServedApis apis = ServedApis.discover(client);
      if (!apis.modelServing()) {
        log.error(
            "the ModelServing API is not served by {}: install the CRD with `kubectl apply"
                + " --server-side -f deploy/crds/` and start again",
            server);
        return 1;
      }
      log.info("ModelServing API is served");
      log.info("LeaderWorkerSet API {}", apis.leaderWorkerSet() ? "is served" : "is not served");
      Clock clock = Clock.systemUTC();
      Operator operator =
          new Operator(
              o ->
                  o.withKubernetesClient(client)
                      .withCloseClientOnStop(false)
                      .withConcurrentReconciliationThreads(threads));
      // A periodic pass guards against a missed event (JOSDK own-write filtering, see
      // JAVA-STACK.md); passes that find nothing to do write nothing.
      operator.register(
          new ModelServingReconciler(clock, new EventRecorder(client, clock)),
          c -> c.withReconciliationMaxInterval(Duration.ofMinutes(5)));
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "shutdown"));
      operator.start();
      LeaderWorkerSetSupport lws = new LeaderWorkerSetSupport(client, clock, threads);
      lws.start();
      log.info("waiting for work (stop with Ctrl-C)");
      stop.await();
      log.info("stopping");
      lws.close();
      operator.stop();
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
