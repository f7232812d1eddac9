package dev.modelserving.controller.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.controller.conversion.LwsToModelServing;
import dev.modelserving.controller.lws.DefaultedLeaderWorkerSet;
import dev.modelserving.controller.podgen.Revisions;
import dev.modelserving.controller.podgen.TemplateHashes;
import dev.modelserving.controller.testing.ModelServingFixture;
import dev.modelserving.controller.testing.PodFixture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The memo gives what the uncached computation gives, for the object's current spec: each case
 * edits the spec in place, as a new generation does, so a stale entry would show the old hash.
 */
class SpecMemoTest {
  private final SpecMemo<TemplateHashes> memo = new SpecMemo<>(SpecMemo.CAPACITY);

  private static ModelServing ms(String uid, Long generation) {
    ModelServing ms = ModelServingFixture.named("m").replicas(2).role("prefill", 1, 2).build();
    ms.getMetadata().setUid(uid);
    ms.getMetadata().setGeneration(generation);
    return ms;
  }

  private static TemplateHashes uncached(ModelServing ms) {
    return TemplateHashes.of(ms.getSpec().getTemplate().getRoles());
  }

  private static void editImage(ModelServing ms, String image) {
    ms.getSpec()
        .getTemplate()
        .getRoles()
        .get(0)
        .getEntryTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .setImage(image);
  }

  private TemplateHashes memoized(ModelServing ms) {
    return memo.get(ms, () -> uncached(ms));
  }

  @Test
  void aHitIsTheUncachedValueAndIsNotComputedAgain() {
    ModelServing ms = ms("u1", 1L);
    AtomicInteger computed = new AtomicInteger();
    TemplateHashes first =
        memo.get(
            ms,
            () -> {
              computed.incrementAndGet();
              return uncached(ms);
            });
    assertThat(first).isEqualTo(uncached(ms));
    assertThat(first.revision())
        .isEqualTo(Revisions.ofRoles(ms.getSpec().getTemplate().getRoles()));
    assertThat(memo.get(ms, () -> uncached(ms(null, null)))).isSameAs(first); // not computed
    assertThat(computed).hasValue(1);
  }

  @Test
  void aNewGenerationIsComputedAgain() {
    ModelServing ms = ms("u1", 1L);
    TemplateHashes before = memoized(ms);
    editImage(ms, "other:2");
    ms.getMetadata().setGeneration(2L);
    TemplateHashes after = memoized(ms);
    assertThat(after).isEqualTo(uncached(ms)).isNotEqualTo(before);
    assertThat(memo.size()).isEqualTo(1); // the old generation's entry was replaced
  }

  @Test
  void aRecreatedObjectOfTheSameNameAndGenerationIsComputedAgain() {
    TemplateHashes before = memoized(ms("u1", 1L));
    ModelServing recreated = ms("u2", 1L);
    editImage(recreated, "other:2");
    assertThat(memoized(recreated)).isEqualTo(uncached(recreated)).isNotEqualTo(before);
  }

  @Test
  void withoutUidOrGenerationEveryCallComputes() {
    for (ModelServing ms : new ModelServing[] {ms(null, 1L), ms("u1", null)}) {
      TemplateHashes before = memoized(ms);
      editImage(ms, "other:" + System.identityHashCode(ms));
      assertThat(memoized(ms)).isEqualTo(uncached(ms)).isNotEqualTo(before);
    }
    assertThat(memo.size()).isZero();
  }

  @Test
  void anOlderGenerationDoesNotReplaceANewerOne() {
    ModelServing newer = ms("u1", 2L);
    editImage(newer, "other:2");
    TemplateHashes newest = memoized(newer);
    memoized(ms("u1", 1L)); // a slow pass of the older generation
    assertThat(memoized(newer)).isSameAs(newest);
  }

  @Test
  void boundedAndForgetful() {
    SpecMemo<String> small = new SpecMemo<>(3);
    for (int i = 0; i < 10; i++) {
      ModelServing ms = ms("u" + i, 1L);
      small.get(ms, () -> "v");
    }
    assertThat(small.size()).isEqualTo(3);
    small.forget("u9");
    small.forget(null);
    assertThat(small.size()).isEqualTo(2);
    AtomicInteger computed = new AtomicInteger();
    small.get(ms("u9", 1L), () -> "v" + computed.incrementAndGet());
    small.get(ms("u0", 1L), () -> "v" + computed.incrementAndGet()); // evicted long ago
    assertThat(computed).hasValue(2);
  }

  @Test
  void lwsSpecHashesFollowTheGeneration() {
    SpecMemo<LwsToModelServing.SpecHashes> lwsMemo = new SpecMemo<>(SpecMemo.CAPACITY);
    LeaderWorkerSet lws =
        PodFixture.SERIALIZATION.unmarshal(
            """
            apiVersion: leaderworkerset.x-k8s.io/v1
            kind: LeaderWorkerSet
            metadata: {name: vllm, namespace: prod, uid: u1, generation: 1}
            spec:
              replicas: 2
              leaderWorkerTemplate:
                size: 3
                workerTemplate:
                  spec:
                    containers: [{name: worker, image: "vllm:1"}]
            """,
            LeaderWorkerSet.class);
    DefaultedLeaderWorkerSet first = DefaultedLeaderWorkerSet.of(lws);
    var before = lwsMemo.get(lws, () -> LwsToModelServing.SpecHashes.of(first));
    assertThat(before).isEqualTo(LwsToModelServing.SpecHashes.of(first));
    assertThat(before.revision()).isEqualTo(LwsToModelServing.revision(first.get()));

    lws.getSpec()
        .getLeaderWorkerTemplate()
        .getWorkerTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .setImage("vllm:2");
    lws.getMetadata().setGeneration(2L);
    DefaultedLeaderWorkerSet second = DefaultedLeaderWorkerSet.of(lws);
    var after = lwsMemo.get(lws, () -> LwsToModelServing.SpecHashes.of(second));
    assertThat(after.revision())
        .isEqualTo(LwsToModelServing.revision(second.get()))
        .isNotEqualTo(before.revision());
    assertThat(after.templateHash()).isNotEqualTo(before.templateHash());
  }
}
