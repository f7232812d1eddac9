package dev.modelserving.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.lws.v1.LwsKeys;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

class PodCountsChangedTest {
  private final PodCountsChanged filter = new PodCountsChanged();

  private static PodBuilder pending() {
    return new PodBuilder()
        .withNewMetadata()
        .withName("lws-0")
        .withNamespace("ns")
        .withResourceVersion("1")
        .addToLabels(LwsKeys.Labels.GROUP_INDEX, "0")
        .addToAnnotations(LwsKeys.Annotations.SIZE, "2")
        .addNewOwnerReference()
        .withKind("ModelServing")
        .withName("lws")
        .withUid("u1")
        .withController(true)
        .endOwnerReference()
        .endMetadata()
        .withNewStatus()
        .withPhase("Pending")
        .endStatus();
  }

  private static Pod ready(PodBuilder pod) {
    return pod.editStatus()
        .withPhase("Running")
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .endCondition()
        .endStatus()
        .build();
  }

  @Test
  void scheduledOrRunningButNotReadyCostsNoPass() {
    Pod before = pending().build();
    Pod scheduled =
        pending()
            .editMetadata()
            .withResourceVersion("2")
            .endMetadata()
            .editStatus()
            .addNewCondition()
            .withType("PodScheduled")
            .withStatus("True")
            .endCondition()
            .endStatus()
            .build();
    Pod running = pending().editStatus().withPhase("Running").endStatus().build();
    assertThat(filter.accept(scheduled, before)).isFalse();
    assertThat(filter.accept(running, scheduled)).isFalse();
  }

  @Test
  void becomingReadyOrNotReadyIsAPass() {
    Pod before = pending().build();
    Pod ready = ready(pending());
    assertThat(filter.accept(ready, before)).isTrue();
    assertThat(filter.accept(before, ready)).isTrue();
  }

  @Test
  void deletionLabelsAnnotationsAndOwnersArePasses() {
    Pod before = pending().build();
    assertThat(
            filter.accept(
                pending()
                    .editMetadata()
                    .withDeletionTimestamp("2026-01-01T00:00:00Z")
                    .endMetadata()
                    .build(),
                before))
        .isTrue();
    assertThat(
            filter.accept(
                pending()
                    .editMetadata()
                    .addToLabels(LwsKeys.Labels.TEMPLATE_REVISION_HASH, "h2")
                    .endMetadata()
                    .build(),
                before))
        .isTrue();
    assertThat(
            filter.accept(
                pending()
                    .editMetadata()
                    .addToAnnotations(LwsKeys.Annotations.SIZE, "3")
                    .endMetadata()
                    .build(),
                before))
        .isTrue();
    assertThat(
            filter.accept(
                pending().editMetadata().withOwnerReferences().endMetadata().build(), before))
        .isTrue();
  }
}
