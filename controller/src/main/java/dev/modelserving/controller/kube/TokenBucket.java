package dev.modelserving.controller.kube;

import java.time.Duration;
import java.time.Instant;

/**
 * A token bucket that starts full with {@code burst} tokens and earns one back every {@code
 * refill}, never holding more than {@code burst}. Time comes in as an argument, so it is pure
 * arithmetic over the instants it is given; not thread-safe.
 */
final class TokenBucket {
  private final int burst;
  private final long refillNanos;
  private double tokens;
  private Instant at;

  TokenBucket(int burst, Duration refill, Instant now) {
    if (burst < 1 || refill.isNegative() || refill.isZero()) {
      throw new IllegalArgumentException("burst >= 1 and a positive refill, got " + burst + refill);
    }
    this.burst = burst;
    this.refillNanos = refill.toNanos();
    this.tokens = burst;
    this.at = now;
  }

  /** Takes a token if one is there at {@code now}. */
  boolean tryTake(Instant now) {
    if (now.isAfter(at)) {
      double earned = (double) Duration.between(at, now).toNanos() / refillNanos;
      tokens = Math.min(burst, tokens + earned);
      at = now;
    }
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
