package dev.modelserving.controller.ops;

import dev.modelserving.controller.kube.EventRecorder;
import dev.modelserving.controller.metrics.ControllerMetrics;
import dev.modelserving.controller.reconciler.LeaderWorkerSetSupport;
import dev.modelserving.controller.reconciler.ModelServingReconciler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controllers of one process: the ModelServing operator and LeaderWorkerSet support. Started
 * once (when this replica leads), stopped once; {@link #state()} feeds {@code /readyz}.
 */
public final class Controllers {
  private static final Logger log = LoggerFactory.getLogger(Controllers.class);

  /** What this process is doing, for readiness. */
  public enum State { STANDBY, STARTING, RUNNING, STOPPING }

  private final KubernetesClient client;
  private final ControllerMetrics metrics;
  private final int threads;
  private final Clock clock = Clock.systemUTC();
  private volatile State state;
  private Operator operator;
  private LeaderWorkerSetSupport lws;

  /** {@code standby}: waits for {@link #start()} as a ready replica (leader election), else starting. */
  public Controllers(KubernetesClient client, ControllerMetrics metrics, int threads, boolean standby) {
    this.client = client;
    this.metrics = metrics;
    this.threads = threads;
    this.state = standby ? State.STANDBY : State.STARTING;
  }

  public State state() {
    return state;
  }

  /** Starts both; returns once the ModelServing caches are synced (JOSDK's start waits for them). */
  public synchronized void start() {
    if (operator != null || state == State.STOPPING) {
      return;
    }
    state = State.STARTING;
    operator = new Operator(o -> o.withKubernetesClient(client)
        .withCloseClientOnStop(false)
        .withConcurrentReconciliationThreads(threads)
        .withMetrics(metrics.operatorMetrics()));
    // A periodic pass guards against a missed event (JOSDK own-write filtering, see
    // JAVA-STACK.md); passes that find nothing to do write nothing.
    operator.register(
        new ModelServingReconciler(clock, new EventRecorder(client, clock, metrics), metrics),
        c -> c.withReconciliationMaxInterval(Duration.ofMinutes(5)));
    operator.start();
    lws = new LeaderWorkerSetSupport(client, clock, threads, metrics);
    lws.start();
    state = State.RUNNING;
    log.info("waiting for work (stop with Ctrl-C)");
  }

  /** Stops taking work and lets the reconciles in flight finish (JOSDK's stop waits for them). */
  public synchronized void stop() {
    boolean running = operator != null && state != State.STOPPING;
    state = State.STOPPING;
    if (!running) {
      return;
    }
    log.info("stopping: no new work is taken, reconciles in flight finish");
    if (lws != null) {
      lws.close();
    }
    if (operator != null) {
      operator.stop();
    }
  }
}
