package dev.modelserving.controller.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.controller.conversion.LwsToModelServing;
import dev.modelserving.controller.kube.Serialization;
import dev.modelserving.controller.lws.DefaultedLeaderWorkerSet;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The memo gives the hash the uncached conversion gives, whatever of its inputs changed: each case
 * edits the LWS in place (as a later event of the same object), so a stale entry would show.
 */
class AppliedHashMemoTest {
  private final AppliedHashMemo memo = new AppliedHashMemo();
  private final AtomicInteger computed = new AtomicInteger();

  private static LeaderWorkerSet lws() {
    LeaderWorkerSet lws =
        Serialization.SHARED.unmarshal(
            """
            apiVersion: leaderworkerset.x-k8s.io/v1
            kind: LeaderWorkerSet
            metadata: {name: vllm, namespace: prod, uid: u1, generation: 1, labels: {team: a}}
            spec:
              replicas: 2
              leaderWorkerTemplate:
                size: 2
                workerTemplate: {spec: {containers: [{name: c, image: i}]}}
            """,
            LeaderWorkerSet.class);
    return lws;
  }

  private static String uncached(LeaderWorkerSet lws, Optional<ModelServing> existing) {
    DefaultedLeaderWorkerSet defaulted = DefaultedLeaderWorkerSet.of(lws);
    var hashes = LwsToModelServing.SpecHashes.of(defaulted);
    ModelServing desired = LwsToModelServing.convert(defaulted, existing, hashes.revision());
    return LwsToModelServing.appliedHash(desired, hashes.templateHash());
  }

  private String memoized(LeaderWorkerSet lws, Optional<ModelServing> existing) {
    DefaultedLeaderWorkerSet defaulted = DefaultedLeaderWorkerSet.of(lws);
    var hashes = LwsToModelServing.SpecHashes.of(defaulted);
    ModelServing desired = LwsToModelServing.convert(defaulted, existing, hashes.revision());
    return memo.get(
        lws,
        AppliedHashMemo.Inputs.of(lws, desired.getSpec().getReplicas()),
        () -> {
          computed.incrementAndGet();
          return LwsToModelServing.appliedHash(desired, hashes.templateHash());
        });
  }

  private void assertSameAsUncached(LeaderWorkerSet lws, Optional<ModelServing> existing) {
    assertThat(memoized(lws, existing)).isEqualTo(uncached(lws, existing));
  }

  @Test
  void aPassThatChangesNothingReadsTheRememberedHash() {
    LeaderWorkerSet lws = lws();
    assertSameAsUncached(lws, Optional.empty());
    assertSameAsUncached(lws, Optional.empty());
    assertThat(computed).hasValue(1);
  }

  @Test
  void labelsAnnotationsAndTheExistingReplicasAreInputs() {
    LeaderWorkerSet lws = lws();
    assertSameAsUncached(lws, Optional.empty());
    lws.getMetadata().getLabels().put("team", "b");
    assertSameAsUncached(lws, Optional.empty());
    lws.getMetadata().setAnnotations(new java.util.HashMap<>());
    lws.getMetadata().getAnnotations().put("volcano.sh/queue-name", "q");
    assertSameAsUncached(lws, Optional.empty());
    // Scaled by someone else: the ModelServing's replicas, kept while the LWS's stay as synced.
    ModelServing scaled = LwsToModelServing.convert(lws, Optional.empty());
    scaled.getSpec().setReplicas(5);
    assertSameAsUncached(lws, Optional.of(scaled));
    assertThat(computed).hasValue(4);
  }

  @Test
  void aNewGenerationStartsAfresh() {
    LeaderWorkerSet lws = lws();
    assertSameAsUncached(lws, Optional.empty());
    lws.getSpec().setReplicas(3);
    lws.getMetadata().setGeneration(2L);
    assertSameAsUncached(lws, Optional.empty());
    lws.getSpec()
        .getLeaderWorkerTemplate()
        .getWorkerTemplate()
        .getSpec()
        .getContainers()
        .get(0)
        .setImage("j");
    lws.getMetadata().setGeneration(3L);
    assertSameAsUncached(lws, Optional.empty());
    assertThat(computed).hasValue(3);
  }
}
