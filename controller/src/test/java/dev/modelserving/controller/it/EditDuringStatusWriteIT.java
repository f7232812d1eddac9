package dev.modelserving.controller.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.modelserving.api.v1alpha1.ModelServing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An edit that reaches the API server while a pass writes the status it computed from the previous
 * spec is still reconciled. JOSDK 5.3.2 takes every event older than its own status write for one
 * it has seen, so without a look again such an edit waits for an unrelated event (here none comes:
 * the pods do not change).
 *
 * <p>The edits toggle a spec between invalid and valid through /scale: 25% of 3 groups rounds down
 * to 0 unavailable (invalid, the running groups stay), 25% of 4 is 1 (valid again). Each round
 * sends the two edits a few milliseconds apart, so that the second one often lands during the pass
 * the first one started.
 */
class EditDuringStatusWriteIT {
  @RegisterExtension static final TestNamespace ns = new TestNamespace("editrace");
  private static ControllerProcess controller;
  private static final int ROUNDS = 40;

  @BeforeAll
  static void startController() {
    controller = ControllerProcess.start("EditDuringStatusWriteIT");
  }

  @AfterAll
  static void stopController() {
    if (controller != null) {
      controller.close();
    }
  }

  @Test
  void anEditThatLandsDuringAStatusWriteIsReconciled() throws InterruptedException {
    ModelServing ms =
        ModelServingYaml.of(
            "race",
            4,
            "  rolloutStrategy:\n    type: ServingGroupRollingUpdate\n    rollingUpdateConfiguration:\n      maxUnavailable: \"25%\"",
            ModelServingYaml.role("r", 1, 0));
    ModelServingSupport.modelServings().inNamespace(ns.name()).resource(ms).create();
    ModelServingSupport.awaitAvailable(
        ns.name(), "race", 4, ModelServingSupport.expectedPodNames(ms));
    var resource = ModelServingSupport.modelServings().inNamespace(ns.name()).withName("race");
    List<String> stuck = new ArrayList<>();
    for (int round = 0; round < ROUNDS && stuck.isEmpty(); round++) {
      resource.scale(3);
      Thread.sleep(ThreadLocalRandom.current().nextInt(0, 40));
      resource.scale(4);
      long generation = resource.get().getMetadata().getGeneration();
      try {
        await()
            .atMost(Duration.ofSeconds(20))
            .pollInterval(Duration.ofMillis(100))
            .until(() -> settled(resource.get(), generation));
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        ModelServing live = resource.get();
        stuck.add(
            "round "
                + round
                + ": generation "
                + live.getMetadata().getGeneration()
                + ", status.observedGeneration "
                + live.getStatus().getObservedGeneration()
                + ", conditions "
                + live.getStatus().getConditions());
      }
    }
    assertThat(stuck).as("rounds whose last edit was never reconciled").isEmpty();
  }

  private static boolean settled(ModelServing live, long generation) {
    return live.getStatus() != null
        && Objects.equals(live.getStatus().getObservedGeneration(), generation)
        && live.getStatus().getConditions().stream()
            .noneMatch(c -> "InvalidSpec".equals(c.getReason()));
  }
}
