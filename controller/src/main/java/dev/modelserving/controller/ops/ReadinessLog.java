package dev.modelserving.controller.ops;

import dev.modelserving.controller.ops.HttpEndpoints.Readiness;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each change of readiness (e.g. the API server went away and came back), so the log tells
 * what {@code /readyz} told the kubelet, also when no probe runs.
 */
public final class ReadinessLog {
  private static final Logger log = LoggerFactory.getLogger(ReadinessLog.class);

  private ReadinessLog() {}

  public static void watch(Supplier<Readiness> readiness) {
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "readiness-log");
              t.setDaemon(true);
              return t;
            });
    Readiness[] last = {readiness.get()};
    timer.scheduleWithFixedDelay(
        () -> {
          try {
            Readiness now = readiness.get();
            if (!now.equals(last[0])) {
              if (now.ready()) {
                log.info("ready: {}", now.reason());
              } else {
                log.warn("not ready: {}", now.reason());
              }
              last[0] = now;
            }
          } catch (RuntimeException e) {
            log.debug("readiness: {}", e.getMessage());
          }
        },
        1,
        1,
        TimeUnit.SECONDS);
  }
}
