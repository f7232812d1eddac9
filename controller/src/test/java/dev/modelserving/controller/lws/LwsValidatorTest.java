package dev.modelserving.controller.lws;

import static dev.modelserving.controller.lws.LwsFixture.SERIALIZATION;
import static dev.modelserving.controller.lws.LwsFixture.annotate;
import static dev.modelserving.controller.lws.LwsFixture.assertMatches;
import static dev.modelserving.controller.lws.LwsFixture.expect;
import static dev.modelserving.controller.lws.LwsFixture.invalid;
import static dev.modelserving.controller.lws.LwsFixture.name;
import static dev.modelserving.controller.lws.LwsFixture.rollingUpdate;
import static dev.modelserving.controller.lws.LwsFixture.subGroups;
import static dev.modelserving.controller.lws.LwsFixture.template;
import static dev.modelserving.controller.lws.LwsFixture.valid;
import static dev.modelserving.controller.lws.LwsFixture.validLws;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.lws.v1.LwsKeys;
import dev.modelserving.api.lws.v1.SubGroupPolicyType;
import dev.modelserving.controller.lws.LwsFixture.Expected;
import dev.modelserving.controller.validation.Violation;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Upstream's generalValidate rules 1 to 9 (LWS.md §1.9) on the "vllm" fixture (2 x 4 pods). */
class LwsValidatorTest {
  static final String NAME = "metadata.name";
  static final String REPLICAS = "spec.replicas";
  static final String SIZE = "spec.leaderWorkerTemplate.size";
  static final String RUC = "spec.rolloutStrategy.rollingUpdateConfiguration";
  static final String MAX_UNAVAILABLE = RUC + ".maxUnavailable";
  static final String MAX_SURGE = RUC + ".maxSurge";
  static final String SUB_GROUP_SIZE = "spec.leaderWorkerTemplate.subGroupPolicy.subGroupSize";
  static final String SUBGROUP_ANNOTATION =
      "metadata.annotations[leaderworkerset.sigs.k8s.io/subgroup-exclusive-topology]";

  static final SubGroupPolicyType LEADER_EXCLUDED = SubGroupPolicyType.LEADER_EXCLUDED;
  static final String NOT_A_PERCENT =
      "a valid percent string must be a numeric string followed by an ending '%'";

