package dev.modelserving.controller.podgen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingKeys;
import dev.modelserving.controller.testing.ModelServingFixture;
import io.fabric8.kubernetes.api.model.AnyType;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import org.junit.jupiter.api.Test;

class TemplateRevisionsTest {
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

  /**
   * The API server compares a revision's {@code data} byte for byte on update, and a strategic
   * merge patch (the garbage collector orphaning it) re-encodes it as Go does: the bytes sent must
   * already be that encoding, or orphaning fails with "data: field is immutable".
   */
  @Test
  void dataIsSentAsTheApiServerReencodesIt() {
    ModelServing ms =
        ModelServingFixture.named("m")
            .role(
                "default",
                1,
                0,
                r ->
                    r.getEntryTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .setCommand(List.of("sh", "-c", "a && b < c > d \u2028")))
            .build();

    String json = SERIALIZATION.asJson(TemplateRevisions.build(ms));
    String data = json.substring(json.indexOf("\"data\":{"));

    assertThat(json).contains("\"a \\u0026\\u0026 b \\u003c c \\u003e d \\u2028\"");
    assertThat(json).doesNotContain(" && ").doesNotContain(": ");
    // Keys sorted at every level: "entryTemplate" before "name" before "replicas"; "command" before
    // "image".
    assertThat(data.indexOf("\"entryTemplate\"")).isLessThan(data.indexOf("\"name\":\"default\""));
    assertThat(data.indexOf("\"name\":\"default\"")).isLessThan(data.indexOf("\"replicas\""));
    assertThat(data.indexOf("\"command\"")).isLessThan(data.indexOf("\"image\""));
    // Read back as from the API (data arrives as a RawExtension), the roles are the same.
    var read =
        SERIALIZATION.unmarshal(
            json, io.fabric8.kubernetes.api.model.apps.ControllerRevision.class);
    assertThat(TemplateRevisions.rolesByRevision(List.of(read)).values())
        .singleElement()
        .isEqualTo(ms.getSpec().getTemplate().getRoles());
  }

  @Test
  void aCachedRevisionKeepsItsDataAsTextAndReadsTheSameRoles() {
    ModelServing ms = ModelServingFixture.named("m").replicas(2).role("r", 1, 1).build();
    ControllerRevision read = fromApi(TemplateRevisions.build(ms));
    Object decoded = ((AnyType) read.getData()).getValue();
    var store = dev.modelserving.controller.kube.CachePruning.revisionStore();
    store.put("ns/m-rev", read);
    var cached = store.get("ns/m-rev");

    assertThat(cached.getData()).isInstanceOf(String.class);
    assertThat(SERIALIZATION.unmarshal((String) cached.getData(), java.util.Map.class))
        .isEqualTo(decoded);
    String revision = cached.getMetadata().getLabels().get(ModelServingKeys.Labels.REVISION);
    var roles = TemplateRevisions.rolesByRevision(List.of(cached));
    assertThat(roles.get(revision)).isEqualTo(ms.getSpec().getTemplate().getRoles());
    assertThat(roles).containsOnlyKeys(revision);
  }

  @Test
  void aRevisionWithoutRolesIsNotOneOfTheStoredTemplates() {
    ModelServing ms = ModelServingFixture.named("m").replicas(2).role("r", 1, 1).build();
    var foreign = TemplateRevisions.build(ms, "other");
    foreign.setData(java.util.Map.of("data", "not roles"));

    var roles =
        TemplateRevisions.rolesByRevision(
            List.of(fromApi(foreign), fromApi(TemplateRevisions.build(ms, "good"))));

    assertThat(roles.containsKey("other")).isFalse();
    assertThat(roles.get("other")).isNull();
    assertThat(roles).containsOnlyKeys("good");
    assertThat(roles.get("good")).isEqualTo(ms.getSpec().getTemplate().getRoles());
  }

  /** {@code revision} as the API server sends it back: its data a RawExtension. */
  private static ControllerRevision fromApi(ControllerRevision revision) {
    return SERIALIZATION.unmarshal(SERIALIZATION.asJson(revision), ControllerRevision.class);
  }

  /**
   * status.replicas counts groups with a live pod: a group whose last pod was just deleted has
   * dropped out of it, and the groups still known (pods, recorded losses) keep the count.
   */
  @Test
  void theLastAcceptedSpecKeepsAGroupThatJustLostItsLastPod() {
    ModelServing valid = ModelServingFixture.named("m").replicas(4).role("r", 1, 0).build();
    var status = new dev.modelserving.api.v1alpha1.ModelServingStatus();
    status.setUpdateRevision("rev-1");
    status.setReplicas(3);
    ModelServing scaledPastTheRules =
        ModelServingFixture.named("m").replicas(3).role("r", 1, 0).status(status).build();
    var roles = java.util.Map.of("rev-1", valid.getSpec().getTemplate().getRoles());

    assertThat(TemplateRevisions.lastAccepted(scaledPastTheRules, roles, 4))
        .get()
        .satisfies(a -> assertThat(a.getSpec().getReplicas()).isEqualTo(4));
    assertThat(TemplateRevisions.lastAccepted(scaledPastTheRules, roles, 2))
        .get()
        .satisfies(a -> assertThat(a.getSpec().getReplicas()).isEqualTo(3));
  }
}
