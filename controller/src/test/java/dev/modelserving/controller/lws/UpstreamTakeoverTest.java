package dev.modelserving.controller.lws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.lws.v1.LwsKeys;
import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Labels;
import dev.modelserving.controller.conversion.LwsToModelServing;
import dev.modelserving.controller.lws.UpstreamTakeover.Adoption;
import dev.modelserving.controller.plan.Plan;
import dev.modelserving.controller.plan.ServingGroupPlanner;
import dev.modelserving.controller.testing.PodFixture;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class UpstreamTakeoverTest {
  private static final KubernetesSerialization SERIALIZATION = PodFixture.SERIALIZATION;
  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
  private static final String UPSTREAM_KEY = "7d9f8c6b5";

  // ---- is upstream still at work? ----

  @Test
  void upstreamWebhooksAreThoseOnLeaderWorkerSets() {
    var mutating =
        SERIALIZATION.unmarshal(
            """
        apiVersion: admissionregistration.k8s.io/v1
        kind: MutatingWebhookConfiguration
        metadata: {name: lws-mutating}
        webhooks:
        - name: mleaderworkerset.kb.io
          admissionReviewVersions: [v1]
          sideEffects: None
          clientConfig: {url: "https://127.0.0.1:9443/mutate"}
          rules: [{apiGroups: [leaderworkerset.x-k8s.io], apiVersions: [v1], operations: [CREATE], resources: [leaderworkersets]}]
        """,
            MutatingWebhookConfiguration.class);
    var other =
        SERIALIZATION.unmarshal(
            """
        apiVersion: admissionregistration.k8s.io/v1
        kind: ValidatingWebhookConfiguration
        metadata: {name: someone-else}
        webhooks:
        - name: vpod.example.com
          admissionReviewVersions: [v1]
          sideEffects: None
          clientConfig: {url: "https://127.0.0.1:9443/validate"}
          rules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}]
        """,
            ValidatingWebhookConfiguration.class);

    // Kueue also watches LeaderWorkerSets, beside its own kinds: not upstream's.
    var kueue =
        SERIALIZATION.unmarshal(
            """
        apiVersion: admissionregistration.k8s.io/v1
        kind: MutatingWebhookConfiguration
        metadata: {name: kueue-mutating}
        webhooks:
        - name: mleaderworkerset.kb.io
          admissionReviewVersions: [v1]
          sideEffects: None
          clientConfig: {url: "https://127.0.0.1:9444/mutate"}
          rules: [{apiGroups: [leaderworkerset.x-k8s.io], apiVersions: [v1], operations: [CREATE], resources: [leaderworkersets]}]
        - name: mworkload.kb.io
          admissionReviewVersions: [v1]
          sideEffects: None
          clientConfig: {url: "https://127.0.0.1:9444/mutate-workload"}
          rules: [{apiGroups: [kueue.x-k8s.io], apiVersions: [v1beta1], operations: [CREATE], resources: [workloads]}]
        """,
            MutatingWebhookConfiguration.class);
    assertThat(UpstreamTakeover.upstreamWebhooks(List.of(mutating, kueue), List.of(other)))
        .containsExactly("MutatingWebhookConfiguration lws-mutating");
    assertThat(UpstreamTakeover.upstreamWebhooks(List.of(), List.of(other))).isEmpty();
  }

  @Test
  void registeredWebhooksMeanUpstreamIsActive() {
    assertThat(
            UpstreamTakeover.upstreamActive(
                List.of("MutatingWebhookConfiguration m"), List.of(), "ours", NOW))
        .hasValueSatisfying(
            m ->
                assertThat(m)
                    .contains("webhooks are registered (MutatingWebhookConfiguration m)")
                    .contains("stop the upstream LWS controller"));
  }

  @Test
  void aStatefulSetChangedRecentlyByAnotherManagerMeansUpstreamIsActive() {
    StatefulSet recent = statefulSet("vllm", "lws", NOW.minusSeconds(5));
    StatefulSet old = statefulSet("vllm", "lws", NOW.minusSeconds(31));
    StatefulSet kcm = statefulSet("vllm", "kube-controller-manager", NOW.minusSeconds(1));

    assertThat(UpstreamTakeover.upstreamActive(List.of(), List.of(recent), "ours", NOW))
        .hasValueSatisfying(
            m ->
                assertThat(m)
                    .contains("StatefulSet vllm was changed by \"lws\" at 2026-01-01T11:59:55Z"));
    assertThat(UpstreamTakeover.upstreamActive(List.of(), List.of(old), "ours", NOW)).isEmpty();
    assertThat(UpstreamTakeover.upstreamActive(List.of(), List.of(kcm), "ours", NOW)).isEmpty();
    assertThat(
            UpstreamTakeover.upstreamActive(
                List.of(), List.of(statefulSet("vllm", "ours", NOW)), "ours", NOW))
        .isEmpty();
  }

  // ---- StatefulSets ----

  @Test
  void upstreamStatefulSetsAreTheLeaderSetAndTheGroupSets() {
    List<StatefulSet> sets =
        List.of(
            statefulSet("vllm", "lws", NOW),
            statefulSet("vllm-0", "lws", NOW),
            statefulSet("vllm-1", "lws", NOW),
            statefulSet("vllm-other", "lws", NOW));
    assertThat(UpstreamTakeover.upstreamStatefulSets("vllm", sets))
        .extracting(s -> s.getMetadata().getName())
        .containsExactly("vllm", "vllm-0", "vllm-1");
  }

  @Test
  void workerSetsAreOrphanedBeforeTheLeaderSet() {
    List<StatefulSet> sets =
        List.of(
            statefulSet("vllm", "lws", NOW),
            statefulSet("vllm-1", "lws", NOW),
            statefulSet("vllm-0", "lws", NOW));
    assertThat(UpstreamTakeover.orphanOrder("vllm", sets))
        .extracting(s -> s.getMetadata().getName())
        .containsExactly("vllm-0", "vllm-1", "vllm");
  }

  @Test
  void slotsComeFromUpstreamNames() {
    assertThat(UpstreamTakeover.slot("vllm", "vllm-3"))
        .hasValueSatisfying(s -> assertThat(s).containsExactly(3, 0));
    assertThat(UpstreamTakeover.slot("vllm", "vllm-3-1"))
        .hasValueSatisfying(s -> assertThat(s).containsExactly(3, 1));
    assertThat(UpstreamTakeover.slot("vllm", "vllm-x-1")).isEmpty();
    assertThat(UpstreamTakeover.slot("vllm", "vllm-3-0")).isEmpty();
    assertThat(UpstreamTakeover.slot("vllm", "other-3")).isEmpty();
  }

  // ---- templates ----

  @Test
  void anUpstreamRevisionOfTheSameTemplateIsCurrentAsGoWritesIt() {
    LeaderWorkerSet lws = lws();
    // As upstream's getPatch encodes it (Go): null creationTimestamp, empty resources, $patch.
    ControllerRevision same = revision(UPSTREAM_KEY, "vllm/vllm-openai:v0.6.0");
    ControllerRevision older = revision("5c4b3a2", "vllm/vllm-openai:v0.5.0");
    assertThat(UpstreamTakeover.currentRevisionKeys(lws, List.of(same, older)))
        .containsExactly(UPSTREAM_KEY);
  }

  @Test
  void aRevisionUpstreamDidNotWriteIsNeverCurrent() {
    ControllerRevision foreign = revision(UPSTREAM_KEY, "vllm/vllm-openai:v0.6.0");
    foreign.setData(Map.of("data", List.of()));
    assertThat(UpstreamTakeover.currentRevisionKeys(lws(), List.of(foreign))).isEmpty();
  }

  // ---- pods ----

  @Test
  void aPodOfTheCurrentTemplateIsAdoptedAsUpToDateWithExactlyOurLabels() throws Exception {
    ModelServing ms = modelServing(lws());
    Pod desired = UpstreamTakeover.desiredPod(ms, 1, 2);
    Pod live = asUpstreamMadeIt(desired, UPSTREAM_KEY);

    Adoption adoption = UpstreamTakeover.adopt(live, desired, Set.of(UPSTREAM_KEY));

    assertThat(adoption.upToDate()).as(adoption.why()).isTrue();
    assertThat(adoption.labels()).isEqualTo(desired.getMetadata().getLabels());
    assertThat(adoption.labels()).doesNotContainKeys("controller-revision-hash");
    // The StatefulSet pod labels stay, with the values the StatefulSets gave them (ours set them
    // too).
    assertThat(adoption.labels())
        .containsEntry("statefulset.kubernetes.io/pod-name", "vllm-1-2")
        .containsEntry("apps.kubernetes.io/pod-index", "2");
    assertThat(adoption.annotations()).containsAllEntriesOf(desired.getMetadata().getAnnotations());
  }

  @Test
  void aPodOfAnotherTemplateIsAdoptedAsOutdated() throws Exception {
    ModelServing ms = modelServing(lws());
    Pod desired = UpstreamTakeover.desiredPod(ms, 0, 0);
    Pod live = asUpstreamMadeIt(desired, "5c4b3a2");

    Adoption adoption = UpstreamTakeover.adopt(live, desired, Set.of(UPSTREAM_KEY));

    assertThat(adoption.upToDate()).isFalse();
    assertThat(adoption.why()).contains("template revision 5c4b3a2");
    assertThat(adoption.labels())
        .containsEntry(Labels.REVISION, "lws-5c4b3a2")
        .containsEntry(LwsKeys.Labels.TEMPLATE_REVISION_HASH, "5c4b3a2")
        .containsEntry(Labels.NAME, "vllm");
  }

  @Test
  void aPodWithoutTheLwsVariablesIsOutdated() throws Exception {
    ModelServing ms = modelServing(lws());
    Pod desired = UpstreamTakeover.desiredPod(ms, 0, 1);
    Pod live = asUpstreamMadeIt(desired, UPSTREAM_KEY);
    live.getSpec()
        .getContainers()
        .get(0)
        .setEnv(new ArrayList<>()); // created while the pod webhook was off

    Adoption adoption = UpstreamTakeover.adopt(live, desired, Set.of(UPSTREAM_KEY));

    assertThat(adoption.upToDate()).isFalse();
    assertThat(adoption.why()).contains("LWS_LEADER_ADDRESS=<unset>");
  }

  @Test
  void aPodWithAnotherGroupKeyIsOutdated() throws Exception {
    ModelServing ms = modelServing(lws());
    Pod desired = UpstreamTakeover.desiredPod(ms, 0, 1);
    Pod live = asUpstreamMadeIt(desired, UPSTREAM_KEY);
    live.getMetadata().getLabels().put(LwsKeys.Labels.GROUP_KEY, "0000");

    assertThat(UpstreamTakeover.adopt(live, desired, Set.of(UPSTREAM_KEY)).why())
        .contains("label " + LwsKeys.Labels.GROUP_KEY);
  }

  // ---- the rollout afterwards (planner) ----

  /**
   * 4 groups x 2, maxUnavailable 0, maxSurge 1, all adopted as outdated and Ready, and the
   * ModelServing has no status yet: the rollout starts with a surge group and deletes no Ready
   * group.
   */
  @Test
  void adoptedOutdatedGroupsRollWithTheSurgeBudget() throws Exception {
    LeaderWorkerSet lws = lws();
    lws.getSpec().setReplicas(4);
    lws.getSpec().getLeaderWorkerTemplate().setSize(2);
    LwsFixture.rollingUpdate(lws, 0, 1, null);
    ModelServing ms = modelServing(lws);
    List<Pod> adopted = new ArrayList<>();
    for (int g = 0; g < 4; g++) {
      for (int w = 0; w < 2; w++) {
        Pod desired = UpstreamTakeover.desiredPod(ms, g, w);
        Adoption a =
            UpstreamTakeover.adopt(
                asUpstreamMadeIt(desired, "5c4b3a2"), desired, Set.of(UPSTREAM_KEY));
        Pod pod = SERIALIZATION.clone(a.live());
        pod.getMetadata().setLabels(a.labels());
        pod.getMetadata().setOwnerReferences(desired.getMetadata().getOwnerReferences());
        adopted.add(pod);
      }
    }

    Plan plan =
        ServingGroupPlanner.plan(
            new ServingGroupPlanner.Input(
                ms, PodFixture.allRunningReady(adopted), List.of(), List.of(), NOW));

    assertThat(plan.podsToDelete())
        .as("no Ready group goes before the surge group is Ready")
        .isEmpty();
    assertThat(plan.podsToCreate())
        .extracting(p -> p.getMetadata().getName())
        .containsExactlyInAnyOrder("vllm-4", "vllm-4-1");
  }

  // ---- fixtures ----

  private static LeaderWorkerSet lws() {
    LeaderWorkerSet lws = LwsFixture.validLws();
    lws.getMetadata().setUid("lws-uid");
    return lws;
  }

  private static ModelServing modelServing(LeaderWorkerSet lws) {
    ModelServing ms = LwsToModelServing.convert(lws, Optional.empty());
    ms.getMetadata().setUid("ms-uid");
    return ms;
  }

  /** What upstream's StatefulSets and pod webhook make in the place of {@code ours}. */
  private static Pod asUpstreamMadeIt(Pod ours, String revisionKey) {
    Pod pod = SERIALIZATION.clone(ours);
    Map<String, String> labels = new LinkedHashMap<>();
    ours.getMetadata()
        .getLabels()
        .forEach(
            (k, v) -> {
              if (k.startsWith(LwsKeys.PREFIX)) {
                labels.put(k, v);
              }
            });
    labels.put(LwsKeys.Labels.TEMPLATE_REVISION_HASH, revisionKey);
    labels.put("controller-revision-hash", "vllm-1-6b8d7f");
    labels.put("statefulset.kubernetes.io/pod-name", ours.getMetadata().getName());
    pod.getMetadata().setLabels(labels);
    pod.getMetadata()
        .setOwnerReferences(
            List.of(
                new OwnerReferenceBuilder()
                    .withApiVersion("apps/v1")
                    .withKind("StatefulSet")
                    .withName("vllm")
                    .withUid("sts-uid")
                    .withController(true)
                    .build()));
    pod.getMetadata().setResourceVersion("42");
    pod.getSpec()
        .getContainers()
        .forEach(
            c -> {
              List<EnvVar> env = new ArrayList<>(c.getEnv());
              env.removeIf(
                  e -> Set.of("ENTRY_ADDRESS", "WORKER_INDEX", "GROUP_SIZE").contains(e.getName()));
              c.setEnv(env);
            });
    return pod;
  }

  private static ControllerRevision revision(String key, String image) {
    String json =
        """
        {"spec":{"leaderWorkerTemplate":{"size":4,"restartPolicy":"RecreateGroupOnPodRestart",
          "workerTemplate":{"metadata":{"creationTimestamp":null},
            "spec":{"containers":[{"name":"vllm","image":"IMAGE","resources":{}}]}},"$patch":"replace"},
         "networkConfig":{"subdomainPolicy":"Shared","$patch":"replace"}}}
        """
            .replace("IMAGE", image);
    ControllerRevision r = new ControllerRevision();
    r.setMetadata(
        new io.fabric8.kubernetes.api.model.ObjectMetaBuilder()
            .withName("vllm-" + key + "-1")
            .withLabels(
                Map.of(LwsKeys.Labels.NAME, "vllm", LwsKeys.Labels.TEMPLATE_REVISION_HASH, key))
            .build());
    r.setData(SERIALIZATION.unmarshal(json, Map.class));
    r.setRevision(1L);
    return r;
  }

  private static StatefulSet statefulSet(String name, String manager, Instant changed) {
    return new StatefulSetBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .addToLabels(LwsKeys.Labels.NAME, "vllm")
        .withManagedFields(
            new ManagedFieldsEntryBuilder()
                .withManager(manager)
                .withOperation("Apply")
                .withTime(changed.toString())
                .build())
        .endMetadata()
        .build();
  }
}
