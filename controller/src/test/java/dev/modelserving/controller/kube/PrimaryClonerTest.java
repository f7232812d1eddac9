package dev.modelserving.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingSpec;
import dev.modelserving.api.v1alpha1.ModelServingStatus;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class PrimaryClonerTest {
  private final PrimaryCloner.Checking checking = new PrimaryCloner.Checking(Serialization.SHARED);

  @Test
  void handsOutTheCachedObjectItself() {
    ModelServing ms = modelServing();
    assertThat(PrimaryCloner.forThisProcess().clone(ms)).isSameAs(ms);
    assertThat(checking.clone(ms)).isSameAs(ms);
  }

  @Test
  void aPassThatLeavesItsPrimaryAsItWasIsFine() {
    ModelServing ms = modelServing();
    ModelServing other = modelServing();
    checking.clone(ms);
    ms.getStatus().getReplicas(); // reading is fine
    checking.clone(other);
    checking.clone(ms); // the same cached object, unchanged, in a later pass
    checking.checkAll();
    assertThat(checking.changed()).isZero();
  }

  @Test
  void aChangeIsFoundWhenTheThreadStartsItsNextPass() {
    ModelServing ms = modelServing();
    checking.clone(ms);
    ms.getMetadata().getLabels().put("changed", "by the pass"); // what a pass must never do
    checking.clone(modelServing());
    assertThat(checking.changed()).isOne();
  }

  @Test
  void aChangeInTheLastPassIsFoundWhenTheControllersStop() throws Exception {
    ModelServing ms = modelServing();
    // Another reconcile thread: its last pass is checked by checkAll only.
    CompletableFuture.runAsync(
            () -> {
              checking.clone(ms);
              ms.getStatus().setReplicas(7);
            })
        .get();
    checking.clone(modelServing()); // this thread's first pass: nothing of it to check yet
    assertThat(checking.changed()).isZero();
    checking.checkAll();
    assertThat(checking.changed()).isOne();
    checking.checkAll(); // checked once
    assertThat(checking.changed()).isOne();
  }

  @Test
  void namesTheFirstFieldThatDiffers() {
    JsonNode before =
        Serialization.SHARED.unmarshal(
            "{\"metadata\":{\"name\":\"a\",\"labels\":{\"x\":\"1\"}},\"spec\":{\"replicas\":1}}",
            JsonNode.class);
    JsonNode after =
        Serialization.SHARED.unmarshal(
            "{\"metadata\":{\"name\":\"a\",\"labels\":{\"x\":\"1\",\"y\":\"2\"}},"
                + "\"spec\":{\"replicas\":1}}",
            JsonNode.class);
    assertThat(PrimaryCloner.Checking.firstDifference("", before, after))
        .isEqualTo("metadata.labels.y was absent, is \"2\"");
  }

  private static ModelServing modelServing() {
    ModelServing ms = new ModelServing();
    ms.setMetadata(
        new ObjectMetaBuilder()
            .withName("ms")
            .withNamespace("ns")
            .addToLabels("app", "demo")
            .build());
    ms.setSpec(new ModelServingSpec());
    ms.getSpec().setReplicas(2);
    ms.setStatus(new ModelServingStatus());
    ms.getStatus().setReplicas(2);
    return ms;
  }
}
