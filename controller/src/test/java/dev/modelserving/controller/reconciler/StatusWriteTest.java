package dev.modelserving.controller.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.v1alpha1.ModelServingKeys;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusWriteTest {
  private static ObjectMetaBuilder seen() {
    return new ObjectMetaBuilder()
        .withName("ms")
        .withNamespace("ns")
        .withGeneration(3L)
        .withResourceVersion("100")
        .withLabels(Map.of("app", "x"))
        .withAnnotations(Map.of("a", "1"));
  }

  @Test
  void ourOwnStatusWriteChangesNothingThePassRead() {
    ObjectMeta written =
        seen().withResourceVersion("101").withManagedFields(java.util.List.of()).build();
    assertThat(StatusWrite.changedSince(seen().build(), written)).isFalse();
  }

  @Test
  void aSpecEditInBetweenIsSeenByItsGeneration() {
    assertThat(StatusWrite.changedSince(seen().build(), seen().withGeneration(4L).build()))
        .isTrue();
  }

  @Test
  void labelAnnotationOwnerAndDeletionEditsAreSeen() {
    ObjectMeta before = seen().build();
    assertThat(StatusWrite.changedSince(before, seen().withLabels(Map.of("app", "y")).build()))
        .isTrue();
    assertThat(StatusWrite.changedSince(before, seen().addToAnnotations("b", "2").build()))
        .isTrue();
    assertThat(
            StatusWrite.changedSince(
                before, seen().withDeletionTimestamp("2026-12-01T00:00:00Z").build()))
        .isTrue();
    assertThat(
            StatusWrite.changedSince(
                before,
                seen()
                    .addNewOwnerReference()
                    .withName("lws")
                    .withUid("u")
                    .withKind("LeaderWorkerSet")
                    .withApiVersion("leaderworkerset.x-k8s.io/v1")
                    .endOwnerReference()
                    .build()))
        .isTrue();
  }

  @Test
  void kubectlsLastAppliedCopyWhichTheCachesDropIsNoChange() {
    ObjectMeta written =
        seen()
            .addToAnnotations(ModelServingKeys.Annotations.KUBECTL_LAST_APPLIED, "{\"spec\":{}}")
            .build();
    assertThat(StatusWrite.changedSince(seen().build(), written)).isFalse();
  }
}
