package dev.modelserving.controller.ops;

import dev.modelserving.controller.kube.CachePruning;
import dev.modelserving.controller.kube.EventRecorder;
import dev.modelserving.controller.kube.PrimaryCloner;
import dev.modelserving.controller.kube.SpecOrMetadataChanged;
import dev.modelserving.controller.metrics.ControllerMetrics;
import dev.modelserving.controller.ops.HttpEndpoints.Readiness;
import dev.modelserving.controller.reconciler.LeaderWorkerSetSupport;
import dev.modelserving.controller.reconciler.ModelServingReconciler;
import dev.modelserving.controller.reconciler.PodGroupSupport;
import dev.modelserving.controller.reconciler.ReconcileRetry;
import dev.modelserving.controller.reconciler.SharedPods;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controllers of one process: the ModelServing operator and LeaderWorkerSet support.
 *
 * <p>With a Lease, JOSDK's leader election runs them: every replica syncs its caches at start (a
 * standby is ready to take over at once), and only the Lease holder processes events. The callback
 * that starts the processing returns at once, so the Lease is renewed however long anything else
 * takes; losing the Lease ends the process, so the new leader is the only writer. {@link
 * #readiness()} feeds {@code /readyz}.
 */
public final class Controllers {
  private static final Logger log = LoggerFactory.getLogger(Controllers.class);

  /** What this process is doing. */
  public enum State {
    STARTING,
    STANDBY,
    RUNNING,
    STOPPING
  }

  /** The Lease that elects the one replica that writes. */
  public record Lease(String namespace, String name, String identity, Duration duration) {
    /**
     * fabric8's defaults keep these ratios; it wants renewDeadline > retryPeriod * 2.2 (jitter).
     */
    Duration renewDeadline() {
      return duration.multipliedBy(2).dividedBy(3);
    }

    Duration retryPeriod() {
      Duration r = duration.multipliedBy(2).dividedBy(9);
      return r.compareTo(Duration.ofSeconds(2)) < 0 ? r : Duration.ofSeconds(2);
    }
  }

  private final KubernetesClient client;
  private final ControllerMetrics metrics;
  private final int threads;
  private final Optional<Lease> lease;
  private final Clock clock = Clock.systemUTC();
  private volatile State state = State.STARTING;
  private Operator operator;
  private ModelServingReconciler modelServings;
  private LeaderWorkerSetSupport lws;
  private PodGroupSupport podGroups;
  private EventRecorder events;

  public Controllers(
      KubernetesClient client, ControllerMetrics metrics, int threads, Optional<Lease> lease) {
    this.client = client;
    this.metrics = metrics;
    this.threads = threads;
    this.lease = lease;
  }

  public State state() {
    return state;
  }

  /**
   * Syncs the caches and, without a Lease, starts reconciling; with one, waits for it as a standby.
   * Returns once the caches are synced; throws when the controllers cannot start (the caller exits,
   * so that the process is restarted rather than left alive doing nothing).
   */
  public void start() {
    synchronized (this) {
      if (operator != null || state == State.STOPPING) {
        return;
      }
      operator =
          new Operator(
              o -> {
                o.withKubernetesClient(client)
                    .withCloseClientOnStop(false)
                    .withConcurrentReconciliationThreads(threads)
                    .withResourceCloner(PrimaryCloner.forThisProcess())
                    .withMetrics(metrics.operatorMetrics());
                lease.ifPresent(
                    l ->
                        o.withLeaderElectionConfiguration(
                            new LeaderElectionConfiguration(
                                l.name(),
                                l.namespace(),
                                l.duration(),
                                l.renewDeadline(),
                                l.retryPeriod(),
                                l.identity(),
                                new LeaderCallbacks(
                                    this::leading,
                                    this::lostLease,
                                    leader -> log.info("the leader is {}", leader)),
                                false)));
              });
      // Volcano's PodGroup CRD is followed like the LWS CRD: it may come and go at run time.
      podGroups = new PodGroupSupport(client);
      events = new EventRecorder(client, clock, metrics); // one per process, shared
      // One pod informer for both operators: LWS support reads and hears the ModelServing one's.
      SharedPods pods = new SharedPods();
      modelServings = new ModelServingReconciler(clock, events, metrics, podGroups, pods);
      // A periodic pass guards against a missed event (JOSDK own-write filtering, see
      // JAVA-STACK.md); passes that find nothing to do write nothing.
      operator.register(
          modelServings,
          c ->
              c.withReconciliationMaxInterval(Duration.ofMinutes(5))
                  .withItemStore(CachePruning.store())
                  .withGenerationAware(false)
                  .withOnUpdateFilter(new SpecOrMetadataChanged<>())
                  .withRetry(ReconcileRetry.forever()));
      lws = new LeaderWorkerSetSupport(client, clock, threads, metrics, events, pods);
    }
    podGroups.start(); // before the first reconcile, which must know whether PodGroups are served
    lws.start();
    operator.start(); // waits for the caches; with a Lease, then starts the election
    synchronized (this) {
      if (lease.isEmpty()) {
        leading();
      } else if (state == State.STARTING) {
        state = State.STANDBY;
        log.info(
            "standby: caches synced, waiting for the Lease {}/{}",
            lease.get().namespace(),
            lease.get().name());
      }
    }
  }

  /** Called when this replica may write: without a Lease at once, else by the election. */
  private synchronized void leading() {
    if (state == State.STOPPING || state == State.RUNNING) {
      return;
    }
    lease.ifPresent(
        l ->
            log.info(
                "leading: holding the Lease {}/{} as {}", l.namespace(), l.name(), l.identity()));
    modelServings.startJudgingDisruptions();
    state = State.RUNNING;
    lws.lead(); // starts on its own thread: nothing here may delay the Lease renewal
    log.info("waiting for work (stop with Ctrl-C)");
  }

  private void lostLease() {
    if (state != State.STOPPING) {
      // Another replica may act already: stop writing at once, start afresh.
      log.error(
          "lost the Lease {}/{}: exiting so that only the new leader writes",
          lease.map(Lease::namespace).orElse(""),
          lease.map(Lease::name).orElse(""));
      Runtime.getRuntime().halt(3);
    }
  }

  /** Ready or not and why: the process state, informers that do not watch, LWS support. */
  public Readiness readiness() {
    State s = state;
    if (s == State.STARTING) {
      return new Readiness(false, "starting: caches are syncing");
    }
    if (s == State.STOPPING) {
      return new Readiness(false, "stopping");
    }
    Optional<String> informers = InformerHealth.problem(operator);
    if (informers.isPresent()) {
      return new Readiness(false, informers.get());
    }
    if (s == State.STANDBY) {
      return new Readiness(true, "standby: waiting for the Lease");
    }
    return lws.problem().map(p -> new Readiness(false, p)).orElse(new Readiness(true, "ok"));
  }

  /** Stops taking work and lets the reconciles in flight finish (JOSDK's stop waits for them). */
  public void stop() {
    State before;
    synchronized (this) {
      before = state;
      state = State.STOPPING;
    }
    if (before == State.STOPPING || operator == null) {
      return;
    }
    log.info("stopping: no new work is taken, reconciles in flight finish");
    if (lws != null) {
      lws.close();
    }
    operator.stop();
    PrimaryCloner.checkLastPasses(); // with the check on (the ITs): the last passes left them as is
    if (podGroups != null) {
      podGroups.close();
    }
    events.close(); // after the reconciles: sends what they recorded
    lease.ifPresent(this::release);
  }

  /**
   * Hands the Lease on at once, as fabric8 does on release (JOSDK's election does not release): a
   * Lease of 1 s that we still hold, so that the next leader need not wait out the duration.
   */
  private void release(Lease l) {
    try {
      LeaseLock lock = new LeaseLock(l.namespace(), l.name(), l.identity());
      LeaderElectionRecord held = lock.get(client);
      if (held != null && l.identity().equals(held.getHolderIdentity())) {
        lock.update(
            client,
            new LeaderElectionRecord(
                l.identity(),
                Duration.ofSeconds(1),
                held.getAcquireTime(),
                ZonedDateTime.now(),
                held.getLeaderTransitions()));
        log.info("released the Lease {}/{}", l.namespace(), l.name());
      }
    } catch (RuntimeException e) {
      log.warn(
          "cannot release the Lease {}/{}: {}; the next leader waits for it to expire",
          l.namespace(),
          l.name(),
          e.getMessage());
    }
  }
}
