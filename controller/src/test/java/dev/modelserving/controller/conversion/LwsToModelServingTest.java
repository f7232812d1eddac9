package dev.modelserving.controller.conversion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.lws.v1.LeaderWorkerTemplate;
import dev.modelserving.api.lws.v1.LwsKeys;
import dev.modelserving.api.lws.v1.NetworkConfig;
import dev.modelserving.api.lws.v1.RestartPolicyType;
import dev.modelserving.api.lws.v1.StartupPolicyType;
import dev.modelserving.api.lws.v1.SubdomainPolicy;
import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Annotations;
import dev.modelserving.api.v1alpha1.RecoveryPolicy;
import dev.modelserving.api.v1alpha1.Role;
import dev.modelserving.controller.testing.PodFixture;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The LWS → ModelServing mapping, one behaviour per row (docs/lws-mapping.md). */
class LwsToModelServingTest {
  private static final KubernetesSerialization SERIALIZATION = PodFixture.SERIALIZATION;

  /** "vllm": 2 groups of 3 pods with a leader template, as a user writes it (no defaults). */
  static LeaderWorkerSet lws() {
    LeaderWorkerSet lws =
        SERIALIZATION.unmarshal(
            """
        apiVersion: leaderworkerset.x-k8s.io/v1
        kind: LeaderWorkerSet
        metadata:
          name: vllm
          namespace: prod
          uid: 6a1c7e52-0000-0000-0000-000000000001
          labels:
            team: inference
        spec:
          replicas: 2
          leaderWorkerTemplate:
            size: 3
            leaderTemplate:
              metadata:
                labels:
                  role: leader
                annotations:
                  note: leader
              spec:
                containers:
                - name: leader
                  image: vllm/vllm-openai:v0.8.5
            workerTemplate:
              metadata:
                labels:
                  role: worker
              spec:
                containers:
                - name: worker
                  image: vllm/vllm-openai:v0.8.5
        """,
            LeaderWorkerSet.class);
    return lws;
  }

  private static ModelServing convert(Consumer<LeaderWorkerSet> change) {
    LeaderWorkerSet lws = lws();
    change.accept(lws);
    return LwsToModelServing.convert(lws, Optional.empty());
  }

  private static LeaderWorkerTemplate template(LeaderWorkerSet lws) {
    return lws.getSpec().getLeaderWorkerTemplate();
  }

  private static Role role(ModelServing ms) {
    return ms.getSpec().getTemplate().getRoles().get(0);
  }

  @Test
  void shapeOneRoleOneReplicaSizeMinusOneWorkers() {
    ModelServing ms = convert(l -> {});
    assertThat(ms.getMetadata().getName()).isEqualTo("vllm");
    assertThat(ms.getMetadata().getNamespace()).isEqualTo("prod");
    assertThat(ms.getMetadata().getLabels()).containsEntry("team", "inference");
    assertThat(ms.getSpec().getReplicas()).isEqualTo(2);
    assertThat(ms.getSpec().getTemplate().getRoles())
        .singleElement()
        .satisfies(
            role -> {
              assertThat(role.getName()).isEqualTo(LwsToModelServing.ROLE);
              assertThat(role.getReplicas()).isEqualTo(1);
              assertThat(role.getWorkerReplicas()).isEqualTo(2);
              assertThat(role.getEntryTemplate().getMetadata().getLabels())
                  .containsEntry("role", "leader");
              assertThat(role.getEntryTemplate().getMetadata().getAnnotations())
                  .containsEntry("note", "leader");
              assertThat(role.getWorkerTemplate().getMetadata().getLabels())
                  .containsEntry("role", "worker");
            });
    // LWS recreates a group at once; Kthena's default grace would delay it.
    assertThat(ms.getSpec().getTemplate().getRestartGracePeriodSeconds()).isZero();
    assertThat(ms.getMetadata().getAnnotations())
        .containsEntry(Annotations.POD_NAMING, Annotations.NAMING_LEADER_WORKER_SET)
        .containsEntry(Annotations.SUBDOMAIN_POLICY, Annotations.SUBDOMAIN_SHARED)
        .containsEntry(Annotations.LWS_SYNCED_REPLICAS, "2");
  }

