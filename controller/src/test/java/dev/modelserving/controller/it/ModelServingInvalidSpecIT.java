package dev.modelserving.controller.it;

import static dev.modelserving.controller.it.ModelServingSupport.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.modelserving.api.v1alpha1.ModelServing;
import io.fabric8.kubernetes.api.model.Event;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Specs that Kthena's webhook refuses but the CRD schema lets through get a condition and a Warning
 * Event that name the field, and no pods; a valid ModelServing beside them still works.
 */
class ModelServingInvalidSpecIT {
  @RegisterExtension static final TestNamespace ns = new TestNamespace("invalid");
  private static ControllerProcess controller;

  @BeforeAll
  static void startController() {
    controller = ControllerProcess.start("ModelServingInvalidSpecIT");
  }

  @AfterAll
  static void stopController() {
    if (controller != null) {
      controller.close();
    }
  }

  static Stream<Arguments> invalidSpecs() {
    String pause = ModelServingYaml.PAUSE;
    return Stream.of(
        Arguments.of(
            "no-worker-tpl",
            "",
            "    - name: r\n      replicas: 1\n      workerReplicas: 2\n      entryTemplate:\n        spec: "
                + pause
                + "\n",
            "InvalidSpec",
            "spec.template.roles[0].workerTemplate"),
        Arguments.of(
            "bad-image",
            "",
            ModelServingYaml.role(
                "r", 1, 0, "{\"containers\": [{\"name\": \"c\", \"image\": \"vllm: latest\"}]}"),
            "InvalidSpec",
            "spec.template.roles[0].entryTemplate.spec.containers[0].image"),
        Arguments.of(
            "role-rolling-cfg",
            "  rolloutStrategy:\n    type: RoleRollingUpdate\n    rollingUpdateConfiguration:\n      maxUnavailable: 1",
            ModelServingYaml.role("r", 1, 0),
            "InvalidSpec",
            "spec.rolloutStrategy.rollingUpdateConfiguration"),
        Arguments.of(
            "zero-unavailable",
            "  rolloutStrategy:\n    type: ServingGroupRollingUpdate\n    rollingUpdateConfiguration:\n      maxUnavailable: \"0%\"",
            ModelServingYaml.role("r", 1, 0),
            "InvalidSpec",
            "spec.rolloutStrategy.rollingUpdateConfiguration.maxUnavailable"),
        Arguments.of(
            "recreate-vs-role",
            "  recoveryPolicy: ServingGroupRecreate\n  rolloutStrategy:\n    type: RoleRollingUpdate",
            ModelServingYaml.role("r", 1, 0),
            "InvalidSpec",
            "spec.rolloutStrategy.type"),
        Arguments.of(
            "gang-unknown-role",
            "",
            ModelServingYaml.role("r", 1, 0),
            "InvalidSpec",
            "spec.template.gangPolicy.minRoleReplicas"),
        Arguments.of(
            "a-name-long-enough-to-make-pod-names-exceed-the-limit",
            "",
            ModelServingYaml.role("prefill", 1, 0),
            "InvalidSpec",
            "metadata.name"),
        Arguments.of(
            "unknown-plugin",
            "  plugins:\n  - name: no-such-plugin\n    type: BuiltIn",
            ModelServingYaml.role("r", 1, 0),
            "PluginError",
            "spec.plugins[0].name"));
  }

  @ParameterizedTest(name = "{0}: {4}")
  @MethodSource("invalidSpecs")
  void invalidSpecGetsAConditionAndAWarningEventNamingTheFieldAndNoPods(
      String name, String specExtra, String role, String reason, String field)
      throws InterruptedException {
    ModelServing ms = ModelServingYaml.of(name, 2, specExtra, role);
    if (name.startsWith("gang")) {
      ms = ModelServingYaml.of(name, 2, specExtra, role);
      var gang = new dev.modelserving.api.v1alpha1.GangPolicy();
      gang.setMinRoleReplicas(java.util.Map.of("nosuchrole", 1));
      ms.getSpec().getTemplate().setGangPolicy(gang);
    }
    modelServings().inNamespace(ns.name()).resource(ms).create();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              ModelServing live = get(ns.name(), name);
              assertThat(condition(live, "Progressing"))
                  .hasValueSatisfying(
                      c -> {
                        assertThat(c.getStatus()).isEqualTo("False");
                        assertThat(c.getReason()).isEqualTo(reason);
                        assertThat(c.getMessage()).contains(field);
                      });
              List<Event> events =
                  client()
                      .v1()
                      .events()
                      .inNamespace(ns.name())
                      .withField("involvedObject.name", name)
                      .list()
                      .getItems();
              assertThat(events)
                  .anySatisfy(
                      e -> {
                        assertThat(e.getType()).isEqualTo("Warning");
                        assertThat(e.getReason()).isEqualTo(reason);
                        assertThat(e.getMessage()).contains(field);
                      });
            });
    Thread.sleep(2_000);
    assertThat(pods(ns.name(), name)).as("pods of an invalid ModelServing").isEmpty();
  }

  @Test
  void aValidModelServingBesideInvalidOnesBecomesAvailable() {
    ModelServing bad =
        ModelServingYaml.of(
            "bad-neighbour",
            1,
            "  plugins:\n  - name: nope\n    type: BuiltIn",
            ModelServingYaml.role("r", 1, 0));
    modelServings().inNamespace(ns.name()).resource(bad).create();
    ModelServing good = ModelServingYaml.of("good", 2, "", ModelServingYaml.role("r", 1, 1));
    modelServings().inNamespace(ns.name()).resource(good).create();
    awaitAvailable(ns.name(), "good", 2, expectedPodNames(good));
  }

  /**
   * A spec made invalid through /scale (which the admission policies do not see) keeps the last
   * accepted spec running, as upstream's refused edit would: the status says why, and a deleted pod
   * is replaced.
   */
  @Test
  void aSpecMadeInvalidKeepsTheLastAcceptedOneRunningAndRepaired() {
    ModelServing ms =
        ModelServingYaml.of(
            "heal",
            4,
            "  rolloutStrategy:\n    type: ServingGroupRollingUpdate\n    rollingUpdateConfiguration:\n      maxUnavailable: \"25%\"",
            ModelServingYaml.role("r", 1, 0));
    ModelServingSupport.modelServings().inNamespace(ns.name()).resource(ms).create();
    ModelServingSupport.awaitAvailable(
        ns.name(), "heal", 4, ModelServingSupport.expectedPodNames(ms));
    // 25% of 3 groups rounds down to 0 unavailable: invalid.
    ModelServingSupport.modelServings().inNamespace(ns.name()).withName("heal").scale(3);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(ModelServingSupport.get(ns.name(), "heal").getStatus().getConditions())
                    .anySatisfy(c -> assertThat(c.getReason()).isEqualTo("InvalidSpec")));
    String uid = ModelServingSupport.podUids(ns.name(), "heal").get("heal-0-r-0-0");
    LocalCluster.client().pods().inNamespace(ns.name()).withName("heal-0-r-0-0").delete();
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              var uids = ModelServingSupport.podUids(ns.name(), "heal");
              assertThat(uids.keySet())
                  .as("the 4 groups of the last accepted spec")
                  .isEqualTo(ModelServingSupport.expectedPodNames(ms));
              assertThat(uids.get("heal-0-r-0-0")).isNotEqualTo(uid);
            });
  }
}
