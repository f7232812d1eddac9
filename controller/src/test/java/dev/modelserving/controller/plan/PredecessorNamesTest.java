package dev.modelserving.controller.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.v1alpha1.ModelServingKeys.EventReasons;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Labels;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PredecessorNamesTest {
  private static Pod pod(String name, String group, String ownerUid) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .addToLabels(Labels.GROUP_NAME, group)
        .addNewOwnerReference()
        .withKind("ModelServing")
        .withName("m")
        .withUid(ownerUid)
        .withController(true)
        .endOwnerReference()
        .endMetadata()
        .build();
  }

  private static Service service(String name, String ownerUid) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(name)
        .addNewOwnerReference()
        .withKind("ModelServing")
        .withName("m")
        .withUid(ownerUid)
        .withController(true)
        .endOwnerReference()
        .endMetadata()
        .build();
  }

  private static Plan plan(List<Pod> creates, List<Service> services) {
    return new Plan(
        creates,
        List.of(),
        services,
        List.of(),
        Optional.empty(),
        List.of(
            new Plan.Note(EventReasons.SERVING_GROUP_CREATED, "creating serving group m-0", false),
            new Plan.Note(
                EventReasons.SERVING_GROUP_CREATED, "creating serving group m-1", false)));
  }

  @Test
  void nothingTakenLeavesThePlanAsItIs() {
    Plan plan = plan(List.of(pod("m-0-r-0-0", "m-0", "new")), List.of(service("m-0-r-0", "new")));
    PredecessorNames.Held held =
        PredecessorNames.holdBack(plan, "m", List.of(pod("other", "m-9", "old")), List.of());
    assertThat(held.plan()).isSameAs(plan);
    assertThat(held.waitingFor()).isEmpty();
  }

  @Test
  void aGroupWithANameStillTakenWaitsWholeAndSaysForWhom() {
    Plan plan =
        plan(
            List.of(
                pod("m-0-r-0-0", "m-0", "new"),
                pod("m-0-r-0-1", "m-0", "new"),
                pod("m-1-r-0-0", "m-1", "new"),
                pod("m-1-r-0-1", "m-1", "new")),
            List.of(service("m-0-r-0", "new"), service("m-1-r-0", "new")));
    // The old worker of group 0 still terminates; its entry and all of group 1 are gone already.
    PredecessorNames.Held held =
        PredecessorNames.holdBack(
            plan, "m", List.of(pod("m-0-r-0-1", "m-0", "old")), List.of(service("m-1-r-0", "old")));

    assertThat(held.plan().podsToCreate())
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("m-1-r-0-0", "m-1-r-0-1");
    assertThat(held.plan().servicesToCreate())
        .extracting(s -> s.getMetadata().getName())
        .containsExactly("m-0-r-0");
    assertThat(held.plan().notes())
        .extracting(Plan.Note::message)
        .containsExactly("creating serving group m-1");
    assertThat(held.waitingFor())
        .hasValue(
            "waiting for the pods of a previous ModelServing m (uid old) to terminate: they hold"
                + " the names of those to create");
  }

  @Test
  void theMessageStaysTheSameWhileThePredecessorsPodsGoOneByOne() {
    Plan plan =
        plan(List.of(pod("m-0-r-0-0", "m-0", "new"), pod("m-0-r-0-1", "m-0", "new")), List.of());
    var both =
        PredecessorNames.holdBack(
            plan,
            "m",
            List.of(pod("m-0-r-0-0", "m-0", "old"), pod("m-0-r-0-1", "m-0", "old")),
            List.of());
    var one =
        PredecessorNames.holdBack(plan, "m", List.of(pod("m-0-r-0-1", "m-0", "old")), List.of());
    assertThat(both.plan().podsToCreate()).isEmpty();
    assertThat(one.plan().podsToCreate()).isEmpty();
    assertThat(one.waitingFor()).isEqualTo(both.waitingFor());
  }
}
