package dev.modelserving.controller.kube;

import dev.modelserving.controller.kube.EventCorrelator.Involved;
import dev.modelserving.controller.kube.EventCorrelator.Observed;
import dev.modelserving.controller.kube.EventCorrelator.Occurrence;
import dev.modelserving.controller.kube.EventCorrelator.Settings;
import dev.modelserving.controller.kube.EventCorrelator.Step;
import dev.modelserving.controller.kube.EventCorrelator.Suppressed;
import dev.modelserving.controller.kube.EventCorrelator.Write;
import dev.modelserving.controller.metrics.ControllerMetrics;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records Kubernetes Events (core/v1) on the objects the controller manages, so that they show in
 * {@code kubectl describe}, the way client-go's event broadcaster does: recording only updates
 * memory ({@link EventCorrelator} decides between a new Event, a higher count on a recent one, the
 * combined Event of similar ones, or a drop), and one background thread writes what is due. A
 * reconcile never waits for the API server here, and failing to record an Event never fails it. One
 * instance per process; {@link #close} sends what waits, within a bounded time.
 */
public final class EventRecorder implements AutoCloseable {
  public static final String COMPONENT = "modelserving-controller";
  private static final Logger log = LoggerFactory.getLogger(EventRecorder.class);
  private static final int MAX_MESSAGE = 1024;
  private static final Duration DROP_LOG_INTERVAL = Duration.ofSeconds(30);

  private final KubernetesClient client;
  private final Clock clock;
  private final ControllerMetrics metrics;
  private final Object lock = new Object();
  private final EventCorrelator correlator; // guarded by lock
  private final ScheduledThreadPoolExecutor sender;
  private Instant sendPlannedAt; // guarded by lock: the earliest send task scheduled
  private boolean closed; // guarded by lock
  private Instant lastDropLog; // guarded by lock
  private long droppedSinceLog; // guarded by lock

  public EventRecorder(KubernetesClient client, Clock clock, ControllerMetrics metrics) {
    this(client, clock, metrics, Settings.DEFAULTS);
  }

  EventRecorder(
      KubernetesClient client, Clock clock, ControllerMetrics metrics, Settings settings) {
    this.client = client;
    this.clock = clock;
    this.metrics = metrics;
    this.correlator = new EventCorrelator(settings);
    this.sender =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "event-recorder");
              t.setDaemon(true);
              return t;
            });
    // On close only the flush runs; a send planned for later is not waited for.
    sender.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
  }

  public void normal(HasMetadata object, String reason, String message) {
    record(object, "Normal", reason, message);
  }

  public void warning(HasMetadata object, String reason, String message) {
    record(object, "Warning", reason, message);
  }

  private void record(HasMetadata object, String type, String reason, String message) {
    metrics.eventRecorded(type);
    var meta = object.getMetadata();
    Occurrence o =
        new Occurrence(
            new Involved(
                object.getApiVersion(),
                object.getKind(),
                meta.getNamespace(),
                meta.getName(),
                meta.getUid()),
            type,
            reason,
            message);
    Observed observed;
    synchronized (lock) {
      if (closed) {
        observed = null;
      } else {
        observed = correlator.observe(o, clock.instant());
        planSend();
      }
    }
    if (observed == null) {
      metrics.eventDropped("closed");
      log.info(
          "the controller is stopping: Event {} on {}/{} not sent",
          reason,
          meta.getNamespace(),
          meta.getName());
      return;
    }
    switch (observed) {
      case DUPLICATE -> metrics.eventAggregated("duplicate");
      case COMBINED -> metrics.eventAggregated("similar");
      case DROPPED_FULL -> droppedFull(o);
      case NEW -> {}
    }
  }

  private void droppedFull(Occurrence o) {
    metrics.eventDropped("queue_full");
    synchronized (lock) {
      droppedSinceLog++;
      Instant now = clock.instant();
      if (lastDropLog != null && now.isBefore(lastDropLog.plus(DROP_LOG_INTERVAL))) {
        return;
      }
      lastDropLog = now;
      log.warn(
          "too many Events wait to be sent ({}): dropped {} since the last such line, the latest"
              + " {} on {} {}/{}",
          correlator.pending(),
          droppedSinceLog,
          o.reason(),
          o.object().kind(),
          o.object().namespace(),
          o.object().name());
      droppedSinceLog = 0;
    }
  }

  /** Under the lock: makes sure a send task runs when the next write is due. */
  private void planSend() {
    Optional<Instant> due = correlator.nextDue();
    if (due.isEmpty() || (sendPlannedAt != null && !sendPlannedAt.isAfter(due.get()))) {
      return;
    }
    sendPlannedAt = due.get();
    long delay = Math.max(0, Duration.between(clock.instant(), due.get()).toMillis());
    sender.schedule(this::sendDue, delay, TimeUnit.MILLISECONDS);
  }

  /** On the sender thread: every write due now, one after the other. */
  private void sendDue() {
    boolean flush;
    synchronized (lock) {
      sendPlannedAt = null;
      flush = closed;
    }
    while (true) {
      Optional<Step> step;
      synchronized (lock) {
        step = correlator.takeDue(clock.instant(), flush);
      }
      if (step.isEmpty()) {
        break;
      }
      try {
        send(step.get());
      } catch (RuntimeException e) {
        // Never lose the sender thread to one Event.
        metrics.eventDropped("api_error");
        log.warn("cannot send an Event: {}", e.toString());
      }
    }
    synchronized (lock) {
      if (!closed) {
        planSend();
      }
    }
  }

  private void send(Step step) {
    if (step instanceof Suppressed s) {
      metrics.eventDropped("spam");
      log.debug("too many Events on {}: {} not sent", s.key().similar().object(), s.key());
      return;
    }
    Write w = (Write) step;
    Involved o = w.key().similar().object();
    if (w.create()) {
      metrics.apiWrite("create", "events");
      try {
        Event made = client.v1().events().inNamespace(o.namespace()).resource(newEvent(w)).create();
        synchronized (lock) {
          correlator.created(w.key(), made.getMetadata().getName());
        }
      } catch (KubernetesClientException e) {
        failed(w, e);
      }
      return;
    }
    metrics.apiWrite("patch", "events");
    // Scalars only, so a merge patch means what client-go's strategic merge patch means.
    Map<String, Object> patch = new LinkedHashMap<>();
    patch.put("count", w.count());
    patch.put("lastTimestamp", timestamp(w.lastSeen()));
    patch.put("message", truncated(w.message()));
    try {
      client
          .v1()
          .events()
          .inNamespace(o.namespace())
          .withName(w.name())
          .patch(
              PatchContext.of(PatchType.JSON_MERGE),
              client.getKubernetesSerialization().asJson(patch));
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        synchronized (lock) {
          correlator.gone(w.key(), clock.instant());
        }
      } else {
        failed(w, e);
      }
    }
  }

  private void failed(Write w, KubernetesClientException e) {
    metrics.eventDropped("api_error");
    Involved o = w.key().similar().object();
    log.warn(
        "cannot record event {} on {}/{}: {}",
        w.key().similar().reason(),
        o.namespace(),
        o.name(),
        e.getMessage());
  }

  private static Event newEvent(Write w) {
    Involved o = w.key().similar().object();
    return new EventBuilder()
        .withNewMetadata()
        .withGenerateName(o.name() + ".")
        .withNamespace(o.namespace())
        .endMetadata()
        .withInvolvedObject(
            new ObjectReferenceBuilder()
                .withApiVersion(o.apiVersion())
                .withKind(o.kind())
                .withName(o.name())
                .withNamespace(o.namespace())
                .withUid(o.uid())
                .build())
        .withType(w.key().similar().type())
        .withReason(w.key().similar().reason())
        .withMessage(truncated(w.message()))
        .withNewSource(COMPONENT, null)
        .withReportingComponent(COMPONENT)
        .withReportingInstance(COMPONENT)
        .withFirstTimestamp(timestamp(w.firstSeen()))
        .withLastTimestamp(timestamp(w.lastSeen()))
        .withCount(w.count())
        .build();
  }

  private static String timestamp(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static String truncated(String message) {
    return message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE - 3) + "..." : message;
  }

  /** Sends what waits (coalescing no longer applies) within 5 s; later records are dropped. */
  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }

  void close(Duration timeout) {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    sender.execute(this::sendDue);
    sender.shutdown();
    try {
      if (!sender.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        sender.shutdownNow();
        log.warn("Events not all sent within {}s of the stop", timeout.toSeconds());
      }
    } catch (InterruptedException e) {
      sender.shutdownNow();
      Thread.currentThread().interrupt();
    }
    synchronized (lock) {
      if (correlator.pending() > 0) {
        log.warn("{} Events not sent: the controller stopped", correlator.pending());
      }
    }
  }
}
