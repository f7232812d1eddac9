package dev.modelserving.controller.lws;

import static dev.modelserving.controller.lws.LwsFixture.assertMatches;
import static dev.modelserving.controller.lws.LwsFixture.expect;
import static dev.modelserving.controller.lws.LwsFixture.subGroups;
import static dev.modelserving.controller.lws.LwsFixture.template;
import static dev.modelserving.controller.lws.LwsFixture.validLws;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.lws.v1.NetworkConfig;
import dev.modelserving.api.lws.v1.SubGroupPolicyType;
import dev.modelserving.controller.lws.LwsFixture.Expected;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Upstream's update-only rules, and that validateUpdate also runs every create rule. */
class LwsValidatorUpdateTest {
  static final String POLICY = "spec.leaderWorkerTemplate.subGroupPolicy";
  static final Consumer<LeaderWorkerSet> UNCHANGED = lws -> {};

  static Arguments update(
      String name,
      Consumer<LeaderWorkerSet> previous,
      Consumer<LeaderWorkerSet> current,
      Expected... expected) {
    return Arguments.of(name, previous, current, List.of(expected));
  }

  static Consumer<LeaderWorkerSet> subGroupSize(int size) {
    return lws -> subGroups(lws, size, null);
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        update("nothing changed", UNCHANGED, UNCHANGED),
        update(
            "size and replicas changed",
            UNCHANGED,
            lws -> {
              lws.getSpec().setReplicas(5);
              template(lws).setSize(8);
            }),
        update("subGroupSize kept", subGroupSize(2), subGroupSize(2)),
        update(
            "subGroupPolicyType changed, subGroupSize kept",
            subGroupSize(2),
            lws -> {
              template(lws).setSize(5);
              subGroups(lws, 2, SubGroupPolicyType.LEADER_EXCLUDED);
            }),
        update(
            "subdomainPolicy cleared (re-defaulted to Shared)",
            UNCHANGED,
            lws -> lws.getSpec().setNetworkConfig(new NetworkConfig())),
        update(
            "subGroupSize changed",
            subGroupSize(2),
            subGroupSize(4),
            expect(POLICY + ".subGroupSize", "field is immutable: subGroupSize was 2, got 4")),
        update(
            "subGroupPolicy added",
            UNCHANGED,
            subGroupSize(2),
            expect(POLICY, "cannot enable subGroupSize after the lws is already created")),
        update(
            "subGroupPolicy removed",
            subGroupSize(2),
            UNCHANGED,
            expect(
                POLICY,
                "cannot remove subGroupSize after enabled; keep subGroupPolicy (subGroupSize 2)")),
        update(
            "create rules apply to the new object",
            UNCHANGED,
            lws -> lws.getSpec().setReplicas(-1),
            expect("spec.replicas", "replicas must be equal or greater than 0")),
        update(
            "create rules first, then update rules",
            subGroupSize(2),
            lws -> {
              subGroups(lws, 8, null);
              lws.getSpec().setReplicas(-1);
            },
            expect("spec.replicas", "replicas must be equal or greater than 0"),
            expect(POLICY + ".subGroupSize", "size or size - 1 must be divisible"),
            expect(POLICY + ".subGroupSize", "cannot be larger than size"),
            expect(POLICY + ".subGroupSize", "field is immutable")),
        update(
            "previous without leaderWorkerTemplate: policy counts as absent",
            lws -> lws.getSpec().setLeaderWorkerTemplate(null),
            subGroupSize(2),
            expect(POLICY, "cannot enable subGroupSize")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void validateUpdate(
      String name,
      Consumer<LeaderWorkerSet> changePrevious,
      Consumer<LeaderWorkerSet> changeCurrent,
      List<Expected> expected) {
    LeaderWorkerSet previous = validLws();
    changePrevious.accept(previous);
    LeaderWorkerSet current = validLws();
    changeCurrent.accept(current);

    assertMatches(LwsValidator.validateUpdate(previous, current), expected);
  }
}
