package dev.modelserving.controller.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.controller.testing.ModelServingFixture;
import dev.modelserving.controller.testing.PodFixture;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class PodDisruptionTrackerTest {
  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-01-01T10:00:00Z"));
  private final Clock clock =
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now.get();
        }
      };
  private final ModelServing ms =
      ModelServingFixture.named("m").uid("ms-uid").role("r", 1, 1).build();

  private Pod pod(String deletionRequestedAt) {
    Pod pod =
        PodFixture.of(
                PodFixture.pod(ms, 0, ms.getSpec().getTemplate().getRoles().get(0).getName(), 0, 0))
            .build();
    if (deletionRequestedAt != null) {
      pod.getMetadata()
          .setDeletionTimestamp(Instant.parse(deletionRequestedAt).plusSeconds(30).toString());
      pod.getMetadata().setDeletionGracePeriodSeconds(30L);
    }
    return pod;
  }

  /**
   * A pod of {@code owner} (group 0, first role) with the given UID, as made by this controller.
   */
  private static Pod madeFor(ModelServing owner, String uid) {
    Pod pod =
        PodFixture.of(
                PodFixture.pod(
                    owner, 0, owner.getSpec().getTemplate().getRoles().get(0).getName(), 0, 0))
            .build();
    pod.getMetadata().setUid(uid);
    return pod;
  }

  @Test
  void aStandbyJudgesNothing() {
    PodDisruptionTracker tracker = new PodDisruptionTracker(clock);
    tracker.observeGone(pod(null));
    tracker.startJudging();
    assertThat(tracker.pending("ms-uid")).isEmpty();
  }

  @Test
  void aDeletionRequestedBeforeThisProcessActedIsNotADisruption() {
    PodDisruptionTracker tracker = new PodDisruptionTracker(clock);
    tracker.startJudging();
    now.set(now.get().plusSeconds(5));
    // e.g. deleted by the previous leader, still terminating when this one started
    tracker.observeGone(pod("2026-01-01T09:59:59Z"));
    assertThat(tracker.pending("ms-uid")).isEmpty();
  }

  @Test
  void aDeletionByOthersAfterThisProcessStartedActingIsADisruption() {
    PodDisruptionTracker tracker = new PodDisruptionTracker(clock);
    tracker.startJudging();
    now.set(now.get().plusSeconds(5));
    tracker.observeGone(pod("2026-01-01T10:00:03Z"));
    assertThat(tracker.pending("ms-uid"))
        .singleElement()
        .satisfies(d -> assertThat(d.group()).isZero());
  }

  @Test
  void ownDeletionsAreNotDisruptions() {
    PodDisruptionTracker tracker = new PodDisruptionTracker(clock);
    tracker.startJudging();
    Pod pod = pod(null);
    tracker.deleting(pod);
    tracker.observeGone(pod);
    assertThat(tracker.pending("ms-uid")).isEmpty();
  }

  @Test
  void aDisruptionKnowsThePodsThisControllerCreatedSinceTheLoss() {
    PodDisruptionTracker tracker = new PodDisruptionTracker(clock);
    tracker.startJudging();
    tracker.created(madeFor(ms, "made-before"));
    now.set(now.get().plusMillis(300));
    tracker.observeGone(pod("2026-01-01T10:00:00Z"));
    now.set(now.get().plusMillis(300));
    tracker.created(madeFor(ms, "refill"));
    assertThat(tracker.pending("ms-uid"))
        .singleElement()
        .satisfies(d -> assertThat(d.createdSince()).containsExactly("refill"));
  }

  @Test
  void aDisruptionIsComparedWithPodsMadeForItsOwnModelServingOnly() {
    PodDisruptionTracker tracker = new PodDisruptionTracker(clock);
    tracker.startJudging();
    tracker.observeGone(pod("2026-01-01T10:00:00Z"));
    now.set(now.get().plusMillis(300));
    ModelServing other =
        ModelServingFixture.named("other").uid("other-uid").role("r", 1, 1).build();
    tracker.created(madeFor(other, "elsewhere"));
    tracker.created(madeFor(ms, "refill"));
    assertThat(tracker.pending("ms-uid"))
        .singleElement()
        .satisfies(d -> assertThat(d.createdSince()).containsExactly("refill"));
  }

  @Test
  void aDisruptionIsForgottenAfterKeepAndTheMemoryIsSweptAtMostEverySweepInterval() {
    PodDisruptionTracker tracker = new PodDisruptionTracker(clock);
    tracker.startJudging();
    now.set(now.get().plusSeconds(5));
    Instant lost = now.get();
    tracker.observeGone(pod("2026-01-01T10:00:03Z"));
    tracker.created(madeFor(ms, "made"));
    assertThat(tracker.pending("ms-uid")).hasSize(1);
    assertThat(tracker.remembered()).isEqualTo(2);

    // A sweep 10 s before KEEP runs out removes nothing; the next one is not due for 30 s.
    now.set(lost.plus(PodDisruptionTracker.KEEP).minusSeconds(10));
    assertThat(tracker.pending("ms-uid")).hasSize(1);
    now.set(lost.plus(PodDisruptionTracker.KEEP).plusSeconds(1));
    assertThat(tracker.pending("ms-uid")).as("older than KEEP").isEmpty();
    assertThat(tracker.remembered()).as("no sweep yet").isEqualTo(2);

    now.set(now.get().plus(PodDisruptionTracker.SWEEP_EVERY));
    assertThat(tracker.pending("ms-uid")).isEmpty();
    assertThat(tracker.remembered()).as("swept").isZero();
  }
}
