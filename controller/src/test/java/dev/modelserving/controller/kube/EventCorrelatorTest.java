package dev.modelserving.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.controller.kube.EventCorrelator.Involved;
import dev.modelserving.controller.kube.EventCorrelator.Observed;
import dev.modelserving.controller.kube.EventCorrelator.Occurrence;
import dev.modelserving.controller.kube.EventCorrelator.Settings;
import dev.modelserving.controller.kube.EventCorrelator.Step;
import dev.modelserving.controller.kube.EventCorrelator.Suppressed;
import dev.modelserving.controller.kube.EventCorrelator.Write;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventCorrelatorTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final Involved LWS =
      new Involved("leaderworkerset.x-k8s.io/v1", "LeaderWorkerSet", "ns", "a", "uid-1");
  private static final Involved LWS_RECREATED =
      new Involved("leaderworkerset.x-k8s.io/v1", "LeaderWorkerSet", "ns", "a", "uid-2");
  private static final Involved OTHER =
      new Involved("leaderworkerset.x-k8s.io/v1", "LeaderWorkerSet", "ns", "b", "uid-3");

  private static Occurrence warning(Involved o, String reason, String message) {
    return new Occurrence(o, "Warning", reason, message);
  }

  private static Occurrence normal(Involved o, String reason, String message) {
    return new Occurrence(o, "Normal", reason, message);
  }

  /**
   * A recorder's sender in miniature: at each given instant it takes in what was recorded then and
   * writes what is due (creates succeed and name the Event "e&lt;n&gt;").
   */
  private static final class Harness {
    final EventCorrelator c;
    final List<String> sent = new ArrayList<>();
    final List<Observed> observed = new ArrayList<>();
    int created;

    Harness(Settings s) {
      c = new EventCorrelator(s);
    }

    Harness record(double atSeconds, Occurrence... os) {
      for (Occurrence o : os) {
        observed.add(c.observe(o, at(atSeconds)));
      }
      return send(atSeconds);
    }

    Harness send(double atSeconds) {
      return drain(at(atSeconds), false);
    }

    Harness flush(double atSeconds) {
      return drain(at(atSeconds), true);
    }

    private Harness drain(Instant now, boolean flush) {
      for (Optional<Step> s = c.takeDue(now, flush); s.isPresent(); s = c.takeDue(now, flush)) {
        if (s.get() instanceof Suppressed x) {
          sent.add("suppressed " + describe(x.key()));
        } else {
          Write w = (Write) s.get();
          if (w.create()) {
            created++;
            sent.add("create " + describe(w) + " -> e" + created);
            c.created(w.key(), "e" + created);
          } else {
            sent.add("patch " + w.name() + " " + describe(w));
          }
        }
      }
      return this;
    }

    private static String describe(Write w) {
      return w.message() + " x" + w.count();
    }

    private static String describe(EventCorrelator.Key k) {
      return k.similar().reason() + " " + k.message();
    }
  }

  private static Instant at(double seconds) {
    return T0.plusMillis(Math.round(seconds * 1000));
  }

  private static final Settings S = Settings.DEFAULTS;

  static Stream<Arguments> cases() {
    Occurrence bad = warning(LWS, "InvalidSpec", "invalid spec: spec.size");
    return Stream.of(
        Arguments.of(
            "a first Event is created at once",
            new Harness(S).record(0, bad),
            List.of("create invalid spec: spec.size x1 -> e1")),
        Arguments.of(
            "a burst of 100 equal Events in 0.5 s: one POST, one PATCH after the coalesce interval",
            burst(new Harness(S), bad, 100, 0.5).send(0.9).send(1.0),
            List.of(
                "create invalid spec: spec.size x1 -> e1",
                "patch e1 invalid spec: spec.size x100")),
        Arguments.of(
            "a burst over 3.5 s: one PATCH per coalesce interval",
            burst(new Harness(S), bad, 36, 3.5).send(3.5).send(4.5),
            List.of(
                "create invalid spec: spec.size x1 -> e1",
                "patch e1 invalid spec: spec.size x11",
                "patch e1 invalid spec: spec.size x21",
                "patch e1 invalid spec: spec.size x31",
                "patch e1 invalid spec: spec.size x36")),
        Arguments.of(
            "retries spaced wider than the interval: one PATCH each, as client-go",
            new Harness(S).record(0, bad).record(2, bad).record(10, bad),
            List.of(
                "create invalid spec: spec.size x1 -> e1",
                "patch e1 invalid spec: spec.size x2",
                "patch e1 invalid spec: spec.size x3")),
        Arguments.of(
            "a same-name object with a new UID gets its own Event",
            new Harness(S)
                .record(0, bad)
                .record(5, warning(LWS_RECREATED, "InvalidSpec", "invalid spec: spec.size")),
            List.of(
                "create invalid spec: spec.size x1 -> e1",
                "create invalid spec: spec.size x1 -> e2")),
        Arguments.of(
            "type, reason and object tell Events apart",
            new Harness(S)
                .record(0, bad)
                .record(0, normal(LWS, "InvalidSpec", "invalid spec: spec.size"))
                .record(0, warning(LWS, "Other", "invalid spec: spec.size"))
                .record(0, warning(OTHER, "InvalidSpec", "invalid spec: spec.size")),
            List.of(
                "create invalid spec: spec.size x1 -> e1",
                "create invalid spec: spec.size x1 -> e2",
                "create invalid spec: spec.size x1 -> e3",
                "create invalid spec: spec.size x1 -> e4")),
        Arguments.of(
            "equal again after the 10 min window: a new Event",
            new Harness(S).record(0, bad).record(601, bad),
            List.of(
                "create invalid spec: spec.size x1 -> e1",
                "create invalid spec: spec.size x1 -> e2")),
        Arguments.of(
            "12 groups created: 10 Events of their own, then one combined Event",
            groups(new Harness(S), 12, 0).send(1),
            expectedGroups(12)),
        Arguments.of(
            "a message among the first ten keeps its own Event after the combined one exists",
            groups(new Harness(S), 11, 0)
                .record(5, normal(LWS, "ServingGroupCreated", "creating serving group a-0")),
            concat(expectedGroups(11), "patch e1 creating serving group a-0 x2")),
        Arguments.of(
            "similar messages again after the window: Events of their own",
            groups(new Harness(S), 11, 0)
                .record(700, normal(LWS, "ServingGroupCreated", "creating serving group a-50")),
            concat(expectedGroups(11), "create creating serving group a-50 x1 -> e12")),
        Arguments.of(
            "spam filter: 3 writes per object and type, then one per minute; a count update waits",
            spammy().send(59).send(60).record(61, normal(LWS, "Started", "n")).send(200),
            List.of(
                "create m0 x1 -> e1",
                "create m1 x1 -> e2",
                "create m2 x1 -> e3",
                "suppressed Spam m3",
                "suppressed Spam m4",
                "create m5 x1 -> e4",
                "create n x1 -> e5")),
        Arguments.of(
            "spam filter: a suppressed count update is carried by the next write",
            spammyDuplicates(),
            List.of(
                "create d x1 -> e1",
                "patch e1 d x2",
                "patch e1 d x3",
                "suppressed Spam d",
                "patch e1 d x5")),
        Arguments.of(
            "flush at close ignores the coalesce interval",
            new Harness(S).record(0, bad).record(0.2, bad).send(0.3).flush(0.3),
            List.of(
                "create invalid spec: spec.size x1 -> e1", "patch e1 invalid spec: spec.size x2")));
  }

  private static Harness burst(Harness h, Occurrence o, int n, double seconds) {
    for (int i = 0; i < n; i++) {
      h.record(seconds * i / (n - 1), o);
    }
    return h;
  }

  private static Harness groups(Harness h, int n, double at) {
    for (int g = 0; g < n; g++) {
      h.record(at, normal(LWS, "ServingGroupCreated", "creating serving group a-" + g));
    }
    return h;
  }

  private static List<String> expectedGroups(int n) {
    List<String> out = new ArrayList<>();
    for (int g = 0; g < Math.min(n, 10); g++) {
      out.add("create creating serving group a-" + g + " x1 -> e" + (g + 1));
    }
    if (n > 10) {
      out.add(
          "create " + EventCorrelator.COMBINED_PREFIX + "creating serving group a-10 x1 -> e11");
    }
    if (n > 11) {
      out.add(
          "patch e11 "
              + EventCorrelator.COMBINED_PREFIX
              + "creating serving group a-"
              + (n - 1)
              + " x"
              + (n - 10));
    }
    return out;
  }

  private static List<String> concat(List<String> a, String... more) {
    List<String> out = new ArrayList<>(a);
    out.addAll(List.of(more));
    return out;
  }

  private static final Settings SPAM =
      new Settings(
          4096, 4096, 10, Duration.ofMinutes(10), Duration.ofSeconds(1), 3, Duration.ofMinutes(1));

  /** 5 distinct Warnings at 0 s, the 6th at 60 s; a Normal is counted apart. */
  private static Harness spammy() {
    Harness h = new Harness(SPAM);
    for (int i = 0; i < 5; i++) {
      h.record(0, warning(LWS, "Spam", "m" + i));
    }
    h.record(60, warning(LWS, "Spam", "m5"));
    return h;
  }

  private static Harness spammyDuplicates() {
    Harness h = new Harness(SPAM);
    Occurrence d = warning(LWS, "Spam", "d");
    h.record(0, d).record(2, d).record(4, d).record(6, d).record(66, d);
    return h;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void writes(String name, Harness h, List<String> expected) {
    assertThat(h.sent).isEqualTo(expected);
  }

  @Test
  void whatEachRecordingBecame() {
    Occurrence bad = warning(LWS, "InvalidSpec", "x");
    Harness h = new Harness(S).record(0, bad, bad);
    groups(h, 11, 1);
    assertThat(h.observed)
        .containsExactly(
            Observed.NEW,
            Observed.DUPLICATE,
            Observed.NEW,
            Observed.NEW,
            Observed.NEW,
            Observed.NEW,
            Observed.NEW,
            Observed.NEW,
            Observed.NEW,
            Observed.NEW,
            Observed.NEW,
            Observed.NEW,
            Observed.COMBINED);
  }

  @Test
  void nothingIsDueBeforeTheCoalesceIntervalEnds() {
    Occurrence bad = warning(LWS, "InvalidSpec", "x");
    Harness h = new Harness(S).record(0, bad).record(0.1, bad);
    assertThat(h.c.nextDue()).contains(at(1));
    assertThat(h.c.takeDue(at(0.99), false)).isEmpty();
    assertThat(h.c.takeDue(at(1), false)).isPresent();
    assertThat(h.c.nextDue()).isEmpty();
  }

  @Test
  void dueWritesComeOutEarliestFirstThenInTheOrderTheyBecameDue() {
    EventCorrelator c = new EventCorrelator(S);
    c.observe(normal(LWS, "Created", "a"), at(0));
    c.observe(normal(OTHER, "Created", "b"), at(0));
    c.observe(normal(LWS_RECREATED, "Created", "c"), at(0));
    assertThat(messageOf(c.takeDue(at(0), false))).isEqualTo("a");
    c.observe(normal(LWS, "Created", "a"), at(0.2)); // written at 0: due at 1 (coalesced)
    c.observe(normal(LWS, "Scaled", "d"), at(0.3)); // new: due at once
    assertThat(c.nextDue()).contains(at(0));
    assertThat(Stream.generate(() -> messageOf(c.takeDue(at(2), false))).limit(5).toList())
        .containsExactly("b", "c", "d", "a", null);
  }

  private static String messageOf(Optional<Step> step) {
    return step.map(s -> s instanceof Write w ? w.message() : "suppressed").orElse(null);
  }

  @Test
  void pastMaxPendingANewEventIsDroppedAndOneWaitingStillCounts() {
    Settings tiny =
        new Settings(
            4096, 2, 10, Duration.ofMinutes(10), Duration.ofSeconds(1), 25, Duration.ofMinutes(5));
    EventCorrelator c = new EventCorrelator(tiny);
    assertThat(c.observe(warning(LWS, "R", "1"), T0)).isEqualTo(Observed.NEW);
    assertThat(c.observe(warning(LWS, "R", "2"), T0)).isEqualTo(Observed.NEW);
    assertThat(c.observe(warning(LWS, "R", "3"), T0)).isEqualTo(Observed.DROPPED_FULL);
    assertThat(c.observe(warning(LWS, "R", "1"), T0)).isEqualTo(Observed.DUPLICATE);
    assertThat(c.pending()).isEqualTo(2);
    Write first = (Write) c.takeDue(T0, false).orElseThrow();
    assertThat(first.message()).isEqualTo("1");
    assertThat(first.count()).isEqualTo(2);
  }

  @Test
  void anEventGoneFromTheApiServerIsCreatedAgainWithItsCount() {
    Occurrence bad = warning(LWS, "InvalidSpec", "x");
    Harness h = new Harness(S).record(0, bad).record(5, bad).record(6, bad);
    EventCorrelator c = h.c;
    c.observe(bad, at(10));
    Write patch = (Write) c.takeDue(at(10), false).orElseThrow();
    assertThat(patch.create()).isFalse();
    c.gone(patch.key(), at(10));
    Write again = (Write) c.takeDue(at(10), false).orElseThrow();
    assertThat(again.create()).isTrue();
    assertThat(again.count()).isEqualTo(4);
    assertThat(again.firstSeen()).isEqualTo(T0);
  }

  @Test
  void theLeastRecentlyUsedEventIsForgottenPastTheCacheSize() {
    Settings small =
        new Settings(
            2, 10, 10, Duration.ofMinutes(10), Duration.ofSeconds(1), 25, Duration.ofMinutes(5));
    Harness h = new Harness(small);
    h.record(0, warning(LWS, "R", "1"), warning(LWS, "R", "2"), warning(LWS, "R", "3"));
    h.record(5, warning(LWS, "R", "1"));
    assertThat(h.sent)
        .containsExactly(
            "create 1 x1 -> e1", "create 2 x1 -> e2", "create 3 x1 -> e3", "create 1 x1 -> e4");
  }
}
