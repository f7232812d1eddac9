package dev.modelserving.controller.lws;

import static dev.modelserving.controller.lws.LwsFixture.assertMatches;
import static dev.modelserving.controller.lws.LwsFixture.expect;
import static dev.modelserving.controller.lws.LwsFixture.invalid;
import static dev.modelserving.controller.lws.LwsFixture.name;
import static dev.modelserving.controller.lws.LwsFixture.rollingUpdate;
import static dev.modelserving.controller.lws.LwsFixture.template;
import static dev.modelserving.controller.lws.LwsFixture.valid;
import static dev.modelserving.controller.lws.LwsFixture.validLws;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.controller.lws.LwsFixture.Expected;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Our own "cannot honour" checks: templates without containers, pod names over 63 characters. */
class LwsUnsupportedTest {
  static final String WORKER = "spec.leaderWorkerTemplate.workerTemplate";
  static final String LEADER = "spec.leaderWorkerTemplate.leaderTemplate";
  static final String NAME = "metadata.name";

  static PodTemplateSpec leaderTemplate() {
    return new PodTemplateSpecBuilder()
        .withNewSpec()
        .addNewContainer()
        .withName("leader")
        .withImage("vllm/vllm-openai:v0.6.0")
        .endContainer()
        .endSpec()
        .build();
  }

  /** Name length and replicas; the fixture has size 4, so the worker index adds "-3". */
  static Consumer<LeaderWorkerSet> named(int length, int replicas) {
    return lws -> {
      lws.getMetadata().setName(name(length));
      lws.getSpec().setReplicas(replicas);
    };
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        valid("the fixture", lws -> {}),

        // Templates: the API server rejects pods without containers.
        valid(
            "own leaderTemplate with containers",
            lws -> template(lws).setLeaderTemplate(leaderTemplate())),
        invalid(
            "workerTemplate missing",
            lws -> template(lws).setWorkerTemplate(null),
            expect(WORKER, "workerTemplate is required: the leader and worker pods are created")),
        invalid(
            "workerTemplate missing, leaderTemplate present",
            lws -> {
              template(lws).setWorkerTemplate(null);
              template(lws).setLeaderTemplate(leaderTemplate());
            },
            expect(WORKER, "workerTemplate is required: the worker pods are created from it")),
        invalid(
            "workerTemplate without spec",
            lws -> template(lws).getWorkerTemplate().setSpec(null),
            expect(WORKER + ".spec.containers", "must list at least one container")),
        invalid(
            "workerTemplate with an empty container list",
            lws -> template(lws).getWorkerTemplate().getSpec().setContainers(new ArrayList<>()),
            expect(
                WORKER + ".spec.containers",
                "the leader and worker pods are created from this template and the API server"
                    + " rejects pods without containers")),
        invalid(
            "leaderTemplate without containers",
            lws -> template(lws).setLeaderTemplate(new PodTemplateSpec(null, new PodSpec())),
            expect(LEADER + ".spec.containers", "the leader pods are created from this template")),

        // Pod names: <name>-<last group>-<size - 1> must fit a 63-character hostname.
        valid("longest pod name of 63 characters (vvv...-9-3)", named(59, 10)),
        invalid(
            "longest pod name of 64 characters",
            named(60, 10),
            expect(
                NAME,
                "the longest pod name \""
                    + name(60)
                    + "-9-3\" would have 64 characters, 1 more"
                    + " than the 63 allowed in a pod hostname")),
        invalid(
            "maxSurge 1 adds a group, and a digit (vvv...-10-3)",
            named(59, 10).andThen(lws -> rollingUpdate(lws, 1, 1, 0)),
            expect(NAME, "-10-3\" would have 64 characters")),
        invalid(
            "maxSurge 50% of 10 adds 5 groups",
            named(59, 10).andThen(lws -> rollingUpdate(lws, 1, "50%", 0)),
            expect(NAME, "the last group is 14 (replicas 10, maxSurge 5)")),
        valid(
            "maxSurge above replicas counts as replicas (5 + 5 groups: vvv...-9-3)",
            named(59, 5).andThen(lws -> rollingUpdate(lws, 1, 20, 0))),
        valid("replicas 0 checks group 0 (vvv...-0-3)", named(59, 0)),
        invalid(
            "replicas 0 checks group 0, too long",
            named(60, 0),
            expect(NAME, "-0-3\" would have 64 characters")),
        valid(
            "size 1: leader pods only (vvv...-9)",
            named(61, 10).andThen(lws -> template(lws).setSize(1))),
        invalid(
            "size 1: leader pod name too long",
            named(62, 10).andThen(lws -> template(lws).setSize(1)),
            expect(NAME, "(pods are named <metadata.name>-<group>; the last group is 9")),
        invalid(
            "size 4: says which worker",
            named(61, 10),
            expect(
                NAME,
                "(pods are named <metadata.name>-<group>-<worker>; the last group is 9 (replicas"
                    + " 10, maxSurge 0), the last worker 3 (size - 1)); shorten metadata.name by"
                    + " 2 characters")),

        // Left to the validator: nothing to add here.
        valid("name missing", lws -> lws.getMetadata().setName(null)),
        valid("negative replicas", lws -> lws.getSpec().setReplicas(-1)),
        valid("leaderWorkerTemplate missing", lws -> lws.getSpec().setLeaderWorkerTemplate(null)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void unsupported(String name, Consumer<LeaderWorkerSet> change, List<Expected> expected) {
    LeaderWorkerSet lws = validLws();
    change.accept(lws);

    assertMatches(LwsValidator.unsupported(lws), expected);
  }

  @Test
  void countsCharactersInTheSingular() {
    LeaderWorkerSet lws = validLws();
    named(60, 10).accept(lws);

    assertThat(LwsValidator.unsupported(lws))
        .singleElement()
        .satisfies(v -> assertThat(v.message()).endsWith("by 1 character"));
  }
}
