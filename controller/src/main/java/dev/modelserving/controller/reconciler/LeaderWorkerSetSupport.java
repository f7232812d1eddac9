package dev.modelserving.controller.reconciler;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.controller.kube.EventRecorder;
import dev.modelserving.controller.metrics.ControllerMetrics;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.javaoperatorsdk.operator.Operator;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns LeaderWorkerSet support on and off with the upstream LWS CRD: while the CRD is established
 * an operator with the {@link LeaderWorkerSetReconciler} runs; when the CRD is removed it stops.
 * JOSDK cannot add controllers to a started operator, so LWS support has its own operator
 * instance, started and stopped on one thread so that transitions never overlap.
 */
public final class LeaderWorkerSetSupport implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeaderWorkerSetSupport.class);

  private final KubernetesClient client;
  private final Clock clock;
  private final int threads;
  private final ControllerMetrics metrics;
  private final ExecutorService lifecycle = Executors.newSingleThreadExecutor(r -> new Thread(r, "lws-support"));
  private SharedIndexInformer<CustomResourceDefinition> crdInformer;
  private Operator operator; // only touched on the lifecycle thread

  public LeaderWorkerSetSupport(KubernetesClient client, Clock clock, int threads, ControllerMetrics metrics) {
    this.client = client;
    this.clock = clock;
    this.threads = threads;
    this.metrics = metrics;
  }

  public void start() {
    crdInformer =
        client.apiextensions().v1().customResourceDefinitions()
            .withName(LeaderWorkerSet.CRD_NAME)
            .inform(new ResourceEventHandler<>() {
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
                lifecycle.execute(() -> stopOperator("the LeaderWorkerSet CRD was removed"));
              }
            });
    if (crdInformer.getStore().list().isEmpty()) {
      log.info("LeaderWorkerSet support is off: the CRD {} is not installed; it starts when the CRD appears", LeaderWorkerSet.CRD_NAME);
    }
  }

  private void changed(CustomResourceDefinition crd) {
    boolean established = crd.getStatus() != null && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream().anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
    boolean deleting = crd.getMetadata().getDeletionTimestamp() != null;
    if (established && !deleting) {
      lifecycle.execute(this::startOperator);
    } else if (deleting) {
      lifecycle.execute(() -> stopOperator("the LeaderWorkerSet CRD is being removed"));
    }
  }

  private void startOperator() {
    if (operator != null) {
      return;
    }
    try {
      Operator o = new Operator(c -> c.withKubernetesClient(client).withCloseClientOnStop(false)
          .withConcurrentReconciliationThreads(threads).withMetrics(metrics.operatorMetrics()));
      o.register(new LeaderWorkerSetReconciler(clock, new EventRecorder(client, clock, metrics), metrics),
          c -> c.withReconciliationMaxInterval(Duration.ofMinutes(5)));
      o.start();
      operator = o;
      log.info("LeaderWorkerSet support is on");
    } catch (RuntimeException e) {
      log.error("cannot start LeaderWorkerSet support: {}", e.getMessage(), e);
    }
  }

  private void stopOperator(String why) {
    if (operator == null) {
      return;
    }
    try {
      operator.stop();
    } catch (RuntimeException e) {
      log.warn("stopping LeaderWorkerSet support: {}", e.getMessage());
    }
    operator = null;
    log.info("LeaderWorkerSet support is off: {}", why);
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