  @Test
  void theLwsIsTheControllerOwner() {
    ModelServing ms = convert(l -> {});
    assertThat(ms.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            ref -> {
              assertThat(ref.getApiVersion()).isEqualTo("leaderworkerset.x-k8s.io/v1");
              assertThat(ref.getKind()).isEqualTo("LeaderWorkerSet");
              assertThat(ref.getName()).isEqualTo("vllm");
              assertThat(ref.getUid()).isEqualTo("6a1c7e52-0000-0000-0000-000000000001");
              assertThat(ref.getController()).isTrue();
              assertThat(ref.getBlockOwnerDeletion()).isTrue();
            });
  }

  /**
   * (row, change to the LWS, annotations expected on the MS — null value = absent, recovery
   * policy).
   */
  static Stream<Arguments> policies() {
    return Stream.of(
        row(
            "defaults: RecreateGroupOnPodRestart, LeaderCreated",
            l -> {},
            Map.of(Annotations.RESTART_POLICY, Annotations.RESTART_ANY),
            absent(Annotations.STARTUP_POLICY),
            RecoveryPolicy.ServingGroupRecreate),
        row(
            "startupPolicy LeaderReady waits for the entry pod",
            l -> l.getSpec().setStartupPolicy(StartupPolicyType.LEADER_READY),
            Map.of(Annotations.STARTUP_POLICY, Annotations.WORKERS_AFTER_ENTRY_READY),
            Map.of(),
            RecoveryPolicy.ServingGroupRecreate),
        row(
            "startupPolicy LeaderCreated sets nothing",
            l -> l.getSpec().setStartupPolicy(StartupPolicyType.LEADER_CREATED),
            Map.of(),
            absent(Annotations.STARTUP_POLICY),
            RecoveryPolicy.ServingGroupRecreate),
        row(
            "restartPolicy None leaves failed pods alone",
            l -> template(l).setRestartPolicy(RestartPolicyType.NONE),
            Map.of(),
            absent(Annotations.RESTART_POLICY),
            RecoveryPolicy.None),
        row(
            "restartPolicy Default is the deprecated None",
            l -> template(l).setRestartPolicy(RestartPolicyType.DEFAULT),
            Map.of(),
            absent(Annotations.RESTART_POLICY),
            RecoveryPolicy.None),
        row(
            "restartPolicy RecreateGroupOnPodRestart",
            l -> template(l).setRestartPolicy(RestartPolicyType.RECREATE_GROUP_ON_POD_RESTART),
            Map.of(Annotations.RESTART_POLICY, Annotations.RESTART_ANY),
            Map.of(),
            RecoveryPolicy.ServingGroupRecreate),
        row(
            "restartPolicy RecreateGroupAfterStart",
            l -> template(l).setRestartPolicy(RestartPolicyType.RECREATE_GROUP_AFTER_START),
            Map.of(Annotations.RESTART_POLICY, Annotations.RESTART_AFTER_START),
            Map.of(),
            RecoveryPolicy.ServingGroupRecreate),
        row(
            "experimental annotation turns RecreateGroupOnPodRestart into AfterStart",
            l -> {
              template(l).setRestartPolicy(RestartPolicyType.RECREATE_GROUP_ON_POD_RESTART);
              l.getMetadata()
                  .setAnnotations(
                      Map.of(LwsKeys.Annotations.EXPERIMENTAL_RECREATE_GROUP_AFTER_START, ""));
            },
            Map.of(Annotations.RESTART_POLICY, Annotations.RESTART_AFTER_START),
            Map.of(),
            RecoveryPolicy.ServingGroupRecreate),
        row(
            "experimental annotation does not revive restartPolicy None",
            l -> {
              template(l).setRestartPolicy(RestartPolicyType.NONE);
              l.getMetadata()
                  .setAnnotations(
                      Map.of(LwsKeys.Annotations.EXPERIMENTAL_RECREATE_GROUP_AFTER_START, "true"));
            },
            Map.of(),
            absent(Annotations.RESTART_POLICY),
            RecoveryPolicy.None),
        row(
            "UniquePerReplica: one Service per group",
            l -> {
              NetworkConfig nc = new NetworkConfig();
              nc.setSubdomainPolicy(SubdomainPolicy.UNIQUE_PER_REPLICA);
              l.getSpec().setNetworkConfig(nc);
            },
            Map.of(Annotations.SUBDOMAIN_POLICY, Annotations.SUBDOMAIN_UNIQUE_PER_REPLICA),
            Map.of(),
            RecoveryPolicy.ServingGroupRecreate));
  }

