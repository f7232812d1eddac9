package dev.modelserving.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.v1alpha1.ModelServing;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.junit.jupiter.api.Test;

class OwnerRefsTest {
  private static LeaderWorkerSet lws(String name, String uid) {
    LeaderWorkerSet lws = new LeaderWorkerSet();
    lws.setMetadata(new ObjectMetaBuilder().withName(name).withUid(uid).build());
    return lws;
  }

  private static ModelServing ownedBy(String kind, String name, String uid) {
    ModelServing ms = new ModelServing();
    ms.setMetadata(
        new ObjectMetaBuilder()
            .withName("x")
            .addNewOwnerReference()
            .withKind(kind)
            .withName(name)
            .withUid(uid)
            .withController(true)
            .endOwnerReference()
            .build());
    return ms;
  }

  @Test
  void aModelServingOfADeletedLwsOfTheSameNameIsLeftByAPredecessor() {
    assertThat(
            OwnerRefs.isLeftByPredecessor(ownedBy("LeaderWorkerSet", "x", "old"), lws("x", "new")))
        .isTrue();
  }

  @Test
  void oneOwnedByItselfOrBySomethingElseIsNot() {
    assertThat(
            OwnerRefs.isLeftByPredecessor(ownedBy("LeaderWorkerSet", "x", "new"), lws("x", "new")))
        .isFalse();
    assertThat(
            OwnerRefs.isLeftByPredecessor(ownedBy("LeaderWorkerSet", "y", "old"), lws("x", "new")))
        .isFalse();
    assertThat(OwnerRefs.isLeftByPredecessor(ownedBy("Deployment", "x", "old"), lws("x", "new")))
        .isFalse();
    ModelServing mine = new ModelServing();
    mine.setMetadata(new ObjectMetaBuilder().withName("x").build());
    assertThat(OwnerRefs.isLeftByPredecessor(mine, lws("x", "new"))).isFalse();
  }

  @Test
  void oneBeingDeletedGoesByItself() {
    ModelServing going = new ModelServing();
    going.setMetadata(
        new ObjectMetaBuilder()
            .withName("x")
            .withDeletionTimestamp("2026-01-01T00:00:00Z")
            .build());
    assertThat(OwnerRefs.isLeftByPredecessor(going, lws("x", "new"))).isTrue();
  }
}
