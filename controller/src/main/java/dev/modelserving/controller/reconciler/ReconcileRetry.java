package dev.modelserving.controller.reconciler;

import io.javaoperatorsdk.operator.processing.retry.GenericRetry;

/**
 * How a failed reconcile is retried: with backoff up to 30 s, without a limit. JOSDK's default
 * gives up after a few attempts, so an outage of the API server longer than those would leave an
 * object unreconciled until its next event or the periodic pass.
 */
public final class ReconcileRetry {
  private ReconcileRetry() {}

  public static GenericRetry forever() {
    return new GenericRetry()
        .setInitialInterval(500)
        .setIntervalMultiplier(2)
        .setMaxInterval(30_000)
        .withoutMaxAttempts();
  }
}
