package dev.modelserving.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenBucketTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void startsFullThenRefusesUntilATokenIsEarned() {
    TokenBucket b = new TokenBucket(3, Duration.ofSeconds(10), T0);
    List<Boolean> taken = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      taken.add(b.tryTake(T0));
    }
    assertThat(taken).containsExactly(true, true, true, false);
    assertThat(b.tryTake(T0.plusSeconds(9))).as("9 s: not a whole token yet").isFalse();
    assertThat(b.tryTake(T0.plusSeconds(10))).as("10 s: one token").isTrue();
    assertThat(b.tryTake(T0.plusSeconds(10))).isFalse();
  }

  @ParameterizedTest(name = "{0} s idle after emptying burst {1} (refill 5 s): {2} tokens")
  @CsvSource({"0, 2, 0", "5, 2, 1", "12, 2, 2", "3600, 2, 2", "3600, 25, 25"})
  void refillsAtTheRateNeverPastTheBurst(long idleSeconds, int burst, int expected) {
    TokenBucket b = new TokenBucket(burst, Duration.ofSeconds(5), T0);
    while (b.tryTake(T0)) {
      // empty it
    }
    Instant later = T0.plusSeconds(idleSeconds);
    int got = 0;
    while (b.tryTake(later)) {
      got++;
    }
    assertThat(got).isEqualTo(expected);
  }

  @Test
  void aClockGoingBackEarnsNothing() {
    TokenBucket b = new TokenBucket(1, Duration.ofSeconds(5), T0);
    assertThat(b.tryTake(T0)).isTrue();
    assertThat(b.tryTake(T0.minusSeconds(60))).isFalse();
  }

  @Test
  void refusesNonsense() {
    assertThatThrownBy(() -> new TokenBucket(0, Duration.ofSeconds(1), T0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TokenBucket(1, Duration.ZERO, T0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