  static Stream<Arguments> cases() {
    return Stream.of(
        valid("the fixture", lws -> {}),
        valid(
            "only the required fields: everything else defaulted",
            lws -> {
              lws.getSpec().setReplicas(null);
              template(lws).setSize(null);
            }),

        // Rule 1: the name becomes the Service name, a DNS-1035 label.
        valid("name of 63 characters", lws -> lws.getMetadata().setName(name(63))),
        valid("name with digits and '-'", lws -> lws.getMetadata().setName("vllm-70b-v2")),
        invalid(
            "name starting with a digit",
            lws -> lws.getMetadata().setName("2cube"),
            expect(NAME, "a DNS-1035 label must consist of lower case alphanumeric characters")),
        invalid(
            "name with upper case",
            lws -> lws.getMetadata().setName("Vllm"),
            expect(NAME, "got \"Vllm\": the name becomes the name of the headless Service")),
        invalid(
            "name with a dot (a DNS-1123 subdomain, not a label)",
            lws -> lws.getMetadata().setName("vllm.v1"),
            expect(NAME, "start with an alphabetic character")),
        invalid(
            "name ending with '-'",
            lws -> lws.getMetadata().setName("vllm-"),
            expect(NAME, "end with an alphanumeric character")),
        invalid(
            "name of 64 characters",
            lws -> lws.getMetadata().setName(name(64)),
            expect(NAME, "must be no more than 63 characters, got 64")),
        invalid(
            "name too long and invalid: both reported",
            lws -> lws.getMetadata().setName("V" + name(63)),
            expect(NAME, "must be no more than 63 characters"),
            expect(NAME, "a DNS-1035 label")),
        invalid(
            "name missing",
            lws -> lws.getMetadata().setName(null),
            expect(NAME, "name is required")),

        // Rule 2: replicas from 0 to 1000000.
        valid("replicas 0", lws -> lws.getSpec().setReplicas(0)),
        valid("replicas 1000000", lws -> lws.getSpec().setReplicas(1_000_000)),
        invalid(
            "replicas -1",
            lws -> lws.getSpec().setReplicas(-1),
            expect(REPLICAS, "replicas must be equal or greater than 0, got -1")),
        invalid(
            "replicas 1000001",
            lws -> lws.getSpec().setReplicas(1_000_001),
            expect(REPLICAS, "replicas must be equal or less than 1000000, got 1000001")),

        // Rule 3: size >= 1.
        valid("size 1 (leaders only)", lws -> template(lws).setSize(1)),
        invalid(
            "size 0",
            lws -> template(lws).setSize(0),
            expect(SIZE, "size must be equal or greater than 1, got 0")),
        invalid(
            "size -2",
            lws -> template(lws).setSize(-2),
            expect(SIZE, "size must be equal or greater than 1, got -2")),

        // Rule 4: at most 2147483647 pods.
        valid(
            "1000000 groups of 2147 pods (2147000000)",
            lws -> {
              lws.getSpec().setReplicas(1_000_000);
              template(lws).setSize(2147);
            }),
        invalid(
            "1000000 groups of 2148 pods (2148000000)",
            lws -> {
              lws.getSpec().setReplicas(1_000_000);
              template(lws).setSize(2148);
            },
            expect(
                REPLICAS,
                "the product of replicas and worker replicas must not exceed 2147483647, got"
                    + " replicas 1000000 x size 2148 = 2148000000 pods")),

        // Rule 5: maxUnavailable and maxSurge are counts >= 0 or percentages up to 100%.
        valid("maxUnavailable and maxSurge 100%", lws -> rollingUpdate(lws, "100%", "100%", 0)),
        valid("maxUnavailable 0% with maxSurge 1", lws -> rollingUpdate(lws, "0%", 1, 0)),
        invalid(
            "maxUnavailable -1",
            lws -> rollingUpdate(lws, -1, 1, 0),
            expect(MAX_UNAVAILABLE, "must be greater than or equal to 0, got -1; use an integer")),
        invalid(
            "maxSurge -1",
            lws -> rollingUpdate(lws, 1, -1, 0),
            expect(MAX_SURGE, "must be greater than or equal to 0, got -1")),
        invalid(
            "maxUnavailable 101%",
            lws -> rollingUpdate(lws, "101%", 0, 0),
            expect(MAX_UNAVAILABLE, "must not be greater than 100%, got 101%")),
        invalid(
            "maxSurge 150%",
            lws -> rollingUpdate(lws, 1, "150%", 0),
            expect(MAX_SURGE, "must not be greater than 100%, got 150%")),
        invalid(
            "maxUnavailable \"5\" (a string without %)",
            lws -> rollingUpdate(lws, "5", 0, 0),
            expect(MAX_UNAVAILABLE, NOT_A_PERCENT + " (e.g. '1%' or '93%'), got \"5\"")),
        invalid(
            "maxSurge \"-5%\"",
            lws -> rollingUpdate(lws, 1, "-5%", 0), expect(MAX_SURGE, NOT_A_PERCENT)),
        invalid(
            "maxSurge \"5.5%\"",
            lws -> rollingUpdate(lws, 1, "5.5%", 0),
            expect(MAX_SURGE, "got \"5.5%\"; use an integer >= 0 or a percentage from 0% to 100%")),

        // Rule 6: partition >= 0 (larger than replicas is fine).
        valid("partition above replicas", lws -> rollingUpdate(lws, 1, 0, 5)),
        invalid(
            "partition -1",
            lws -> rollingUpdate(lws, 1, 0, -1),
            expect(RUC + ".partition", "must be greater than or equal to 0, got -1")),

        // Rule 7: maxUnavailable (rounded down) and maxSurge (rounded up) not both 0.
        valid("maxUnavailable 0 with maxSurge 1", lws -> rollingUpdate(lws, 0, 1, 0)),
        valid(
            "maxUnavailable 0 with maxSurge 1% (rounds up to 1)",
            lws -> rollingUpdate(lws, 0, "1%", 0)),
        valid("maxUnavailable 50% of 2 (rounds down to 1)", lws -> rollingUpdate(lws, "50%", 0, 0)),
        valid(
            "both 0 with replicas 0",
            lws -> {
              lws.getSpec().setReplicas(0);
              rollingUpdate(lws, 0, 0, 0);
            }),
        invalid(
            "both 0",
            lws -> rollingUpdate(lws, 0, 0, 0),
            expect(
                MAX_UNAVAILABLE,
                "must not be 0 when `maxSurge` is 0: maxUnavailable is 0 and maxSurge is 0")),
        invalid(
            "maxUnavailable 0 with maxSurge defaulted to 0",
            lws -> rollingUpdate(lws, 0, null, null),
            expect(MAX_UNAVAILABLE, "must not be 0 when `maxSurge` is 0")),
        invalid(
            "maxUnavailable 25% of 2 rounds down to 0",
            lws -> rollingUpdate(lws, "25%", 0, 0),
            expect(MAX_UNAVAILABLE, "maxUnavailable 25% of 2 replicas rounds down to 0")),
        invalid(
            "both 0%",
            lws -> rollingUpdate(lws, "0%", "0%", 0),
            expect(MAX_UNAVAILABLE, "and maxSurge 0% of 2 replicas rounds up to 0")),

        // Rule 8: subGroupSize >= 1, <= size, dividing size or size - 1 (size - 1: LeaderExcluded).
        valid("subGroupSize 2 of size 4", lws -> subGroups(lws, 2, null)),
        valid("subGroupSize 1", lws -> subGroups(lws, 1, null)),
        valid("subGroupSize equal to size", lws -> subGroups(lws, 4, null)),
        valid("subGroupSize 3 of size 4 (divides size - 1)", lws -> subGroups(lws, 3, null)),
        valid(
            "LeaderExcluded, subGroupSize 3 of size 4", lws -> subGroups(lws, 3, LEADER_EXCLUDED)),
        invalid(
            "subGroupSize missing",
            lws -> subGroups(lws, null, null),
            expect(SUB_GROUP_SIZE, "subGroupSize is required when subGroupPolicy is set")),
        invalid(
            "subGroupSize 0",
            lws -> subGroups(lws, 0, null),
            expect(SUB_GROUP_SIZE, "subGroupSize must be equal or greater than 1, got 0")),
        invalid(
            "subGroupSize 4 of size 6 (divides neither 6 nor 5)",
            lws -> {
              template(lws).setSize(6);
              subGroups(lws, 4, null);
            },
            expect(
                SUB_GROUP_SIZE,
                "size or size - 1 must be divisible by subGroupSize: neither size 6 nor size - 1 ="
                    + " 5 is a multiple of subGroupSize 4")),
        invalid(
            "subGroupSize 8 of size 4",
            lws -> subGroups(lws, 8, null),
            expect(SUB_GROUP_SIZE, "size or size - 1 must be divisible by subGroupSize"),
            expect(
                SUB_GROUP_SIZE, "subGroupSize cannot be larger than size: subGroupSize 8, size 4")),
        invalid(
            "LeaderExcluded, subGroupSize 2 of size 4 (3 workers)",
            lws -> subGroups(lws, 2, LEADER_EXCLUDED),
            expect(
                SUB_GROUP_SIZE,
                "size-1 must be divisible by subGroupSize when using LeaderExcluded: the 3"
                    + " workers")),
        invalid(
            "subGroupPolicy with size 0: only the size is reported",
            lws -> {
              template(lws).setSize(0);
              subGroups(lws, 2, null);
            },
            expect(SIZE, "size must be equal or greater than 1")),

        // Rule 9: the subgroup-exclusive-topology annotation needs subGroupPolicy.
        valid(
            "subgroup-exclusive-topology with subGroupPolicy",
            lws -> {
              annotate(lws, LwsKeys.Annotations.SUBGROUP_EXCLUSIVE_TOPOLOGY);
              subGroups(lws, 2, null);
            }),
        valid(
            "exclusive-topology without subGroupPolicy",
            lws -> annotate(lws, LwsKeys.Annotations.EXCLUSIVE_TOPOLOGY)),
        invalid(
            "subgroup-exclusive-topology without subGroupPolicy",
            lws -> annotate(lws, LwsKeys.Annotations.SUBGROUP_EXCLUSIVE_TOPOLOGY),
            expect(
                SUBGROUP_ANNOTATION,
                "cannot have subgroup-exclusive-topology without subGroupSize set")),

        // Missing parts are violations, never exceptions.
        invalid(
            "leaderWorkerTemplate missing",
            lws -> lws.getSpec().setLeaderWorkerTemplate(null),
            expect("spec.leaderWorkerTemplate", "leaderWorkerTemplate is required")),
        invalid(
            "spec missing",
            lws -> lws.setSpec(null),
            expect("spec.leaderWorkerTemplate", "leaderWorkerTemplate is required")),
        invalid(
            "metadata missing", lws -> lws.setMetadata(null), expect(NAME, "name is required")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void validate(String name, Consumer<LeaderWorkerSet> change, List<Expected> expected) {
    LeaderWorkerSet lws = validLws();
    change.accept(lws);

    assertMatches(LwsValidator.validate(lws), expected);
  }

  @Test
  void collectsEveryViolationInUpstreamOrder() {
    LeaderWorkerSet lws = validLws();
    lws.getMetadata().setName("2cube");
    lws.getSpec().setReplicas(-1);
    template(lws).setSize(0);
    rollingUpdate(lws, "150%", -1, -1);
    annotate(lws, LwsKeys.Annotations.SUBGROUP_EXCLUSIVE_TOPOLOGY);

    assertThat(LwsValidator.validate(lws))
        .extracting(Violation::field)
        .containsExactly(
            NAME,
            REPLICAS,
            SIZE,
            MAX_UNAVAILABLE,
            MAX_SURGE,
            RUC + ".partition",
            SUBGROUP_ANNOTATION);
  }

  @Test
  void doesNotChangeTheLeaderWorkerSet() {
    LeaderWorkerSet lws = validLws();
    String before = SERIALIZATION.asJson(lws);

    LwsValidator.validate(lws);

    assertThat(SERIALIZATION.asJson(lws)).isEqualTo(before);
  }

  @Test
  void printsAsKubernetesDoes() {
    LeaderWorkerSet lws = validLws();
    template(lws).setSize(0);

    assertThat(LwsValidator.validate(lws))
        .singleElement()
        .hasToString(
            "spec.leaderWorkerTemplate.size: size must be equal or greater than 1, got 0 (size"
                + " counts the pods of a group, the leader included)");
  }
}
