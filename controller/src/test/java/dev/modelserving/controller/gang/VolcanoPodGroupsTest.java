package dev.modelserving.controller.gang;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.UpstreamFiles;
import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.lws.v1.LwsKeys;
import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Annotations;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Conditions;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Labels;
import dev.modelserving.api.v1alpha1.ModelServingStatus;
import dev.modelserving.api.volcano.v1beta1.PodGroup;
import dev.modelserving.api.volcano.v1beta1.PodGroupSpec;
import dev.modelserving.controller.conversion.LwsPreviewPods;
import dev.modelserving.controller.gang.VolcanoPodGroups.Decision;
import dev.modelserving.controller.gang.VolcanoPodGroups.Input;
import dev.modelserving.controller.testing.PodFixture;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VolcanoPodGroupsTest {
  private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  /**
   * Kthena's examples/model-serving/gangPolicy.yaml: prefill 2 × (1+1), decode 2 × (1+1),
   * minRoleReplicas prefill 2, decode 1.
   */
  static ModelServing gangPolicyExample() throws Exception {
    String yaml =
        Files.readString(UpstreamFiles.kthena().resolve("examples/model-serving/gangPolicy.yaml"));
    ModelServing ms = PodFixture.SERIALIZATION.unmarshal(yaml, ModelServing.class);
    ms.getMetadata().setUid("uid-sample");
    ms.setApiVersion("workload.serving.volcano.sh/v1alpha1");
    ms.setKind("ModelServing");
    return ms;
  }

  static List<Pod> pods(ModelServing ms, int... groups) {
    List<Pod> pods = new ArrayList<>();
    for (int g : groups) {
      pods.addAll(PodFixture.groupPods(ms, g));
    }
    return pods;
  }

  @Test
  void kthenaShapeFollowsGangPolicy() throws Exception {
    ModelServing ms = gangPolicyExample();
    ms.getMetadata().setAnnotations(Map.of(LwsKeys.Annotations.VOLCANO_QUEUE_NAME, "inference"));
    PodGroup pg = VolcanoPodGroups.forServingGroup(ms, "sample-0", true);

    assertThat(pg.getMetadata().getName()).isEqualTo("sample-0");
    assertThat(pg.getMetadata().getNamespace()).isEqualTo("default");
    assertThat(pg.getMetadata().getLabels())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(Labels.NAME, "sample", Labels.GROUP_NAME, "sample-0"));
    assertThat(pg.getMetadata().getAnnotations())
        .containsExactlyEntriesOf(Map.of(LwsKeys.Annotations.SCHEDULING_GROUP_NAME, "sample-0"));
    var owner = pg.getMetadata().getOwnerReferences();
    assertThat(owner)
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getKind()).isEqualTo("ModelServing");
              assertThat(o.getUid()).isEqualTo("uid-sample");
              assertThat(o.getController()).isTrue();
              assertThat(o.getBlockOwnerDeletion()).isNull();
            });
    PodGroupSpec spec = pg.getSpec();
    // prefill: min(2, 2) × 2 pods; decode: min(1, 2) × 2 pods.
    assertThat(spec.minMember()).isEqualTo(6);
    // 0.1 CPU per pod, 6 pods counted.
    assertThat(spec.minResources().get("cpu").getNumericalAmount())
        .isEqualByComparingTo(new BigDecimal("0.6"));
    assertThat(spec.queue()).isEqualTo("inference");
    assertThat(spec.subGroupPolicy()).hasSize(2);
    assertThat(spec.subGroupPolicy().get(0).name()).isEqualTo("prefill");
    assertThat(spec.subGroupPolicy().get(0).subGroupSize()).isEqualTo(2);
    assertThat(spec.subGroupPolicy().get(0).minSubGroups()).isEqualTo(2);
    assertThat(spec.subGroupPolicy().get(0).matchLabelKeys()).containsExactly(Labels.ROLE_ID);
    assertThat(spec.subGroupPolicy().get(0).labelSelector().getMatchLabels())
        .containsExactlyInAnyOrderEntriesOf(Map.of(Labels.NAME, "sample", Labels.ROLE, "prefill"));
    assertThat(spec.subGroupPolicy().get(1).minSubGroups()).isEqualTo(1);

    assertThat(VolcanoPodGroups.forServingGroup(ms, "sample-0", false).getSpec().subGroupPolicy())
        .as("no subGroupPolicy when the CRD lacks it")
        .isNull();
  }

  @Test
  void withoutGangPolicyEveryPodOfTheGroupCounts() throws Exception {
    ModelServing ms = gangPolicyExample();
    ms.getSpec().getTemplate().setGangPolicy(null);
    assertThat(VolcanoPodGroups.minMember(ms)).isEqualTo(8);
  }

  @Test
  void priorityClassIsTheOneAllTemplatesShare() throws Exception {
    ModelServing ms = gangPolicyExample();
    for (var role : ms.getSpec().getTemplate().getRoles()) {
      role.getEntryTemplate().getSpec().setPriorityClassName("high");
      role.getWorkerTemplate().getSpec().setPriorityClassName("high");
    }
    assertThat(VolcanoPodGroups.forServingGroup(ms, "sample-0", true).getSpec().priorityClassName())
        .isEqualTo("high");
    ms.getSpec()
        .getTemplate()
        .getRoles()
        .get(1)
        .getWorkerTemplate()
        .getSpec()
        .setPriorityClassName("low");
    assertThat(VolcanoPodGroups.forServingGroup(ms, "sample-0", true).getSpec().priorityClassName())
        .isNull();
  }

  @Test
  void onePodGroupPerGroupWithPodsAndNoneForGroupsThatAreGone() throws Exception {
    ModelServing ms = gangPolicyExample();
    PodGroup kept = VolcanoPodGroups.forServingGroup(ms, "sample-0", true);
    PodGroup gone = VolcanoPodGroups.forServingGroup(ms, "sample-5", true);
    Decision d =
        VolcanoPodGroups.decide(
            new Input(ms, true, true, pods(ms, 0), pods(ms, 1), List.of(kept, gone)));

    assertThat(d.apply()).extracting(pg -> pg.getMetadata().getName()).containsExactly("sample-1");
    assertThat(d.delete()).extracting(pg -> pg.getMetadata().getName()).containsExactly("sample-5");
    assertThat(d.create()).isEmpty();
    assertThat(d.status())
        .hasValueSatisfying(
            s -> {
              assertThat(s.ok()).isTrue();
              assertThat(s.reason()).isEqualTo(Conditions.REASON_POD_GROUPS_IN_USE);
            });
  }

  @Test
  void aChangedSpecIsAppliedAgainAnUnchangedOneIsNot() throws Exception {
    ModelServing ms = gangPolicyExample();
    PodGroup stored = VolcanoPodGroups.forServingGroup(ms, "sample-0", true);
    // As the API server returns it: other notation, Volcano's status and its own fields.
    stored.getSpec().minResources().put("cpu", new Quantity("600m"));
    assertThat(
            VolcanoPodGroups.decide(
                    new Input(ms, true, true, pods(ms, 0), List.of(), List.of(stored)))
                .apply())
        .isEmpty();

    ms.getSpec()
        .getTemplate()
        .getRoles()
        .get(0)
        .setReplicas(1); // prefill scaled to 1 replica, below its minimum of 2
    Decision d =
        VolcanoPodGroups.decide(new Input(ms, true, true, pods(ms, 0), List.of(), List.of(stored)));
    assertThat(d.apply())
        .singleElement()
        .satisfies(pg -> assertThat(pg.getSpec().minMember()).isEqualTo(4));
  }

  @Test
  void aPodGroupOfSomeoneElseIsNotTouchedAndSaidSo() throws Exception {
    ModelServing ms = gangPolicyExample();
    PodGroup foreign = VolcanoPodGroups.forServingGroup(ms, "sample-0", true);
    foreign.getMetadata().getOwnerReferences().get(0).setUid("another");
    Decision d =
        VolcanoPodGroups.decide(
            new Input(ms, true, true, pods(ms, 0), List.of(), List.of(foreign)));
    assertThat(d.apply()).isEmpty();
    assertThat(d.delete()).isEmpty();
    assertThat(d.status())
        .hasValueSatisfying(
            s -> {
              assertThat(s.ok()).isFalse();
              assertThat(s.reason()).isEqualTo(Conditions.REASON_POD_GROUP_CONFLICT);
              assertThat(s.message()).contains("sample-0");
            });
  }

  @Test
  void withoutTheCrdNothingIsMadeAndGangPolicySaysWhy() throws Exception {
    ModelServing ms = gangPolicyExample();
    Decision d =
        VolcanoPodGroups.decide(new Input(ms, false, false, List.of(), pods(ms, 0), List.of()));
    assertThat(d.apply()).isEmpty();
    assertThat(d.status())
        .hasValueSatisfying(
            s -> {
              assertThat(s.ok()).isFalse();
              assertThat(s.reason()).isEqualTo(Conditions.REASON_POD_GROUP_CRD_MISSING);
              assertThat(s.message()).contains("podgroups.scheduling.volcano.sh", "gangPolicy");
            });
    assertThat(VolcanoPodGroups.podAnnotations(ms, pods(ms, 0).get(0), false)).isEmpty();

    ms.getSpec().getTemplate().setGangPolicy(null);
    assertThat(
            VolcanoPodGroups.decide(new Input(ms, false, false, List.of(), pods(ms, 0), List.of()))
                .status())
        .as("no gangPolicy, no condition")
        .isEmpty();
  }

  @Test
  void gangPolicyWithAnotherSchedulerSaysWhy() throws Exception {
    ModelServing ms = gangPolicyExample();
    ms.getSpec().setSchedulerName("default-scheduler");
    Decision d =
        VolcanoPodGroups.decide(new Input(ms, true, true, List.of(), pods(ms, 0), List.of()));
    assertThat(d.apply()).isEmpty();
    assertThat(d.status())
        .hasValueSatisfying(
            s -> {
              assertThat(s.reason()).isEqualTo(Conditions.REASON_SCHEDULER_NOT_VOLCANO);
              assertThat(s.message()).contains("'default-scheduler'");
            });
  }

  @Test
  void kthenaPodsNameTheirGroupAndTask() throws Exception {
    ModelServing ms = gangPolicyExample();
    Pod pod = PodFixture.pod(ms, 1, "decode", 1, 1);
    assertThat(VolcanoPodGroups.podAnnotations(ms, pod, true))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                LwsKeys.Annotations.SCHEDULING_GROUP_NAME, "sample-1",
                Annotations.VOLCANO_TASK_SPEC, "decode-1"));
  }

  @Test
  void gangConditionKeepsItsTransitionTimeWhileItsStatusStays() {
    ModelServingStatus previous = new ModelServingStatus();
    ModelServingStatus first = new ModelServingStatus();
    var crdMissing =
        Optional.of(
            new VolcanoPodGroups.GangStatus(false, Conditions.REASON_POD_GROUP_CRD_MISSING, "m"));
    GangCondition.merge(first, previous, crdMissing, 1, NOW);
    assertThat(GangCondition.changed(previous, crdMissing)).isTrue();
    assertThat(GangCondition.changed(first, crdMissing)).isFalse();
    ModelServingStatus second = new ModelServingStatus();
    GangCondition.merge(second, first, crdMissing, 2, NOW.plusSeconds(60));
    assertThat(second.getConditions())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getType()).isEqualTo(Conditions.GANG_SCHEDULING);
              assertThat(c.getStatus()).isEqualTo("False");
              assertThat(c.getLastTransitionTime()).isEqualTo(NOW.toString());
              assertThat(c.getObservedGeneration()).isEqualTo(2L);
            });
    var inUse =
        Optional.of(
            new VolcanoPodGroups.GangStatus(true, Conditions.REASON_POD_GROUPS_IN_USE, "ok"));
    assertThat(GangCondition.changed(second, inUse)).isTrue();
  }

  // ---- LeaderWorkerSet shape (upstream LWS's Volcano provider) ----

  static LwsPreviewPods.Preview volcanoLws(String extra) throws Exception {
    String yaml =
        Files.readString(
            UpstreamFiles.lws()
                .resolve("docs/examples/sample/gang-scheduling/lws-sample-volcano.yaml"));
    LeaderWorkerSet lws = LwsPreviewPods.leaderWorkerSets(yaml).get(0);
    lws.getMetadata()
        .setAnnotations(
            Map.of(
                LwsKeys.Annotations.VOLCANO_QUEUE_NAME,
                "lws-queue",
                "volcano.sh/sla-waiting-time",
                "5m",
                "other.io/key",
                "x"));
    if (extra.equals("LeaderReady")) {
      lws.getSpec().setStartupPolicy(dev.modelserving.api.lws.v1.StartupPolicyType.LEADER_READY);
    }
    return LwsPreviewPods.preview(lws);
  }

  /** Pods as the API server returns them: with a UID. */
  static List<Pod> created(List<Pod> pods) {
    List<Pod> out = new ArrayList<>();
    for (Pod p : pods) {
      Pod c = PodFixture.SERIALIZATION.clone(p);
      c.getMetadata().setUid("uid-" + p.getMetadata().getName());
      out.add(c);
    }
    return out;
  }

  @Test
  void lwsShapeIsUpstreamsProviders() throws Exception {
    var preview = volcanoLws("");
    ModelServing ms = preview.ms();
    Pod leader =
        preview.pods().stream()
            .filter(p -> p.getMetadata().getName().equals("lws-sample-volcano-1"))
            .findFirst()
            .orElseThrow();
    String rev = leader.getMetadata().getLabels().get(LwsKeys.Labels.TEMPLATE_REVISION_HASH);

    assertThat(VolcanoPodGroups.podAnnotations(ms, leader, true))
        .containsExactlyEntriesOf(
            Map.of(LwsKeys.Annotations.SCHEDULING_GROUP_NAME, "lws-sample-volcano-1-" + rev));
    Pod worker =
        preview.pods().stream()
            .filter(p -> p.getMetadata().getName().equals("lws-sample-volcano-1-3"))
            .findFirst()
            .orElseThrow();
    assertThat(VolcanoPodGroups.podAnnotations(ms, worker, true))
        .containsExactlyEntriesOf(
            Map.of(LwsKeys.Annotations.SCHEDULING_GROUP_NAME, "lws-sample-volcano-1-" + rev));

    Decision d =
        VolcanoPodGroups.decide(
            new Input(ms, true, true, created(preview.pods()), List.of(), List.of()));
    assertThat(d.apply()).isEmpty();
    assertThat(d.delete()).isEmpty();
    assertThat(d.create())
        .extracting(pg -> pg.getMetadata().getName())
        .containsExactly("lws-sample-volcano-0-" + rev, "lws-sample-volcano-1-" + rev);
    PodGroup pg = d.create().get(1);
    assertThat(pg.getMetadata().getLabels())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                LwsKeys.Labels.NAME,
                "lws-sample-volcano",
                LwsKeys.Labels.GROUP_INDEX,
                "1",
                LwsKeys.Labels.TEMPLATE_REVISION_HASH,
                rev));
    assertThat(pg.getMetadata().getAnnotations())
        .containsExactlyEntriesOf(Map.of("volcano.sh/sla-waiting-time", "5m"));
    assertThat(pg.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getKind()).isEqualTo("Pod");
              assertThat(o.getName()).isEqualTo("lws-sample-volcano-1");
              assertThat(o.getUid()).isEqualTo("uid-lws-sample-volcano-1");
              assertThat(o.getController()).isTrue();
            });
    assertThat(pg.getSpec().minMember()).isEqualTo(4);
    assertThat(pg.getSpec().minResources().get("cpu").getNumericalAmount())
        .isEqualByComparingTo(new BigDecimal("0.2"));
    assertThat(pg.getSpec().queue()).isEqualTo("lws-queue");

    // Created once: an existing one (whatever it holds now) is left alone.
    assertThat(
            VolcanoPodGroups.decide(
                    new Input(ms, true, true, created(preview.pods()), List.of(), d.create()))
                .create())
        .isEmpty();
  }

  @Test
  void lwsLeaderReadyGroupsNeedOnlyTheLeaderButAskForAllResources() throws Exception {
    var preview = volcanoLws("LeaderReady");
    Decision d =
        VolcanoPodGroups.decide(
            new Input(preview.ms(), true, true, created(preview.pods()), List.of(), List.of()));
    assertThat(d.create())
        .hasSize(2)
        .allSatisfy(
            pg -> {
              assertThat(pg.getSpec().minMember()).isEqualTo(1);
              assertThat(pg.getSpec().minResources().get("cpu").getNumericalAmount())
                  .isEqualByComparingTo(new BigDecimal("0.2"));
            });
  }

  @Test
  void lwsGroupsThatDoNotNameVolcanoGetNoPodGroups() throws Exception {
    var preview = volcanoLws("");
    preview
        .ms()
        .getSpec()
        .getTemplate()
        .getRoles()
        .get(0)
        .getWorkerTemplate()
        .getSpec()
        .setSchedulerName(null);
    preview
        .ms()
        .getSpec()
        .getTemplate()
        .getRoles()
        .get(0)
        .getEntryTemplate()
        .getSpec()
        .setSchedulerName(null);
    assertThat(VolcanoPodGroups.scheduledByVolcano(preview.ms())).isFalse();
    assertThat(
            VolcanoPodGroups.decide(
                new Input(preview.ms(), true, true, List.of(), List.of(), List.of())))
        .isEqualTo(Decision.NONE);
  }

  @Test
  void effectiveRequestsCountInitContainersSidecarsAndOverheadAsKubernetesDoes() {
    PodSpec spec =
        new PodSpecBuilder()
            .addToContainers(
                new ContainerBuilder()
                    .withName("a")
                    .withNewResources()
                    .addToRequests("cpu", new Quantity("1"))
                    .endResources()
                    .build())
            .addToInitContainers(
                new ContainerBuilder()
                    .withName("sidecar")
                    .withRestartPolicy("Always")
                    .withNewResources()
                    .addToRequests("cpu", new Quantity("500m"))
                    .endResources()
                    .build())
            .addToInitContainers(
                new ContainerBuilder()
                    .withName("big-init")
                    .withNewResources()
                    .addToRequests("cpu", new Quantity("4"))
                    .addToRequests("memory", new Quantity("1Gi"))
                    .endResources()
                    .build())
            .addToOverhead("cpu", new Quantity("100m"))
            .build();
    Map<String, BigDecimal> effective = PodRequests.effective(spec);
    // max(containers 1 + sidecar 0.5, init 4 + the sidecar started before it 0.5) + overhead 0.1
    assertThat(effective.get("cpu")).isEqualByComparingTo("4.6");
    assertThat(effective.get("memory")).isEqualByComparingTo(BigDecimal.valueOf(1L << 30));
    assertThat(PodRequests.ofContainers(spec).get("cpu"))
        .as("Kthena counts the containers only")
        .isEqualByComparingTo("1");
  }
}
