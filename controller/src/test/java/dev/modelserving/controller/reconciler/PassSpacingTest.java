package dev.modelserving.controller.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PassSpacingTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final PassSpacing spacing = new PassSpacing(Duration.ofMillis(250), now::get);

  private void advance(long millis) {
    now.addAndGet(Duration.ofMillis(millis).toNanos());
  }

  @Test
  void theFirstPassOfAnObjectStartsAtOnce() {
    assertThat(spacing.isLimited(spacing.initState())).isEmpty();
  }

  @Test
  void aPassWithinTheIntervalWaitsForTheRestOfIt() {
    var state = spacing.initState();
    assertThat(spacing.isLimited(state)).isEmpty();
    advance(100);
    assertThat(spacing.isLimited(state)).contains(Duration.ofMillis(150));
    advance(100);
    assertThat(spacing.isLimited(state)).contains(Duration.ofMillis(50)); // the time left, always
    advance(50);
    assertThat(spacing.isLimited(state)).isEmpty();
    assertThat(spacing.isLimited(state)).contains(Duration.ofMillis(250)); // a new interval began
  }

  @Test
  void afterAQuietIntervalAnEventPassesAtOnce() {
    var state = spacing.initState();
    spacing.isLimited(state);
    advance(10_000);
    assertThat(spacing.isLimited(state)).isEmpty();
  }

  @Test
  void objectsAreSpacedEachOnItsOwn() {
    var a = spacing.initState();
    var b = spacing.initState();
    assertThat(spacing.isLimited(a)).isEmpty();
    assertThat(spacing.isLimited(b)).isEmpty();
  }
}
