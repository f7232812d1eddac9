package dev.modelserving.controller.podgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Env;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Labels;
import dev.modelserving.api.v1alpha1.Role;
import dev.modelserving.controller.podgen.ServingGroupPods.Position;
import dev.modelserving.controller.testing.Golden;
import dev.modelserving.controller.testing.ModelServingFixture;
import dev.modelserving.controller.testing.PodFixture;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ServingGroupPodsTest {
  private static final KubernetesSerialization SERIALIZATION = PodFixture.SERIALIZATION;

  /** One role, one replica, no workers: the smallest ModelServing. */
  static ModelServing single() {
    return ModelServingFixture.named("single")
        .inNamespace("ns")
        .uid("uid-single")
        .role("server", 1, 0)
        .build();
  }

  static ModelServing sample() {
    return ModelServingFixture.kthenaSample().build();
  }

  /**
   * Template labels that collide with the controller's, a worker template that claims to be an
   * entry, env vars and init containers that collide with the injected variables, and a scheduler
   * set only in the template.
   */
  static ModelServing collisions() {
    return ModelServingFixture.named("clash")
        .inNamespace("team-a")
        .uid("uid-clash")
        .replicas(2)
        .role(
            "decode",
            2,
            1,
            r -> {
              var entryMeta = ModelServingFixture.metadataOf(r.getEntryTemplate());
              entryMeta.getLabels().put("app", "llm");
              entryMeta.getLabels().put(Labels.NAME, "impostor");
              entryMeta.getLabels().put(Labels.GROUP_NAME, "impostor-9");
              entryMeta.getLabels().put(Labels.ROLE, "prefill");
              entryMeta.getLabels().put(Labels.ROLE_ID, "prefill-9");
              entryMeta.getLabels().put(Labels.REVISION, "old");
              entryMeta.getLabels().put(Labels.ROLE_TEMPLATE_HASH, "old");
              entryMeta.getLabels().put(Labels.ENTRY, "false");
              entryMeta.getAnnotations().put("prometheus.io/scrape", "true");
              Container leader = r.getEntryTemplate().getSpec().getContainers().get(0);
              leader.setEnv(
                  new ArrayList<>(
                      List.of(
                          new EnvVar("MODEL", "llama", null),
                          new EnvVar(Env.ENTRY_ADDRESS, "wrong.example", null),
                          new EnvVar("PORT", "8080", null),
                          new EnvVar(Env.GROUP_SIZE, "99", null))));
              r.getEntryTemplate()
                  .getSpec()
                  .getContainers()
                  .add(
                      new ContainerBuilder()
                          .withName("sidecar")
                          .withImage("busybox")
                          .withEnv(new EnvVar(Env.WORKER_INDEX, "7", null))
                          .build());
              r.getEntryTemplate()
                  .getSpec()
                  .setInitContainers(
                      new ArrayList<>(
                          List.of(
                              new ContainerBuilder()
                                  .withName("fetch")
                                  .withImage("busybox")
                                  .withEnv(
                                      new EnvVarBuilder()
                                          .withName(Env.ENTRY_ADDRESS)
                                          .withNewValueFrom()
                                          .withNewFieldRef()
                                          .withFieldPath("status.podIP")
                                          .endFieldRef()
                                          .endValueFrom()
                                          .build(),
                                      new EnvVar("CACHE", "/c", null))
                                  .build())));
              r.getEntryTemplate().getSpec().setSchedulerName("template-scheduler");
              var workerMeta = ModelServingFixture.metadataOf(r.getWorkerTemplate());
              workerMeta.getLabels().put(Labels.ENTRY, "true");
              workerMeta.getLabels().put("app", "llm");
              r.getWorkerTemplate()
                  .getSpec()
                  .getContainers()
                  .get(0)
                  .setEnv(
                      new ArrayList<>(
                          List.of(
                              new EnvVar(Env.WORKER_INDEX, "0", null),
                              new EnvVar("MODEL", "llama", null))));
            })
        .build();
  }

  // ---- golden files: every pod and Service of one serving group ----

  static Stream<Arguments> goldenCases() {
    return Stream.of(
        Arguments.of("single-role-size-1", single(), 0),
        Arguments.of("kthena-sample", sample(), 0),
        Arguments.of("label-and-env-collisions", collisions(), 1));
  }

  @ParameterizedTest(name = "golden/podgen/{0}.yaml (group {2})")
  @MethodSource("goldenCases")
  void matchesGoldenFile(String name, ModelServing ms, int group) {
    StringBuilder yaml = new StringBuilder();
    yaml.append("# Generated by ServingGroupPodsTest; regenerate with -Dgolden.update=true.\n");
    yaml.append("# Pods, then headless Services, of serving group ")
        .append(group)
        .append(" of ")
        .append(ms.getMetadata().getName())
        .append(".\n");
    for (Pod pod : PodFixture.groupPods(ms, group)) {
      yaml.append(document(pod));
    }
    for (Service service : PodFixture.groupServices(ms, group)) {
      yaml.append(document(service));
    }
    Golden.assertMatches("podgen/" + name + ".yaml", yaml.toString());
  }

  private static String document(Object o) {
    String text = SERIALIZATION.asYaml(o);
    return text.startsWith("---") ? text : "---\n" + text;
  }

  // ---- a table of positions ----

  static ModelServing twoWorkerDecode() {
    return ModelServingFixture.named("m")
        .inNamespace("ns")
        .replicas(6)
        .role("prefill", 1, 0)
        .role("decode", 2, 2)
        .build();
  }

  static Stream<Arguments> positions() {
    return Stream.of(
        // case, ms, position, name, ENTRY_ADDRESS, GROUP_SIZE
        Arguments.of(
            "entry pod of a size-1 role",
            single(),
            new Position(0, "server", 0, 0),
            "single-0-server-0-0",
            "single-0-server-0-0.ns",
            "1"),
        Arguments.of(
            "entry pod of the Kthena sample",
            sample(),
            new Position(0, "prefill", 0, 0),
            "sample-0-prefill-0-0",
            "sample-0-prefill-0-0.default",
            "4"),
        Arguments.of(
            "last worker of the Kthena sample",
            sample(),
            new Position(0, "decode", 0, 3),
            "sample-0-decode-0-3",
            "sample-0-decode-0-0.default",
            "4"),
        Arguments.of(
            "entry of role replica 1 in group 5",
            twoWorkerDecode(),
            new Position(5, "decode", 1, 0),
            "m-5-decode-1-0",
            "m-5-decode-1-0.ns",
            "3"),
        Arguments.of(
            "worker 2 of role replica 1 in group 5",
            twoWorkerDecode(),
            new Position(5, "decode", 1, 2),
            "m-5-decode-1-2",
            "m-5-decode-1-0.ns",
            "3"),
        Arguments.of(
            "role without workers next to one with workers",
            twoWorkerDecode(),
            new Position(3, "prefill", 0, 0),
            "m-3-prefill-0-0",
            "m-3-prefill-0-0.ns",
            "1"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("positions")
  void podAtPosition(
      String name,
      ModelServing ms,
      Position at,
      String podName,
      String entryAddress,
      String groupSize) {
    Role role = PodFixture.role(ms, at.role());
    Pod pod = ServingGroupPods.buildPod(ms, role, at, "rev1", "hash1");
    String msName = ms.getMetadata().getName();

    assertThat(pod.getApiVersion()).isEqualTo("v1");
    assertThat(pod.getKind()).isEqualTo("Pod");
    assertThat(pod.getMetadata().getName()).isEqualTo(podName);
    assertThat(pod.getMetadata().getNamespace()).isEqualTo(ms.getMetadata().getNamespace());
    assertThat(pod.getMetadata().getLabels())
        .containsEntry(Labels.NAME, msName)
        .containsEntry(Labels.GROUP_NAME, msName + "-" + at.group())
        .containsEntry(Labels.ROLE, at.role())
        .containsEntry(Labels.ROLE_ID, at.role() + "-" + at.roleOrdinal())
        .containsEntry(Labels.REVISION, "rev1")
        .containsEntry(Labels.ROLE_TEMPLATE_HASH, "hash1");
    if (at.isEntry()) {
      assertThat(pod.getMetadata().getLabels()).containsEntry(Labels.ENTRY, "true");
    } else {
      assertThat(pod.getMetadata().getLabels()).doesNotContainKey(Labels.ENTRY);
    }
    assertThat(pod.getSpec().getContainers().get(0).getImage()).isEqualTo("nginx");
    assertThat(pod.getSpec().getContainers().get(0).getName())
        .isEqualTo(at.isEntry() ? "leader" : "worker");
    assertThat(pod.getSpec().getContainers().get(0).getEnv())
        .containsExactly(
            new EnvVar(Env.ENTRY_ADDRESS, entryAddress, null),
            new EnvVar(Env.WORKER_INDEX, Integer.toString(at.worker()), null),
            new EnvVar(Env.GROUP_SIZE, groupSize, null));
    assertThat(pod.getSpec().getHostname()).isNull();
    assertThat(pod.getSpec().getSubdomain()).isNull();
  }

  // ---- labels and annotations ----

  @Nested
  class Labelling {
    private final ModelServing ms = collisions();
    private final Role decode = PodFixture.role(ms, "decode");

    @Test
    void controllerLabelsWinOverTemplateLabels() {
      Pod entry =
          ServingGroupPods.buildPod(ms, decode, new Position(1, "decode", 1, 0), "rev", "hash");
      assertThat(entry.getMetadata().getLabels())
          .containsExactlyInAnyOrderEntriesOf(
              Map.of(
                  "app",
                  "llm",
                  Labels.NAME,
                  "clash",
                  Labels.GROUP_NAME,
                  "clash-1",
                  Labels.ROLE,
                  "decode",
                  Labels.ROLE_ID,
                  "decode-1",
                  Labels.REVISION,
                  "rev",
                  Labels.ROLE_TEMPLATE_HASH,
                  "hash",
                  Labels.WORKER_INDEX,
                  "0",
                  Labels.ENTRY,
                  "true"));
    }

    @Test
    void workerNeverCarriesTheEntryLabelEvenIfItsTemplateSaysSo() {
      Pod worker =
          ServingGroupPods.buildPod(ms, decode, new Position(1, "decode", 1, 1), "rev", "hash");
      assertThat(worker.getMetadata().getLabels())
          .doesNotContainKey(Labels.ENTRY)
          .containsEntry("app", "llm");
    }

    @Test
    void templateAnnotationsAreCopiedAndAbsentOtherwise() {
      Pod entry =
          ServingGroupPods.buildPod(ms, decode, new Position(0, "decode", 0, 0), "rev", "hash");
      Pod worker =
          ServingGroupPods.buildPod(ms, decode, new Position(0, "decode", 0, 1), "rev", "hash");
      assertThat(entry.getMetadata().getAnnotations())
          .containsExactly(entry("prometheus.io/scrape", "true"));
      assertThat(worker.getMetadata().getAnnotations()).isNull();
    }

    @Test
    void ownerReferenceMakesTheModelServingTheController() {
      Pod pod =
          ServingGroupPods.buildPod(ms, decode, new Position(0, "decode", 0, 0), "rev", "hash");
      assertThat(pod.getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(this::isControllerRef);
      assertThat(
              ServingGroupPods.buildHeadlessService(ms, 0, "decode", 0)
                  .getMetadata()
                  .getOwnerReferences())
          .singleElement()
          .satisfies(this::isControllerRef);
    }

    private void isControllerRef(OwnerReference ref) {
      assertThat(ref.getApiVersion()).isEqualTo("workload.serving.volcano.sh/v1alpha1");
      assertThat(ref.getKind()).isEqualTo("ModelServing");
      assertThat(ref.getName()).isEqualTo("clash");
      assertThat(ref.getUid()).isEqualTo("uid-clash");
      assertThat(ref.getController()).isTrue();
      assertThat(ref.getBlockOwnerDeletion()).isTrue();
    }
  }

  // ---- environment ----

  @Nested
  class Environment {
    private final ModelServing ms = collisions();
    private final Role decode = PodFixture.role(ms, "decode");
    private final Pod entry =
        ServingGroupPods.buildPod(ms, decode, new Position(1, "decode", 1, 0), "rev", "hash");

    private final List<EnvVar> injectedForEntry =
        List.of(
            new EnvVar(Env.ENTRY_ADDRESS, "clash-1-decode-1-0.team-a", null),
            new EnvVar(Env.WORKER_INDEX, "0", null),
            new EnvVar(Env.GROUP_SIZE, "2", null));

    @Test
    void injectedFirstAndTemplateDuplicatesDropped() {
      assertThat(entry.getSpec().getContainers().get(0).getEnv())
          .containsExactly(
              injectedForEntry.get(0),
              injectedForEntry.get(1),
              injectedForEntry.get(2),
              new EnvVar("MODEL", "llama", null),
              new EnvVar("PORT", "8080", null));
    }

    @Test
    void everyContainerGetsTheVariables() {
      assertThat(entry.getSpec().getContainers())
          .extracting(Container::getName)
          .containsExactly("leader", "sidecar");
      assertThat(entry.getSpec().getContainers().get(1).getEnv())
          .containsExactlyElementsOf(injectedForEntry);
    }

    @Test
    void initContainersToo_evenReplacingAValueFrom() {
      assertThat(entry.getSpec().getInitContainers())
          .singleElement()
          .satisfies(
              init ->
                  assertThat(init.getEnv())
                      .containsExactly(
                          injectedForEntry.get(0),
                          injectedForEntry.get(1),
                          injectedForEntry.get(2),
                          new EnvVar("CACHE", "/c", null)));
    }

    @Test
    void workerIndexOfAWorkerReplacesTheTemplateValue() {
      Pod worker =
          ServingGroupPods.buildPod(ms, decode, new Position(1, "decode", 1, 1), "rev", "hash");
      assertThat(worker.getSpec().getContainers().get(0).getEnv())
          .containsExactly(
              new EnvVar(Env.ENTRY_ADDRESS, "clash-1-decode-1-0.team-a", null),
              new EnvVar(Env.WORKER_INDEX, "1", null),
              new EnvVar(Env.GROUP_SIZE, "2", null),
              new EnvVar("MODEL", "llama", null));
    }

    @Test
    void theTemplateIsNotChanged() {
      ModelServing pristine = collisions();
      ServingGroupPods.buildPod(ms, decode, new Position(0, "decode", 0, 0), "rev", "hash");
      ServingGroupPods.buildPod(ms, decode, new Position(0, "decode", 0, 1), "rev", "hash");
      assertThat(ms.getSpec()).isEqualTo(pristine.getSpec());
    }

    @Test
    void podsAreIndependentObjects() {
      Pod a = ServingGroupPods.buildPod(ms, decode, new Position(0, "decode", 0, 0), "rev", "hash");
      Pod b = ServingGroupPods.buildPod(ms, decode, new Position(0, "decode", 0, 0), "rev", "hash");
      assertThat(a).isEqualTo(b).isNotSameAs(b);
      a.getMetadata().getLabels().put("x", "y");
      a.getSpec().getContainers().get(0).getEnv().get(0).setValue("changed");
      assertThat(b.getMetadata().getLabels()).doesNotContainKey("x");
      assertThat(b.getSpec().getContainers().get(0).getEnv().get(0).getValue())
          .isEqualTo("clash-0-decode-0-0.team-a");
    }

    @Test
    void containersOfOnePodDoNotShareEnvVarObjects() {
      Pod pod =
          ServingGroupPods.buildPod(ms, decode, new Position(0, "decode", 0, 0), "rev", "hash");
      pod.getSpec().getContainers().get(0).getEnv().get(0).setValue("changed-by-a-plugin");
      assertThat(pod.getSpec().getContainers().get(1).getEnv().get(0).getValue())
          .isEqualTo("clash-0-decode-0-0.team-a");
      assertThat(pod.getSpec().getInitContainers().get(0).getEnv().get(0).getValue())
          .isEqualTo("clash-0-decode-0-0.team-a");
    }
  }

  // ---- scheduler ----

  @ParameterizedTest(name = "spec.schedulerName={0}, template schedulerName={1} -> {2}")
  @CsvSource(
      nullValues = "null",
      value = {
        "volcano, null,               volcano",
        "volcano, template-scheduler, volcano",
        "null,    template-scheduler, template-scheduler",
        "'',      template-scheduler, template-scheduler",
        "null,    null,               null",
      })
  void schedulerNameIsOverriddenOnlyWhenTheSpecSetsIt(
      String specScheduler, String templateScheduler, String expected) {
    ModelServing ms =
        ModelServingFixture.named("m")
            .schedulerName(specScheduler)
            .role(
                "r",
                1,
                1,
                r -> {
                  r.getEntryTemplate().getSpec().setSchedulerName(templateScheduler);
                  r.getWorkerTemplate().getSpec().setSchedulerName(templateScheduler);
                })
            .build();
    for (Pod pod : PodFixture.groupPods(ms, 0)) {
      assertThat(pod.getSpec().getSchedulerName())
          .as(pod.getMetadata().getName())
          .isEqualTo(expected);
    }
  }

  // ---- templates and sizes ----

  @Test
  void aWorkerWithoutWorkerTemplateIsRefused() {
    ModelServing ms =
        ModelServingFixture.named("m").role("r", 1, 2, r -> r.setWorkerTemplate(null)).build();
    Role role = PodFixture.role(ms, "r");
    assertThatThrownBy(
            () -> ServingGroupPods.buildPod(ms, role, new Position(0, "r", 0, 1), "rev", "hash"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("workerTemplate");
    assertThat(
            ServingGroupPods.buildPod(ms, role, new Position(0, "r", 0, 0), "rev", "hash")
                .getMetadata()
                .getName())
        .isEqualTo("m-0-r-0-0");
  }

  @ParameterizedTest(name = "workerReplicas={0} -> group size {1}")
  @CsvSource(
      nullValues = "null",
      value = {"null, 1", "0, 1", "-2, 1", "1, 2", "3, 4"})
  void groupSize(Integer workers, int size) {
    Role role = new Role();
    role.setWorkerReplicas(workers);
    assertThat(ServingGroupPods.groupSize(role)).isEqualTo(size);
  }

  // ---- headless Service ----

  @Test
  void headlessServiceSelectsOnlyTheEntryPodOfItsRoleReplica() {
    ModelServing ms =
        ModelServingFixture.named("m").inNamespace("ns").uid("u1").role("prefill", 2, 2).build();
    Service svc = ServingGroupPods.buildHeadlessService(ms, 3, "prefill", 1);

    assertThat(svc.getApiVersion()).isEqualTo("v1");
    assertThat(svc.getKind()).isEqualTo("Service");
    assertThat(svc.getMetadata().getName()).isEqualTo("m-3-prefill-1-0");
    assertThat(svc.getMetadata().getNamespace()).isEqualTo("ns");
    assertThat(svc.getMetadata().getLabels())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                Labels.NAME,
                "m",
                Labels.GROUP_NAME,
                "m-3",
                Labels.ROLE,
                "prefill",
                Labels.ROLE_ID,
                "prefill-1"));
    assertThat(svc.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(svc.getSpec().getPublishNotReadyAddresses()).isTrue();
    assertThat(svc.getSpec().getSelector())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                Labels.GROUP_NAME,
                "m-3",
                Labels.ROLE,
                "prefill",
                Labels.ROLE_ID,
                "prefill-1",
                Labels.ENTRY,
                "true"))
        .doesNotContainKey(Labels.NAME);
    assertThat(svc.getSpec().getPorts()).isNullOrEmpty();

    // The selector matches the entry pod of that role replica and none of its workers or siblings.
    List<Pod> pods = PodFixture.groupPods(ms, 3);
    assertThat(pods)
        .filteredOn(
            p ->
                p.getMetadata()
                    .getLabels()
                    .entrySet()
                    .containsAll(svc.getSpec().getSelector().entrySet()))
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("m-3-prefill-1-0");
    // ENTRY_ADDRESS of every pod of the replica resolves through this Service.
    assertThat(pods)
        .filteredOn(p -> p.getMetadata().getName().startsWith("m-3-prefill-1-"))
        .hasSize(3)
        .allSatisfy(
            p ->
                assertThat(p.getSpec().getContainers().get(0).getEnv().get(0).getValue())
                    .isEqualTo(svc.getMetadata().getName() + ".ns"));
  }
}
