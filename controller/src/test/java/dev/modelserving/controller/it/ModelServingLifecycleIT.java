package dev.modelserving.controller.it;

import static dev.modelserving.controller.it.ModelServingSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Scaling, recovery and startup ordering of ModelServings under the controller process. */
class ModelServingLifecycleIT {
  @RegisterExtension static final TestNamespace ns = new TestNamespace("ms-lifecycle");
  private static ControllerProcess controller;

  @BeforeAll
  static void startController() {
    controller = ControllerProcess.start("ModelServingLifecycleIT");
  }

  @AfterAll
  static void stopController() {
    if (controller != null) {
      controller.close();
    }
  }

  @Test
  void kubectlScaleUpAndDownFollowsKthenaScaleDownOrder() {
    ModelServing ms =
        ModelServingYaml.of("scale", 1, "  recoveryPolicy: None", ModelServingYaml.role("r", 1, 1));
    modelServings().inNamespace(ns.name()).resource(ms).create();
    awaitAvailable(ns.name(), "scale", 1, groupPods("scale", 0));

    Kubectl.run("scale", "modelserving", "scale", "-n", ns.name(), "--replicas=4");
    awaitAvailable(ns.name(), "scale", 4, groupPods("scale", 0, 1, 2, 3));
    ModelServingStatus status = get(ns.name(), "scale").getStatus();
    assertThat(
            client()
                .pods()
                .inNamespace(ns.name())
                .withLabelSelector(status.getLabelSelector())
                .list()
                .getItems())
        .as("pods matched by status.labelSelector: the entry pod of each serving group")
        .extracting(p -> p.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "scale-0-r-0-0", "scale-1-r-0-0", "scale-2-r-0-0", "scale-3-r-0-0");

    // Not-ready groups go first: group 2 loses readiness, so 4 -> 3 removes it, not group 3.
    markNotReady(ns.name(), "scale-2-r-0-1");
    Kubectl.run("scale", "modelserving", "scale", "-n", ns.name(), "--replicas=3");
    awaitAvailable(ns.name(), "scale", 3, groupPods("scale", 0, 1, 3));

    // Then the lowest pod-deletion-cost: group 1 is cheap, so 3 -> 2 removes it.
    setDeletionCost(ns.name(), "scale-0-r-0-0", 10);
    setDeletionCost(ns.name(), "scale-3-r-0-0", 10);
    Kubectl.run("scale", "modelserving", "scale", "-n", ns.name(), "--replicas=2");
    awaitAvailable(ns.name(), "scale", 2, groupPods("scale", 0, 3));

    // Equal cost and readiness: the highest ordinal goes.
    Kubectl.run("scale", "modelserving", "scale", "-n", ns.name(), "--replicas=1");
    awaitAvailable(ns.name(), "scale", 1, groupPods("scale", 0));
    assertThat(get(ns.name(), "scale").getStatus().getLabelSelector())
        .isEqualTo(
            "modelserving.volcano.sh/entry=true,modelserving.volcano.sh/name=scale,modelserving.volcano.sh/role=r,modelserving.volcano.sh/role-id=r-0");
  }

