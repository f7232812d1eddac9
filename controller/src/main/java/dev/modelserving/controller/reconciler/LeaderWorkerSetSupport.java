package dev.modelserving.controller.reconciler;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.controller.kube.CachePruning;
import dev.modelserving.controller.kube.EventRecorder;
import dev.modelserving.controller.kube.PrimaryCloner;
import dev.modelserving.controller.kube.ServedApis;
import dev.modelserving.controller.kube.SpecOrMetadataChanged;
import dev.modelserving.controller.metrics.ControllerMetrics;
import dev.modelserving.controller.ops.InformerHealth;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.javaoperatorsdk.operator.processing.retry.RetryExecution;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns LeaderWorkerSet support on and off with the upstream LWS CRD: while the CRD is established
 * (and this replica leads) an operator with the {@link LeaderWorkerSetReconciler} runs; when the
 * CRD is removed it stops. A start that fails (e.g. RBAC not granted yet) is retried with backoff
 * and reported by {@link #problem()} until it succeeds. JOSDK cannot add controllers to a started
 * operator, so LWS support has its own operator instance, started and stopped on one thread so that
 * transitions never overlap.
 */
public final class LeaderWorkerSetSupport implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaderWorkerSetSupport.class);
  private static final GenericRetry RETRY =
      new GenericRetry()
          .setInitialInterval(1_000)
          .setIntervalMultiplier(2)
          .setMaxInterval(30_000)
          .withoutMaxAttempts();

  private final KubernetesClient client;
  private final Clock clock;
  private final int threads;
  private final ControllerMetrics metrics;
  private final EventRecorder events;
  private final SharedPods pods;
  private final ScheduledThreadPoolExecutor lifecycle = lifecycleThread();
  private SharedIndexInformer<CustomResourceDefinition> crdInformer;
  // Only touched on the lifecycle thread:
  private volatile Operator operator;
  private boolean leading;
  private boolean established;
  private RetryExecution retry;
  private ScheduledFuture<?> nextAttempt;

  /** Why LWS support is not running although it should, for readiness; null when fine. */
  private volatile String failure;

  public LeaderWorkerSetSupport(
      KubernetesClient client,
      Clock clock,
      int threads,
      ControllerMetrics metrics,
      EventRecorder events,
      SharedPods pods) {
    this.client = client;
    this.pods = pods;
    this.events = events;
    this.clock = clock;
    this.threads = threads;
    this.metrics = metrics;
  }

  private static ScheduledThreadPoolExecutor lifecycleThread() {
    ScheduledThreadPoolExecutor e =
        new ScheduledThreadPoolExecutor(1, r -> new Thread(r, "lws-support"));
    e.setExecuteExistingDelayedTasksAfterShutdownPolicy(
        false); // a pending retry does not delay the stop
    return e;
  }

  /** Watches the CRD (read-only, also on a standby replica). */
  public void start() {
    crdInformer =
        client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName(LeaderWorkerSet.CRD_NAME)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(CustomResourceDefinition crd) {
                    changed(crd);
                  }

                  @Override
                  public void onUpdate(CustomResourceDefinition old, CustomResourceDefinition crd) {
                    changed(crd);
                  }

                  @Override
                  public void onDelete(CustomResourceDefinition crd, boolean finalStateUnknown) {
                    lifecycle.execute(
                        () -> {
                          established = false;
                          stopOperator("the LeaderWorkerSet CRD was removed");
                        });
                  }
                });
    if (crdInformer.getStore().list().isEmpty()) {
      log.info(
          "LeaderWorkerSet support is off: the CRD {} is not installed; it starts when the CRD appears",
          LeaderWorkerSet.CRD_NAME);
    }
  }

  /** This replica may write from now on: LWS support runs whenever the CRD is established. */
  public void lead() {
    lifecycle.execute(
        () -> {
          leading = true;
          startOperator();
        });
  }

  /** Why LWS support should run but does not, if so. */
  public Optional<String> problem() {
    String f = failure;
    if (f != null) {
      return Optional.of(f);
    }
    Operator o = operator; // read racily: readiness is advisory
    if (o == null) {
      return Optional.empty();
    }
    try {
      return InformerHealth.problem(o);
    } catch (RuntimeException stoppedMeanwhile) {
      return Optional.empty();
    }
  }

  private void changed(CustomResourceDefinition crd) {
    boolean deleting = crd.getMetadata().getDeletionTimestamp() != null;
    boolean nowEstablished = ServedApis.established(crd);
    lifecycle.execute(
        () -> {
          established = nowEstablished;
          if (nowEstablished) {
            startOperator();
          } else if (deleting) {
            stopOperator("the LeaderWorkerSet CRD is being removed");
          }
        });
  }

  private void startOperator() {
    if (operator != null || !leading || !established || lifecycle.isShutdown()) {
      return;
    }
    if (nextAttempt != null) {
      nextAttempt.cancel(false);
      nextAttempt = null;
    }
    Operator o =
        new Operator(
            c ->
                c.withKubernetesClient(client)
                    .withCloseClientOnStop(false)
                    .withConcurrentReconciliationThreads(threads)
                    .withResourceCloner(PrimaryCloner.forThisProcess())
                    .withMetrics(metrics.operatorMetrics()));
    try {
      o.register(
          new LeaderWorkerSetReconciler(clock, events, metrics, pods),
          c ->
              c.withReconciliationMaxInterval(Duration.ofMinutes(5))
                  .withItemStore(CachePruning.store())
                  .withGenerationAware(false)
                  .withOnUpdateFilter(new SpecOrMetadataChanged<>())
                  .withRetry(ReconcileRetry.forever()));
      o.start();
    } catch (RuntimeException e) {
      pods.stopForwarding();
      try {
        o.stop();
      } catch (RuntimeException ignored) {
        // it did not start; nothing else to undo
      }
      if (retry == null) {
        retry = RETRY.initExecution();
      }
      long delay = retry.nextDelay().orElse(RETRY.getMaxInterval());
      failure =
          "LeaderWorkerSet support cannot start: "
              + rootMessage(e)
              + "; retrying in "
              + Duration.ofMillis(delay).toSeconds()
              + "s";
      log.error("{}", failure);
      nextAttempt = lifecycle.schedule(this::startOperator, delay, TimeUnit.MILLISECONDS);
      return;
    }
    operator = o;
    retry = null;
    failure = null;
    log.info("LeaderWorkerSet support is on");
  }

  private void stopOperator(String why) {
    if (nextAttempt != null) {
      nextAttempt.cancel(false);
      nextAttempt = null;
    }
    retry = null;
    failure = null;
    if (operator == null) {
      return;
    }
    pods.stopForwarding();
    try {
      operator.stop();
    } catch (RuntimeException e) {
      log.warn("stopping LeaderWorkerSet support: {}", e.getMessage());
    }
    operator = null;
    log.info("LeaderWorkerSet support is off: {}", why);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " (" + t.getMessage() + ")";
  }

  @Override
  public void close() {
    if (crdInformer != null) {
      crdInformer.close();
    }
    lifecycle.execute(() -> stopOperator("the controller is stopping"));
    lifecycle.shutdown();
    try {
      lifecycle.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
