package dev.modelserving.controller.lws;

import static dev.modelserving.controller.lws.LwsFixture.SERIALIZATION;
import static dev.modelserving.controller.lws.LwsFixture.rollingUpdate;
import static dev.modelserving.controller.lws.LwsFixture.subGroups;
import static dev.modelserving.controller.lws.LwsFixture.template;
import static dev.modelserving.controller.lws.LwsFixture.validLws;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.lws.v1.LeaderWorkerSetSpec;
import dev.modelserving.api.lws.v1.NetworkConfig;
import dev.modelserving.api.lws.v1.RestartPolicyType;
import dev.modelserving.api.lws.v1.RolloutStrategy;
import dev.modelserving.api.lws.v1.StartupPolicyType;
import dev.modelserving.api.lws.v1.SubGroupPolicyType;
import dev.modelserving.api.lws.v1.SubdomainPolicy;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LwsDefaultsTest {

  static Arguments defaulted(
      String name,
      Consumer<LeaderWorkerSet> change,
      Function<LeaderWorkerSet, Object> read,
      Object expected) {
    return Arguments.of(name, change, read, expected);
  }

  static Function<LeaderWorkerSet, Object> rollingUpdateJson() {
    return lws ->
        SERIALIZATION.asJson(lws.getSpec().getRolloutStrategy().getRollingUpdateConfiguration());
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        defaulted("replicas absent → 1", lws -> lws.getSpec().setReplicas(null), replicas(), 1),
        defaulted("replicas 0 kept", lws -> lws.getSpec().setReplicas(0), replicas(), 0),
        defaulted("size absent → 1", lws -> template(lws).setSize(null), size(), 1),
        defaulted("size 4 kept", lws -> {}, size(), 4),
        defaulted(
            "restartPolicy absent → RecreateGroupOnPodRestart",
            lws -> {},
            restart(),
            RestartPolicyType.RECREATE_GROUP_ON_POD_RESTART),
        defaulted(
            "restartPolicy Default (deprecated) → None",
            lws -> template(lws).setRestartPolicy(RestartPolicyType.DEFAULT),
            restart(),
            RestartPolicyType.NONE),
        defaulted(
            "restartPolicy RecreateGroupAfterStart kept",
            lws -> template(lws).setRestartPolicy(RestartPolicyType.RECREATE_GROUP_AFTER_START),
            restart(),
            RestartPolicyType.RECREATE_GROUP_AFTER_START),
        defaulted(
            "startupPolicy absent → LeaderCreated",
            lws -> {},
            lws -> lws.getSpec().getStartupPolicy(),
            StartupPolicyType.LEADER_CREATED),
        defaulted(
            "startupPolicy LeaderReady kept",
            lws -> lws.getSpec().setStartupPolicy(StartupPolicyType.LEADER_READY),
            lws -> lws.getSpec().getStartupPolicy(),
            StartupPolicyType.LEADER_READY),
        defaulted(
            "rolloutStrategy absent → RollingUpdate, maxUnavailable 1, maxSurge 0, partition 0",
            lws -> {},
            lws -> SERIALIZATION.asJson(lws.getSpec().getRolloutStrategy()),
            "{\"type\":\"RollingUpdate\",\"rollingUpdateConfiguration\":"
                + "{\"partition\":0,\"maxUnavailable\":1,\"maxSurge\":0}}"),
        defaulted(
            "rolloutStrategy without type → RollingUpdate",
            lws -> lws.getSpec().setRolloutStrategy(new RolloutStrategy()),
            lws -> lws.getSpec().getRolloutStrategy().getType().value(),
            "RollingUpdate"),
        defaulted(
            "rollingUpdateConfiguration with only maxSurge → the other fields filled",
            lws -> rollingUpdate(lws, null, 2, null),
            rollingUpdateJson(),
            "{\"partition\":0,\"maxUnavailable\":1,\"maxSurge\":2}"),
        defaulted(
            "rollingUpdateConfiguration fully set → kept, percentages included",
            lws -> rollingUpdate(lws, "50%", "25%", 1),
            rollingUpdateJson(),
            "{\"partition\":1,\"maxUnavailable\":\"50%\",\"maxSurge\":\"25%\"}"),
        defaulted(
            "explicit maxUnavailable 0 kept (validation rejects it with maxSurge 0)",
            lws -> rollingUpdate(lws, 0, null, null),
            rollingUpdateJson(),
            "{\"partition\":0,\"maxUnavailable\":0,\"maxSurge\":0}"),
        defaulted("networkConfig absent → Shared", lws -> {}, subdomain(), SubdomainPolicy.SHARED),
        defaulted(
            "networkConfig without subdomainPolicy → Shared",
            lws -> lws.getSpec().setNetworkConfig(new NetworkConfig()),
            subdomain(),
            SubdomainPolicy.SHARED),
        defaulted(
            "subdomainPolicy UniquePerReplica kept",
            lws ->
                lws.getSpec()
                    .setNetworkConfig(new NetworkConfig(SubdomainPolicy.UNIQUE_PER_REPLICA)),
            subdomain(),
            SubdomainPolicy.UNIQUE_PER_REPLICA),
        defaulted(
            "subGroupPolicy absent stays absent",
            lws -> {},
            lws -> String.valueOf(template(lws).getSubGroupPolicy()),
            "null"),
        defaulted(
            "subGroupPolicy without type → LeaderWorker",
            lws -> subGroups(lws, 2, null),
            subGroupType(),
            SubGroupPolicyType.LEADER_WORKER),
        defaulted(
            "subGroupPolicy LeaderExcluded kept",
            lws -> subGroups(lws, 3, SubGroupPolicyType.LEADER_EXCLUDED),
            subGroupType(),
            SubGroupPolicyType.LEADER_EXCLUDED),
        defaulted(
            "spec absent → created with its defaults, leaderWorkerTemplate left absent",
            lws -> lws.setSpec(null),
            lws ->
                lws.getSpec().getReplicas()
                    + " "
                    + lws.getSpec().getNetworkConfig().getSubdomainPolicy()
                    + " "
                    + lws.getSpec().getLeaderWorkerTemplate(),
            "1 Shared null"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void apply(
      String name,
      Consumer<LeaderWorkerSet> change,
      Function<LeaderWorkerSet, Object> read,
      Object expected) {
    LeaderWorkerSet lws = validLws();
    change.accept(lws);

    assertThat(read.apply(LwsDefaults.apply(lws))).isEqualTo(expected);
    String before = SERIALIZATION.asJson(lws);
    assertThat(read.apply(LwsDefaults.sharing(lws))).isEqualTo(expected);
    assertThat(SERIALIZATION.asJson(lws))
        .as("sharing leaves its input as it was")
        .isEqualTo(before);
  }

  @Test
  void sharingGivesTheDeepCopysValueAndKeepsWhatItDoesNotDefault() {
    LeaderWorkerSet lws = validLws();
    lws.getSpec().setReplicas(null);
    template(lws).setSize(null);
    lws.getSpec().setNetworkConfig(new NetworkConfig());
    subGroups(lws, 2, null);
    rollingUpdate(lws, null, "25%", null);
    String before = SERIALIZATION.asJson(lws);

    LeaderWorkerSet shared = LwsDefaults.sharing(lws);

    assertThat(shared).isEqualTo(LwsDefaults.apply(lws));
    assertThat(SERIALIZATION.asJson(lws)).isEqualTo(before);
    assertThat(shared.getMetadata()).isSameAs(lws.getMetadata());
    assertThat(template(shared).getWorkerTemplate()).isSameAs(template(lws).getWorkerTemplate());
    assertThat(template(shared)).isNotSameAs(template(lws));
  }

  @Test
  void defaultsAWholeMinimalObject() {
    LeaderWorkerSet lws = validLws();
    lws.getSpec().setReplicas(null);
    template(lws).setSize(null);

    LeaderWorkerSet defaulted = LwsDefaults.apply(lws);

    assertThat(defaulted.getSpec())
        .isEqualTo(
            SERIALIZATION.unmarshal(
                """
                replicas: 1
                leaderWorkerTemplate:
                  workerTemplate:
                    spec:
                      containers:
                      - image: vllm/vllm-openai:v0.6.0
                        name: vllm
                  size: 1
                  restartPolicy: RecreateGroupOnPodRestart
                rolloutStrategy:
                  type: RollingUpdate
                  rollingUpdateConfiguration:
                    partition: 0
                    maxUnavailable: 1
                    maxSurge: 0
                startupPolicy: LeaderCreated
                networkConfig:
                  subdomainPolicy: Shared
                """,
                LeaderWorkerSetSpec.class));
  }

  @Test
  void leavesTheInputUnchangedAndSharesNothingWithIt() {
    LeaderWorkerSet lws = validLws();
    lws.getSpec().setNetworkConfig(new NetworkConfig());
    String before = SERIALIZATION.asJson(lws);

    LeaderWorkerSet defaulted = LwsDefaults.apply(lws);
    template(defaulted).getWorkerTemplate().getSpec().getContainers().get(0).setImage("changed");

    assertThat(SERIALIZATION.asJson(lws)).isEqualTo(before);
    assertThat(defaulted.getMetadata()).isEqualTo(lws.getMetadata()).isNotSameAs(lws.getMetadata());
  }

  @Test
  void isIdempotent() {
    LeaderWorkerSet once = LwsDefaults.apply(validLws());

    assertThat(LwsDefaults.apply(once)).isEqualTo(once);
  }

  static Function<LeaderWorkerSet, Object> replicas() {
    return lws -> lws.getSpec().getReplicas();
  }

  static Function<LeaderWorkerSet, Object> size() {
    return lws -> template(lws).getSize();
  }

  static Function<LeaderWorkerSet, Object> restart() {
    return lws -> template(lws).getRestartPolicy();
  }

  static Function<LeaderWorkerSet, Object> subdomain() {
    return lws -> lws.getSpec().getNetworkConfig().getSubdomainPolicy();
  }

  static Function<LeaderWorkerSet, Object> subGroupType() {
    return lws -> template(lws).getSubGroupPolicy().getSubGroupPolicyType();
  }
}
