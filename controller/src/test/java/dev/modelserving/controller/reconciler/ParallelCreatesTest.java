package dev.modelserving.controller.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.controller.testing.ModelServingFixture;
import dev.modelserving.controller.testing.PodFixture;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ParallelCreatesTest {
  private static List<Integer> items(int n) {
    return IntStream.range(0, n).boxed().toList();
  }

  @Test
  void runsCreatesAtTheSameTimeUpToTheBound() {
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    List<Integer> done = Collections.synchronizedList(new ArrayList<>());
    Optional<String> refused =
        ParallelCreates.run(
            items(40),
            i -> {
              most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
              sleep(30);
              inFlight.decrementAndGet();
              done.add(i);
              return Optional.empty();
            },
            true);
    assertThat(refused).isEmpty();
    assertThat(done).containsExactlyInAnyOrderElementsOf(items(40));
    assertThat(most.get()).isGreaterThan(1).isLessThanOrEqualTo(ParallelCreates.PARALLELISM);
  }

  @Test
  void aRefusalStopsStartingNewCreatesAndTheFirstInOrderIsReported() {
    List<Integer> tried = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch bothStarted = new CountDownLatch(2);
    Optional<String> refused =
        ParallelCreates.run(
            items(200),
            i -> {
              tried.add(i);
              if (i <= 1) {
                // 1 answers first, 0 later: the answer of 0 (first in order) is the one reported
                bothStarted.countDown();
                await(bothStarted);
                sleep(i == 0 ? 50 : 0);
                return Optional.of("refused " + i);
              }
              sleep(20);
              return Optional.empty();
            },
            true);
    assertThat(refused).contains("refused 0");
    assertThat(tried.size()).isLessThan(200);
  }

  @Test
  void withoutStoppingEveryItemIsTried() {
    AtomicInteger tried = new AtomicInteger();
    Optional<String> refused =
        ParallelCreates.run(
            items(30),
            i -> {
              tried.incrementAndGet();
              return i % 10 == 5 ? Optional.of("refused " + i) : Optional.empty();
            },
            false);
    assertThat(tried.get()).isEqualTo(30);
    assertThat(refused).contains("refused 5");
  }

  @Test
  void aFailureIsThrownAfterTheStartedCreatesFinished() {
    AtomicInteger finished = new AtomicInteger();
    AtomicInteger started = new AtomicInteger();
    assertThatThrownBy(
            () ->
                ParallelCreates.run(
                    items(100),
                    i -> {
                      started.incrementAndGet();
                      if (i == 3) {
                        throw new IllegalStateException("API server gone");
                      }
                      sleep(20);
                      finished.incrementAndGet();
                      return Optional.empty();
                    },
                    true))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("API server gone");
    assertThat(finished.get()).isEqualTo(started.get() - 1);
    assertThat(started.get()).isLessThan(100);
  }

  @Test
  void wavesAreTheFirstPodAloneThenEntryPodsThenWorkers() {
    ModelServing ms = ModelServingFixture.named("m").replicas(3).role("r", 1, 2).build();
    List<Pod> pods = new ArrayList<>();
    for (int g = 0; g < 3; g++) {
      pods.addAll(PodFixture.groupPods(ms, g)); // entry first per group, as the planner orders
    }
    List<List<String>> waves =
        ModelServingReconciler.creationWaves(pods).stream()
            .map(w -> w.stream().map(p -> p.getMetadata().getName()).toList())
            .toList();
    assertThat(waves)
        .containsExactly(
            List.of("m-0-r-0-0"),
            List.of("m-1-r-0-0", "m-2-r-0-0"),
            List.of("m-0-r-0-1", "m-0-r-0-2", "m-1-r-0-1", "m-1-r-0-2", "m-2-r-0-1", "m-2-r-0-2"));
    assertThat(ModelServingReconciler.creationWaves(List.of())).isEmpty();
    assertThat(ModelServingReconciler.creationWaves(pods.subList(1, 3)))
        .extracting(List::size)
        .containsExactly(1, 1);
  }

  @Test
  void deletesGoByServingGroupInPlanOrder() {
    ModelServing ms = ModelServingFixture.named("m").replicas(3).role("r", 1, 1).build();
    List<Pod> pods = new ArrayList<>();
    for (int g : new int[] {2, 0}) {
      pods.addAll(PodFixture.groupPods(ms, g)); // a rollout replaces the highest group first
    }
    assertThat(
            ModelServingReconciler.deletionWaves(pods).stream()
                .map(w -> w.stream().map(p -> p.getMetadata().getName()).toList())
                .toList())
        .containsExactly(List.of("m-2-r-0-0", "m-2-r-0-1"), List.of("m-0-r-0-0", "m-0-r-0-1"));
    assertThat(ModelServingReconciler.deletionWaves(List.of())).isEmpty();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