  private static Arguments row(
      String name,
      Consumer<LeaderWorkerSet> change,
      Map<String, String> present,
      Map<String, String> absent,
      RecoveryPolicy recovery) {
    return Arguments.of(name, change, present, absent.keySet(), recovery);
  }

  private static Map<String, String> absent(String key) {
    return Map.of(key, "");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("policies")
  void policiesBecomeAnnotationsAndRecovery(
      String name,
      Consumer<LeaderWorkerSet> change,
      Map<String, String> present,
      java.util.Set<String> absent,
      RecoveryPolicy recovery) {
    ModelServing ms = convert(change);
    assertThat(ms.getMetadata().getAnnotations()).containsAllEntriesOf(present);
    assertThat(ms.getMetadata().getAnnotations()).doesNotContainKeys(absent.toArray(String[]::new));
    assertThat(ms.getSpec().getRecoveryPolicy()).isEqualTo(recovery);
  }

  @Test
  void withoutLeaderTemplateTheWorkerTemplateIsTheEntry() {
    ModelServing ms = convert(l -> template(l).setLeaderTemplate(null));
    Role role = role(ms);
    assertThat(role.getEntryTemplate().getSpec().getContainers())
        .extracting("name")
        .containsExactly("worker");
    assertThat(role.getEntryTemplate().getMetadata().getLabels()).containsEntry("role", "worker");
    assertThat(role.getEntryTemplate())
        .usingRecursiveComparison()
        .isEqualTo(role.getWorkerTemplate());
  }

  @Test
  void sizeOneHasNoWorkers() {
    assertThat(role(convert(l -> template(l).setSize(1))).getWorkerReplicas()).isZero();
  }

  // ---- replicas: one-way sync that does not fight the autoscaler ----

  /**
   * The MS as the cluster has it: converted earlier from {@code lwsReplicas}, then scaled to {@code
   * msReplicas}.
   */
  private static ModelServing existing(String syncedAnnotation, int msReplicas) {
    ModelServing ms = convert(l -> {});
    Map<String, String> annotations = new HashMap<>(ms.getMetadata().getAnnotations());
    if (syncedAnnotation == null) {
      annotations.remove(Annotations.LWS_SYNCED_REPLICAS);
    } else {
      annotations.put(Annotations.LWS_SYNCED_REPLICAS, syncedAnnotation);
    }
    ms.getMetadata().setAnnotations(annotations);
    ms.getSpec().setReplicas(msReplicas);
    return ms;
  }

  static Stream<Arguments> replicaSync() {
    return Stream.of(
        Arguments.of("no ModelServing yet: LWS replicas", null, -1, 2, 2),
        Arguments.of("LWS unchanged since last sync: autoscaler's 5 stands", "2", 5, 2, 5),
        Arguments.of("LWS scaled since last sync: LWS wins", "2", 5, 3, 3),
        Arguments.of("no annotation (foreign writer): LWS wins", null, 5, 2, 2),
        Arguments.of("scale to zero is synced", "2", 2, 0, 0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("replicaSync")
  void replicasFollowTheLwsOnlyWhenItChanged(
      String name, String synced, int msReplicas, int lwsReplicas, int expected) {
    LeaderWorkerSet lws = lws();
    lws.getSpec().setReplicas(lwsReplicas);
    Optional<ModelServing> current =
        msReplicas < 0 ? Optional.empty() : Optional.of(existing(synced, msReplicas));
    ModelServing ms = LwsToModelServing.convert(lws, current);
    assertThat(ms.getSpec().getReplicas()).isEqualTo(expected);
    // The annotation always records the LWS value, so the next change is seen.
    assertThat(ms.getMetadata().getAnnotations())
        .containsEntry(Annotations.LWS_SYNCED_REPLICAS, Integer.toString(lwsReplicas));
  }

  static Stream<Arguments> replicasToReportBack() {
    return Stream.of(
        Arguments.of(
            "ModelServing scaled (Kthena's autoscaler), LWS unchanged: report 5 to the LWS",
            "2",
            5,
            2,
            OptionalInt.of(5)),
        Arguments.of("nothing scaled", "2", 2, 2, OptionalInt.empty()),
        Arguments.of(
            "LWS scaled since last sync: the LWS wins, nothing to report",
            "2",
            5,
            3,
            OptionalInt.empty()),
        Arguments.of(
            "no annotation (never synced by us): nothing to report",
            null,
            5,
            2,
            OptionalInt.empty()),
        Arguments.of("ModelServing scaled to zero is reported too", "2", 0, 2, OptionalInt.of(0)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("replicasToReportBack")
  void aScaleOfTheModelServingIsReportedToTheLws(
      String name, String synced, int msReplicas, int lwsReplicas, OptionalInt expected) {
    LeaderWorkerSet lws = lws();
    lws.getSpec().setReplicas(lwsReplicas);
    assertThat(LwsToModelServing.replicasToReport(lws, Optional.of(existing(synced, msReplicas))))
        .isEqualTo(expected);
  }

  @Test
  void noModelServingYetReportsNothing() {
    assertThat(LwsToModelServing.replicasToReport(lws(), Optional.empty())).isEmpty();
  }

  // ---- revision label: pod-shaping parts only (LWS.md §3.1) ----

  static Stream<Arguments> revisionChanges() {
    return Stream.of(
        Arguments.of(
            "worker image",
            (Consumer<LeaderWorkerSet>)
                l ->
                    template(l)
                        .getWorkerTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .setImage("vllm/vllm-openai:v0.9.0"),
            true),
        Arguments.of(
            "leader label",
            (Consumer<LeaderWorkerSet>)
                l -> template(l).getLeaderTemplate().getMetadata().getLabels().put("tier", "gold"),
            true),
        Arguments.of("size", (Consumer<LeaderWorkerSet>) l -> template(l).setSize(4), true),
        Arguments.of(
            "restartPolicy (inside leaderWorkerTemplate, as upstream)",
            (Consumer<LeaderWorkerSet>) l -> template(l).setRestartPolicy(RestartPolicyType.NONE),
            true),
        Arguments.of(
            "networkConfig UniquePerReplica",
            (Consumer<LeaderWorkerSet>)
                l -> {
                  NetworkConfig nc = new NetworkConfig();
                  nc.setSubdomainPolicy(SubdomainPolicy.UNIQUE_PER_REPLICA);
                  l.getSpec().setNetworkConfig(nc);
                },
            true),
        Arguments.of(
            "networkConfig explicit Shared (same as absent)",
            (Consumer<LeaderWorkerSet>)
                l -> {
                  NetworkConfig nc = new NetworkConfig();
                  nc.setSubdomainPolicy(SubdomainPolicy.SHARED);
                  l.getSpec().setNetworkConfig(nc);
                },
            false),
        Arguments.of(
            "replicas", (Consumer<LeaderWorkerSet>) l -> l.getSpec().setReplicas(7), false),
        Arguments.of(
            "startupPolicy",
            (Consumer<LeaderWorkerSet>)
                l -> l.getSpec().setStartupPolicy(StartupPolicyType.LEADER_READY),
            false),
        Arguments.of(
            "rolloutStrategy",
            (Consumer<LeaderWorkerSet>)
                l -> {
                  var strategy = new dev.modelserving.api.lws.v1.RolloutStrategy();
                  var config = new dev.modelserving.api.lws.v1.RollingUpdateConfiguration();
                  config.setMaxUnavailable(new IntOrString(2));
                  config.setMaxSurge(new IntOrString("50%"));
                  config.setPartition(1);
                  strategy.setRollingUpdateConfiguration(config);
                  l.getSpec().setRolloutStrategy(strategy);
                },
            false),
        Arguments.of(
            "LWS metadata labels",
            (Consumer<LeaderWorkerSet>) l -> l.getMetadata().getLabels().put("team", "other"),
            false));
  }

  @ParameterizedTest(name = "{0} → changes revision: {2}")
  @MethodSource("revisionChanges")
  void revisionLabelChangesWithPodShapingFieldsOnly(
      String name, Consumer<LeaderWorkerSet> change, boolean changes) {
    String before = revisionLabel(convert(l -> {}));
    ModelServing after = convert(change);
    assertThat(revisionLabel(after)).matches("[bcdfghjklmnpqrstvwxz2456789]+");
    assertThat(revisionLabel(after).equals(before)).as("revision unchanged").isEqualTo(!changes);
    // Entry and worker pods of one LWS always share the revision.
    assertThat(role(after).getWorkerTemplate().getMetadata().getLabels())
        .containsEntry(LwsKeys.Labels.TEMPLATE_REVISION_HASH, revisionLabel(after));
  }

  private static String revisionLabel(ModelServing ms) {
    return role(ms)
        .getEntryTemplate()
        .getMetadata()
        .getLabels()
        .get(LwsKeys.Labels.TEMPLATE_REVISION_HASH);
  }

  // ---- rollout and plugin ----

  @Test
  void maxUnavailableZeroWithASurgeIsKeptAndTheSurgeIsMapped() {
    ModelServing ms =
        convert(
            l -> {
              var strategy = new dev.modelserving.api.lws.v1.RolloutStrategy();
              var config = new dev.modelserving.api.lws.v1.RollingUpdateConfiguration();
              config.setMaxUnavailable(new IntOrString(0));
              config.setMaxSurge(new IntOrString(1));
              config.setPartition(1);
              strategy.setRollingUpdateConfiguration(config);
              l.getSpec().setRolloutStrategy(strategy);
            });
    var rolling = ms.getSpec().getRolloutStrategy().getRollingUpdateConfiguration();
    assertThat(rolling.getMaxUnavailable()).isEqualTo(new IntOrString(0));
    assertThat(rolling.getMaxSurge()).isEqualTo(new IntOrString(1));
    assertThat(rolling.getPartition()).isEqualTo(new IntOrString(1));
  }

  @Test
  void podIdentityPluginCarriesWhatPodsNeed() {
    ModelServing ms =
        convert(
            l ->
                l.getMetadata()
                    .setAnnotations(
                        Map.of(
                            LwsKeys.Annotations.EXCLUSIVE_TOPOLOGY,
                            "topology.kubernetes.io/zone")));
    assertThat(ms.getSpec().getPlugins())
        .singleElement()
        .satisfies(
            plugin -> {
              assertThat(plugin.getName()).isEqualTo("lws-pod-identity");
              assertThat(plugin.getConfig().path("lwsName").asText()).isEqualTo("vllm");
              assertThat(plugin.getConfig().path("size").asInt()).isEqualTo(3);
              assertThat(plugin.getConfig().path("subdomainPolicy").asText()).isEqualTo("Shared");
              assertThat(plugin.getConfig().path("exclusiveTopology").asText())
                  .isEqualTo("topology.kubernetes.io/zone");
            });
  }

  // ---- spec hashes and the applied hash (what the reconciler remembers per generation) ----

  /** The hash of everything applied, serialised whole: what {@link #appliedHash} stands for. */
  private static String wholeHash(ModelServing desired) {
    return dev.modelserving.controller.podgen.Revisions.hash(
        SERIALIZATION.convertValue(desired, com.fasterxml.jackson.databind.JsonNode.class));
  }

  private static String appliedHash(LeaderWorkerSet lws, Optional<ModelServing> existing) {
    var defaulted = dev.modelserving.controller.lws.DefaultedLeaderWorkerSet.of(lws);
    var hashes = LwsToModelServing.SpecHashes.of(defaulted);
    return LwsToModelServing.appliedHash(
        LwsToModelServing.convert(defaulted, existing, hashes.revision()), hashes.templateHash());
  }

  @Test
  void specHashesAreTheRevisionAndTheHashOfTheConvertedTemplate() {
    var defaulted = dev.modelserving.controller.lws.DefaultedLeaderWorkerSet.of(lws());
    var hashes = LwsToModelServing.SpecHashes.of(defaulted);
    ModelServing desired = LwsToModelServing.convert(defaulted, Optional.empty());
    assertThat(hashes.revision())
        .isEqualTo(LwsToModelServing.revision(defaulted.get()))
        .isEqualTo(revisionLabel(desired));
    assertThat(hashes.templateHash())
        .isEqualTo(
            dev.modelserving.controller.podgen.Revisions.hash(
                SERIALIZATION.convertValue(
                    desired.getSpec().getTemplate(),
                    com.fasterxml.jackson.databind.JsonNode.class)));
    assertThat(LwsToModelServing.convert(defaulted, Optional.empty(), hashes.revision()))
        .usingRecursiveComparison()
        .isEqualTo(desired);
  }

  static Stream<Arguments> appliedChanges() {
    Stream<Arguments> more =
        Stream.of(
            Arguments.of(
                "LWS annotation passed on (Volcano queue)",
                (Consumer<LeaderWorkerSet>)
                    l -> {
                      l.getMetadata().setAnnotations(new HashMap<>());
                      l.getMetadata()
                          .getAnnotations()
                          .put(LwsKeys.Annotations.VOLCANO_QUEUE_NAME, "gold");
                    },
                true),
            Arguments.of(
                "LWS uid (a recreated LWS)",
                (Consumer<LeaderWorkerSet>)
                    l -> l.getMetadata().setUid("6a1c7e52-0000-0000-0000-000000000002"),
                true),
            Arguments.of(
                "worker env",
                (Consumer<LeaderWorkerSet>)
                    l ->
                        template(l)
                            .getWorkerTemplate()
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .setEnv(
                                java.util.List.of(
                                    new io.fabric8.kubernetes.api.model.EnvVar("A", "1", null))),
                true),
            Arguments.of(
                "leader annotation",
                (Consumer<LeaderWorkerSet>)
                    l ->
                        template(l)
                            .getLeaderTemplate()
                            .getMetadata()
                            .getAnnotations()
                            .put("note", "other"),
                true),
            Arguments.of("nothing", (Consumer<LeaderWorkerSet>) l -> {}, false));
    // Everything that moves the revision, and replicas, labels, policies beside it, is applied.
    return Stream.concat(
        revisionChanges()
            .map(a -> a.get())
            .map(
                a ->
                    Arguments.of(
                        a[0],
                        a[1],
                        !"networkConfig explicit Shared (same as absent)".equals(a[0]))),
        more);
  }

  @ParameterizedTest(name = "{0} → changes the applied hash: {2}")
  @MethodSource("appliedChanges")
  void theAppliedHashChangesWhenWhatIsAppliedChanges(
      String name, Consumer<LeaderWorkerSet> change, boolean changes) {
    LeaderWorkerSet changed = lws();
    change.accept(changed);
    String before = appliedHash(lws(), Optional.empty());
    String after = appliedHash(changed, Optional.empty());
    assertThat(after.equals(before)).as("applied hash unchanged").isEqualTo(!changes);
    // It moves exactly when the whole serialisation of the desired ModelServing does.
    String wholeBefore = wholeHash(LwsToModelServing.convert(lws(), Optional.empty()));
    String wholeAfter = wholeHash(LwsToModelServing.convert(changed, Optional.empty()));
    assertThat(wholeAfter.equals(wholeBefore)).isEqualTo(!changes);
  }

  @Test
  void theAppliedHashFollowsTheExistingReplicasAndLeavesTheDesiredAsItWas() {
    assertThat(appliedHash(lws(), Optional.of(existing("2", 5))))
        .isNotEqualTo(appliedHash(lws(), Optional.of(existing("2", 6))))
        .isEqualTo(appliedHash(lws(), Optional.of(existing("2", 5))));
    var defaulted = dev.modelserving.controller.lws.DefaultedLeaderWorkerSet.of(lws());
    var hashes = LwsToModelServing.SpecHashes.of(defaulted);
    ModelServing desired = LwsToModelServing.convert(defaulted, Optional.empty());
    ModelServing copy = SERIALIZATION.clone(desired);
    LwsToModelServing.appliedHash(desired, hashes.templateHash());
    assertThat(desired).usingRecursiveComparison().isEqualTo(copy);
  }

  @Test
  void inputIsNotChanged() {
    LeaderWorkerSet lws = lws();
    LeaderWorkerSet copy = SERIALIZATION.clone(lws);
    LwsToModelServing.convert(lws, Optional.empty());
    assertThat(lws).usingRecursiveComparison().isEqualTo(copy);
  }
}