  @Test
  void roleRecreateRebuildsTheRoleReplicaOfADeletedWorker() {
    Map<String, String> before = startTwoRoleServing("role-rec", "RoleRecreate");
    client().pods().inNamespace(ns.name()).withName("role-rec-0-a-0-1").delete();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              Map<String, String> after = podUids(ns.name(), "role-rec");
              assertThat(after.keySet()).isEqualTo(before.keySet());
              assertThat(after.get("role-rec-0-a-0-0"))
                  .as("entry of the role replica")
                  .isNotEqualTo(before.get("role-rec-0-a-0-0"));
              assertThat(after.get("role-rec-0-a-0-1"))
                  .isNotEqualTo(before.get("role-rec-0-a-0-1"));
              assertThat(after.get("role-rec-0-b-0-0"))
                  .as("pod of the other role")
                  .isEqualTo(before.get("role-rec-0-b-0-0"));
            });
    awaitAvailable(ns.name(), "role-rec", 1, before.keySet());
  }

  @Test
  void servingGroupRecreateRebuildsTheWholeGroupOfADeletedWorker() {
    Map<String, String> before = startTwoRoleServing("group-rec", "ServingGroupRecreate");
    client().pods().inNamespace(ns.name()).withName("group-rec-0-a-0-1").delete();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              Map<String, String> after = podUids(ns.name(), "group-rec");
              assertThat(after.keySet()).isEqualTo(before.keySet());
              for (String pod : before.keySet()) {
                assertThat(after.get(pod)).as("uid of %s", pod).isNotEqualTo(before.get(pod));
              }
            });
    awaitAvailable(ns.name(), "group-rec", 1, before.keySet());
  }

  @Test
  void noneRecreatesOnlyTheDeletedPodAndLeavesFailedPodsAlone() throws InterruptedException {
    Map<String, String> before = startTwoRoleServing("none-rec", "None");
    client().pods().inNamespace(ns.name()).withName("none-rec-0-a-0-1").delete();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              Map<String, String> after = podUids(ns.name(), "none-rec");
              assertThat(after.keySet()).isEqualTo(before.keySet());
              assertThat(after.get("none-rec-0-a-0-1"))
                  .isNotEqualTo(before.get("none-rec-0-a-0-1"));
              assertThat(after.get("none-rec-0-a-0-0")).isEqualTo(before.get("none-rec-0-a-0-0"));
              assertThat(after.get("none-rec-0-b-0-0")).isEqualTo(before.get("none-rec-0-b-0-0"));
            });

    Map<String, String> beforeFailure = podUids(ns.name(), "none-rec");
    markFailed(ns.name(), "none-rec-0-b-0-0");
    Thread.sleep(10_000);
    Pod failed = client().pods().inNamespace(ns.name()).withName("none-rec-0-b-0-0").get();
    assertThat(failed.getMetadata().getUid()).isEqualTo(beforeFailure.get("none-rec-0-b-0-0"));
    assertThat(failed.getMetadata().getDeletionTimestamp()).isNull();
    assertThat(failed.getStatus().getPhase()).isEqualTo("Failed");
    assertThat(podUids(ns.name(), "none-rec")).isEqualTo(beforeFailure);
  }

  @Test
  void roleRecreateRebuildsTheRoleReplicaOfAFailedPod() {
    Map<String, String> before = startTwoRoleServing("fail-rec", "RoleRecreate");
    markFailed(ns.name(), "fail-rec-0-b-0-0");
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              Map<String, String> after = podUids(ns.name(), "fail-rec");
              assertThat(after.keySet()).isEqualTo(before.keySet());
              assertThat(after.get("fail-rec-0-b-0-0"))
                  .isNotEqualTo(before.get("fail-rec-0-b-0-0"));
              assertThat(after.get("fail-rec-0-a-0-0")).isEqualTo(before.get("fail-rec-0-a-0-0"));
            });
    awaitAvailable(ns.name(), "fail-rec", 1, before.keySet());
  }

  @Test
  void workersAfterEntryReadyCreatesNoWorkerBeforeTheEntryPodIsReady() {
    String node = "kwok-node-0";
    String label = "modelserving.dev/it-startup";
    List<String> violations = Collections.synchronizedList(new ArrayList<>());
    Map<String, Boolean> entryReady = new ConcurrentHashMap<>();
    Set<String> workersSeen = Collections.synchronizedSet(new TreeSet<>());
    try (Watch watch =
        client()
            .pods()
            .inNamespace(ns.name())
            .withLabel("modelserving.volcano.sh/name", "ordered")
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, Pod pod) {
                    String name = pod.getMetadata().getName();
                    String role =
                        pod.getMetadata().getLabels().get("modelserving.volcano.sh/role-id");
                    boolean entry =
                        "true"
                            .equals(
                                pod.getMetadata().getLabels().get("modelserving.volcano.sh/entry"));
                    if (entry) {
                      entryReady.put(role, isReady(pod));
                    } else if (action == Action.ADDED) {
                      workersSeen.add(name);
                      if (!entryReady.getOrDefault(role, false)) {
                        violations.add(name + " was created before its entry pod was Ready");
                      }
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                })) {
      // The entry pod can only run on a node with this label, which no node has yet.
      String entrySpec =
          "{\"nodeSelector\": {\""
              + label
              + "\": \"yes\"}, \"containers\": [{\"name\": \"c\", \"image\": \"registry.k8s.io/pause:3.10\"}]}";
      ModelServing ms =
          ModelServingYaml.of("ordered", 1, "", ModelServingYaml.role("r", 1, 2, entrySpec));
      ms.getMetadata()
          .setAnnotations(Map.of("modelserving.dev/startup-policy", "WorkersAfterEntryReady"));
      modelServings().inNamespace(ns.name()).resource(ms).create();
      await()
          .during(Duration.ofSeconds(5))
          .atMost(Duration.ofSeconds(8))
          .untilAsserted(
              () -> assertThat(podNames(ns.name(), "ordered")).containsExactly("ordered-0-r-0-0"));

      Edits.edit(
          client().nodes().withName(node),
          n -> {
            n.getMetadata().getLabels().put(label, "yes");
            return n;
          });
      awaitAvailable(ns.name(), "ordered", 1, groupPodsOf("ordered", 0, 2));
      assertThat(workersSeen).containsExactly("ordered-0-r-0-1", "ordered-0-r-0-2");
      assertThat(violations).isEmpty();
    } finally {
      Edits.edit(
          client().nodes().withName(node),
          n -> {
            n.getMetadata().getLabels().remove(label);
            return n;
          });
    }
  }

  /** Two roles: "a" with one worker and "b" without workers; one serving group. */
  private static Map<String, String> startTwoRoleServing(String name, String recoveryPolicy) {
    ModelServing ms =
        ModelServingYaml.of(
            name,
            1,
            "  recoveryPolicy: " + recoveryPolicy,
            ModelServingYaml.role("a", 1, 1),
            ModelServingYaml.role("b", 1, 0));
    modelServings().inNamespace(ns.name()).resource(ms).create();
    Set<String> expected = Set.of(name + "-0-a-0-0", name + "-0-a-0-1", name + "-0-b-0-0");
    awaitAvailable(ns.name(), name, 1, new TreeSet<>(expected));
    return podUids(ns.name(), name);
  }

  private static Set<String> groupPods(String ms, int... groups) {
    Set<String> names = new TreeSet<>();
    for (int g : groups) {
      names.addAll(groupPodsOf(ms, g, 1));
    }
    return names;
  }

  private static Set<String> groupPodsOf(String ms, int g, int workers) {
    Set<String> names = new TreeSet<>();
    for (int w = 0; w <= workers; w++) {
      names.add(ms + "-" + g + "-r-0-" + w);
    }
    return names;
  }

  static boolean isReady(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** Running but not Ready; kwok only touches Pending pods, so this sticks. */
  static void markNotReady(String namespace, String pod) {
    client()
        .pods()
        .inNamespace(namespace)
        .withName(pod)
        .editStatus(
            p -> {
              for (PodCondition c : p.getStatus().getConditions()) {
                if ("Ready".equals(c.getType()) || "ContainersReady".equals(c.getType())) {
                  c.setStatus("False");
                }
              }
              return p;
            });
  }

  static void markFailed(String namespace, String pod) {
    client()
        .pods()
        .inNamespace(namespace)
        .withName(pod)
        .editStatus(
            p -> {
              p.getStatus().setPhase("Failed");
              for (PodCondition c : p.getStatus().getConditions()) {
                if ("Ready".equals(c.getType()) || "ContainersReady".equals(c.getType())) {
                  c.setStatus("False");
                }
              }
              return p;
            });
  }

  static void setDeletionCost(String namespace, String pod, int cost) {
    Edits.edit(
        client().pods().inNamespace(namespace).withName(pod),
        p -> {
          p.getMetadata()
              .getAnnotations()
              .put("controller.kubernetes.io/pod-deletion-cost", Integer.toString(cost));
          return p;
        });
  }
}
