package dev.modelserving.controller.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each rule of upstream's validating webhook that the CRD schema alone lets through: the LWS gets
 * Progressing=False/InvalidSpec and a Warning Event naming the field, and no ModelServing or pod; a
 * valid LWS beside it is served.
 */
class LwsInvalidSpecIT {
  @RegisterExtension static final TestNamespace ns = new TestNamespace("lws-invalid");
  private static ControllerProcess controller;

  @BeforeAll
  static void startController() {
    controller = ControllerProcess.start("LwsInvalidSpecIT");
  }

  @AfterAll
  static void stopController() {
    if (controller != null) {
      controller.close();
    }
  }

  static Stream<Arguments> rules() {
    return Stream.of(
        Arguments.of(
            "name not a DNS-1035 label", Lws.simple("2cube", 1, 2, "", ""), "metadata.name"),
        Arguments.of(
            "size below 1",
            Lws.simple("size-zero", 1, 0, "", ""),
            "spec.leaderWorkerTemplate.size"),
        Arguments.of(
            "replicas x size overflow",
            Lws.simple("too-many", 1000000, 3000, "", ""),
            "spec.replicas"),
        Arguments.of(
            "negative maxUnavailable",
            Lws.simple("neg-unavail", 2, 2, rolling("maxUnavailable: -1"), ""),
            "spec.rolloutStrategy.rollingUpdateConfiguration.maxUnavailable"),
        Arguments.of(
            "maxSurge above 100%",
            Lws.simple("big-surge", 2, 2, rolling("maxSurge: \"150%\""), ""),
            "spec.rolloutStrategy.rollingUpdateConfiguration.maxSurge"),
        Arguments.of(
            "maxUnavailable not a percent",
            Lws.simple("bad-percent", 2, 2, rolling("maxUnavailable: \"abc\""), ""),
            "spec.rolloutStrategy.rollingUpdateConfiguration.maxUnavailable"),
        Arguments.of(
            "negative partition",
            Lws.simple("neg-partition", 2, 2, rolling("partition: -1"), ""),
            "spec.rolloutStrategy.rollingUpdateConfiguration.partition"),
        Arguments.of(
            "maxUnavailable and maxSurge both 0",
            Lws.simple("no-budget", 2, 2, rolling("maxUnavailable: 0\n        maxSurge: 0"), ""),
            "spec.rolloutStrategy.rollingUpdateConfiguration.maxUnavailable"),
        Arguments.of(
            "subGroupSize below 1",
            Lws.simple("sub-zero", 1, 4, "", subGroup(0, null)),
            "spec.leaderWorkerTemplate.subGroupPolicy.subGroupSize"),
        Arguments.of(
            "size not divisible",
            Lws.simple("sub-indiv", 1, 6, "", subGroup(4, null)),
            "spec.leaderWorkerTemplate.subGroupPolicy.subGroupSize"),
        Arguments.of(
            "subGroupSize above size",
            Lws.simple("sub-large", 1, 2, "", subGroup(4, null)),
            "spec.leaderWorkerTemplate.subGroupPolicy.subGroupSize"),
        Arguments.of(
            "LeaderExcluded not divisible",
            Lws.simple("sub-excl", 1, 4, "", subGroup(2, "LeaderExcluded")),
            "spec.leaderWorkerTemplate.subGroupPolicy.subGroupSize"),
        Arguments.of(
            "subgroup-exclusive-topology without subGroupPolicy",
            withAnnotation(
                Lws.simple("sub-annot", 1, 2, "", ""),
                "leaderworkerset.sigs.k8s.io/subgroup-exclusive-topology",
                "cloud.google.com/gke-nodepool"),
            "metadata.annotations[leaderworkerset.sigs.k8s.io/subgroup-exclusive-topology]"));
  }

  private static String rolling(String fields) {
    return "  rolloutStrategy:\n    type: RollingUpdate\n    rollingUpdateConfiguration:\n        "
        + fields
        + "\n";
  }

  private static String subGroup(int size, String type) {
    return "    subGroupPolicy:\n      subGroupSize: "
        + size
        + "\n"
        + (type == null ? "" : "      subGroupPolicyType: " + type + "\n");
  }

  private static LeaderWorkerSet withAnnotation(LeaderWorkerSet lws, String key, String value) {
    lws.getMetadata().setAnnotations(Map.of(key, value));
    return lws;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void violatingLwsGetsAConditionAndAnEventAndNothingElse(
      String rule, LeaderWorkerSet lws, String field) throws InterruptedException {
    String name = lws.getMetadata().getName();
    Lws.lwss().inNamespace(ns.name()).resource(lws).create();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(Lws.condition(Lws.get(ns.name(), name), "Progressing"))
                  .hasValueSatisfying(
                      c -> {
                        assertThat(c.getStatus()).isEqualTo("False");
                        assertThat(c.getReason()).isEqualTo("InvalidSpec");
                        assertThat(c.getMessage()).contains(field);
                      });
              assertThat(LwsBehaviourIT.eventsIn(ns.name(), name))
                  .anySatisfy(
                      e -> {
                        assertThat(e.getType()).isEqualTo("Warning");
                        assertThat(e.getReason()).isEqualTo("InvalidSpec");
                        assertThat(e.getMessage()).contains(field);
                      });
            });
    Thread.sleep(1_000);
    assertThat(ModelServingSupport.get(ns.name(), name))
        .as("ModelServing for an invalid LWS")
        .isNull();
    assertThat(Lws.pods(ns.name(), name)).isEmpty();
  }

  @Test
  void subGroupSizeCannotChangeAfterCreationAndTheRunningGroupsStay() {
    Lws.lwss()
        .inNamespace(ns.name())
        .resource(Lws.simple("sub-fixed", 1, 4, "", subGroup(2, null)))
        .create();
    Lws.awaitReady(ns.name(), "sub-fixed", 1, 4);
    var before = ModelServingSupport.get(ns.name(), "sub-fixed");
    Edits.edit(
        Lws.lwss().inNamespace(ns.name()).withName("sub-fixed"),
        l -> {
          l.getSpec().getLeaderWorkerTemplate().getSubGroupPolicy().setSubGroupSize(4);
          return l;
        });
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(Lws.condition(Lws.get(ns.name(), "sub-fixed"), "Progressing"))
                    .hasValueSatisfying(
                        c -> {
                          assertThat(c.getReason()).isEqualTo("InvalidSpec");
                          assertThat(c.getMessage())
                              .contains("spec.leaderWorkerTemplate.subGroupPolicy.subGroupSize");
                        }));
    assertThat(ModelServingSupport.get(ns.name(), "sub-fixed").getMetadata().getResourceVersion())
        .as("the ModelServing is not changed")
        .isEqualTo(before.getMetadata().getResourceVersion());
    assertThat(Lws.pods(ns.name(), "sub-fixed")).hasSize(4);
  }

  @Test
  void aValidLwsBesideInvalidOnesIsServed() {
    Lws.lwss().inNamespace(ns.name()).resource(Lws.simple("fine", 2, 2, "", "")).create();
    Lws.awaitReady(ns.name(), "fine", 2, 2);
  }
}
