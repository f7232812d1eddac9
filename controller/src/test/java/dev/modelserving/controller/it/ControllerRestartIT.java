package dev.modelserving.controller.it;

import static dev.modelserving.controller.it.ModelServingSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.modelserving.api.v1alpha1.ModelServing;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The controller keeps no state of its own that matters: killed (SIGKILL) in the middle of a
 * scale-up and started again, it ends with exactly the desired pods, no duplicates, nothing
 * orphaned.
 */
class ControllerRestartIT {
  @RegisterExtension static final TestNamespace ns = new TestNamespace("restart");

  @Test
  void killedMidScaleUpAndRestartedEndsWithExactlyTheDesiredPods() throws Exception {
    ModelServing ms = ModelServingYaml.of("restart", 1, "", ModelServingYaml.role("r", 1, 4));
    ControllerProcess first = ControllerProcess.start("ControllerRestartIT-first");
    try {
      modelServings().inNamespace(ns.name()).resource(ms).create();
      awaitAvailable(ns.name(), "restart", 1, expectedPodNames(ms));

      CountDownLatch creating = new CountDownLatch(1);
      try (Watch watch =
          client()
              .pods()
              .inNamespace(ns.name())
              .watch(
                  new Watcher<Pod>() {
                    @Override
                    public void eventReceived(Action action, Pod pod) {
                      if (action == Action.ADDED
                          && !pod.getMetadata().getName().startsWith("restart-0-")) {
                        creating.countDown();
                      }
                    }

                    @Override
                    public void onClose(WatcherException cause) {}
                  })) {
        modelServings().inNamespace(ns.name()).withName("restart").scale(30);
        assertThat(creating.await(30, TimeUnit.SECONDS)).as("scale-up started").isTrue();
        first.kill();
      }
    } finally {
      first.close();
    }
    int podsWhenKilled = podNames(ns.name(), "restart").size();
    assertThat(podsWhenKilled)
        .as("pods when the controller was killed mid scale-up")
        .isGreaterThan(5)
        .isLessThan(150);

    ms.getSpec().setReplicas(30);
    try (ControllerProcess second = ControllerProcess.start("ControllerRestartIT-second")) {
      awaitAvailable(ns.name(), "restart", 30, expectedPodNames(ms));
    }
    List<Pod> pods = client().pods().inNamespace(ns.name()).list().getItems();
    String uid = get(ns.name(), "restart").getMetadata().getUid();
    assertThat(pods).hasSize(150);
    assertThat(pods)
        .allSatisfy(
            p ->
                assertThat(p.getMetadata().getOwnerReferences())
                    .singleElement()
                    .satisfies(o -> assertThat(o.getUid()).isEqualTo(uid)));
    assertThat(client().services().inNamespace(ns.name()).list().getItems()).hasSize(30);
  }

  /**
   * A pod the previous controller process deleted, still terminating when the next one starts, is
   * no disruption when it finally goes: with ServingGroupRecreate, scaling its role up again later
   * adds the pod and rebuilds nothing.
   */
  @Test
  void aDeletionByThePreviousProcessIsNoDisruptionForTheNext() {
    String name = "handover";
    String finalizer = "modelserving.dev/it-hold";
    ModelServing ms =
        ModelServingYaml.of(
            name,
            1,
            "  recoveryPolicy: ServingGroupRecreate",
            ModelServingYaml.role("a", 2, 0),
            ModelServingYaml.role("b", 1, 0));
    String held = name + "-0-a-1-0";
    Map<String, String> before;
    try (ControllerProcess first = ControllerProcess.start("ControllerRestartIT-handover-first")) {
      modelServings().inNamespace(ns.name()).resource(ms).create();
      awaitAvailable(ns.name(), name, 1, expectedPodNames(ms));
      Edits.edit(
          client().pods().inNamespace(ns.name()).withName(held),
          p -> {
            p.getMetadata().getFinalizers().add(finalizer);
            return p;
          });
      // Role a down to one replica: the controller deletes a-1, which the finalizer keeps
      // terminating.
      setRoleReplicas(name, 1);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  client()
                          .pods()
                          .inNamespace(ns.name())
                          .withName(held)
                          .get()
                          .getMetadata()
                          .getDeletionTimestamp()
                      != null);
      before = podUids(ns.name(), name);
      assertThat(before).containsOnlyKeys(name + "-0-a-0-0", name + "-0-b-0-0");
      first.kill();
    }
    try (ControllerProcess second =
        ControllerProcess.start("ControllerRestartIT-handover-second")) {
      Edits.edit(
          client().pods().inNamespace(ns.name()).withName(held),
          p -> {
            p.getMetadata().getFinalizers().remove(finalizer);
            return p;
          });
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> client().pods().inNamespace(ns.name()).withName(held).get() == null);
      setRoleReplicas(name, 2);
      awaitAvailable(ns.name(), name, 1, expectedPodNames(ms));
      // A wrongly recorded disruption would rebuild the whole group: give it time to act.
      long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
      while (System.nanoTime() < until) {
        assertThat(podUids(ns.name(), name))
            .as("pods (name to UID) of the group")
            .containsAllEntriesOf(before);
        sleep(250);
      }
      assertThat(second.logLines()).noneMatch(l -> l.contains("recreating serving group"));
    }
  }

  private static void setRoleReplicas(String name, int replicas) {
    Edits.edit(
        modelServings().inNamespace(ns.name()).withName(name),
        m -> {
          m.getSpec().getTemplate().getRoles().get(0).setReplicas(replicas);
          return m;
        });
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
