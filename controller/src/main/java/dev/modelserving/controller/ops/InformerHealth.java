package dev.modelserving.controller.ops;

import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RegisteredController;
import io.javaoperatorsdk.operator.health.InformerHealthIndicator;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Informers of a started operator that do not watch right now (e.g. the API server is away and
 * fabric8 reconnects). JOSDK's own health status only says whether they run and synced once.
 */
public final class InformerHealth {
  private InformerHealth() {}

  /** "controller/event source" of every informer that is not running or not watching. */
  @SuppressWarnings("rawtypes")
  public static SortedSet<String> notWatching(Operator operator) {
    SortedSet<String> names = new TreeSet<>();
    for (RegisteredController controller : operator.getRuntimeInfo().getRegisteredControllers()) {
      String name = controller.getConfiguration().getName();
      controller
          .getControllerHealthInfo()
          .informerEventSourceHealthIndicators()
          .forEach(
              (source, indicator) -> {
                for (Object health : indicator.informerHealthIndicators().values()) {
                  InformerHealthIndicator informer = (InformerHealthIndicator) health;
                  if (!informer.isRunning() || !informer.isWatching()) {
                    names.add(name + "/" + source);
                  }
                }
              });
    }
    return names;
  }

  /** The readiness problem, if any informer does not watch. */
  public static Optional<String> problem(Operator operator) {
    SortedSet<String> names = notWatching(operator);
    return names.isEmpty()
        ? Optional.empty()
        : Optional.of("not watching (is the API server reachable?): " + String.join(", ", names));
  }
}
