package dev.modelserving.controller.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.controller.plan.LwsRollout.GroupState;
import dev.modelserving.controller.plan.LwsRollout.Input;
import dev.modelserving.controller.plan.LwsRollout.Result;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table tests for {@link LwsRollout}. Rollouts are simulated: every scenario starts at rest (or
 * from nothing), and each step applies some events, runs one reconcile and checks the (partition,
 * replicas) it returns. Applying a result behaves like the StatefulSet controller: the group list
 * is resized, groups at or above the partition that run the old revision (or are missing) are
 * replaced and come back updated but not ready, new groups below the partition come back old. The
 * scenarios then mark groups ready in the order the upstream integration test does; {@code
 * ready(i)} has upstream's SetPodGroupToReady meaning: group i runs the new revision and is ready.
 */
class LwsRolloutTest {

  // ---- simulated rollouts: LWS.md §3.10's worked examples and upstream's integration tests ----

  static Stream<Scenario> rollouts() {
    return Stream.of(
        // Default strategy: maxUnavailable 1, maxSurge 0.
        scenario("leaderTemplate changed with default strategy", 4)
            .expect(0, 4)
            .updateTemplate()
            .expect(4, 4)
            .expect(3, 4) // "Updating replica 3"
            .ready(3)
            .expect(2, 4)
            .ready(1) // out of order: does not move the partition
            .expect(2, 4)
            .unready(3) // does not move the partition back up
            .expect(2, 4)
            .ready(0, 1, 2, 3)
            .expect(0, 4)
            .expect(0, 4),
        scenario("workerTemplate changed with maxUnavailable=2", 4)
            .maxUnavailable(2)
            .expect(0, 4)
            .updateTemplate()
            .expect(4, 4)
            .expect(2, 4)
            .ready(3)
            .expect(1, 4)
            .ready(2)
            .expect(0, 4)
            .ready(1, 0)
            .expect(0, 4),
        scenario("workerTemplate changed with maxUnavailable greater than replicas", 4)
            .maxUnavailable(10)
            .expect(0, 4)
            .updateTemplate()
            .expect(4, 4)
            .expect(0, 4)
            .allReady()
            .expect(0, 4),
        scenario("rolling update with maxUnavailable zero and maxSurge set", 4)
            .maxUnavailable(0)
            .maxSurge(1)
            .expect(0, 4)
            .updateTemplate()
            .expect(4, 5)
            .expect(4, 5) // surge group 4 not ready yet: nothing may go down
            .ready(4)
            .expect(3, 5)
            .ready(3)
            .expect(2, 5)
            .ready(2)
            .expect(1, 5)
            .ready(1)
            .expect(0, 5) // 1 desired group unready, U=0: keep the surge
            .ready(0)
            .expect(0, 4) // surge reclaimed
            .expect(0, 4),
        scenario("rolling update with maxSurge set", 4)
            .maxSurge(1)
            .expect(0, 4)
            .updateTemplate()
            .expect(4, 5)
            .expect(3, 5)
            .ready(4)
            .expect(2, 5)
            .ready(3)
            .expect(1, 5)
            .ready(2)
            .expect(0, 5)
            .ready(1)
            .expect(0, 4) // only group 0 left unready, which U=1 absorbs
            .ready(0)
            .expect(0, 4),
        scenario("rolling update with maxUnavailable and maxSurge set", 4)
            .maxUnavailable(2)
            .maxSurge(2)
            .expect(0, 4)
            .updateTemplate()
            .expect(4, 6)
            .expect(2, 6)
            .ready(3, 2)
            .expect(2, 4) // 2 desired groups old <= U: both surge groups go
            .expect(0, 4) // next reconcile sees 4 groups, step U + S - (B - 4) = 2
            .ready(1, 0)
            .expect(0, 4),
        scenario("rolling update with maxSurge greater than replicas", 2)
            .maxSurge(4) // capped at 2
            .expect(0, 2)
            .updateTemplate()
            .expect(2, 3) // want(2) = 2 + (2 - U)
            .expect(1, 3)
            .allReady()
            .expect(0, 2)
            .expect(0, 2),
        scenario("rolling update with maxSurge 150% of 2 replicas is capped at 2", 2)
            .maxSurge("150%")
            .expect(0, 2)
            .updateTemplate()
            .expect(2, 3)
            .expect(1, 3),
        scenario("rolling update with maxSurge equal to replicas (e2e)", 4)
            .maxSurge(4)
            .expect(0, 4)
            .updateTemplate()
            .expect(4, 7) // want(4) = 4 + (4 - U)
            .expect(3, 7)
            .allReady()
            .expect(0, 4),
        scenario("rolling update with the partition setting", 6)
            .partition(4)
            .expect(4, 6)
            .updateTemplate()
            .expect(6, 6)
            .expect(5, 6)
            .ready(5)
            .expect(4, 6)
            .ready(4)
            .expect(4, 6) // held at spec partition 4: groups 0-3 stay old
            .setPartition(2)
            .expect(3, 6)
            .ready(3)
            .expect(2, 6)
            .ready(2)
            .expect(2, 6),
        scenario("rolling update with the partition and maxSurge setting", 3)
            .maxSurge(1)
            .partition(2)
            .expect(2, 3)
            .updateTemplate()
            .expect(3, 4)
            .expect(2, 4)
            .ready(3, 2)
            .expect(2, 4) // surge stays: 2 desired groups old > S
            .setPartition(0)
            .expect(0, 4)
            .ready(1, 0)
            .expect(0, 3)
            .expect(0, 3),
        scenario("rolling update with both worker template and number of replicas changed", 4)
            .expect(0, 4)
            .scaleTo(6)
            .updateTemplate()
            .expect(4, 6) // scale up first: groups 4 and 5 start with the new template
            .expect(4, 6)
            .allReady()
            .expect(0, 6),
        scenario("replicas increases during rolling update", 4)
            .expect(0, 4)
            .updateTemplate()
            .expect(4, 4)
            .expect(3, 4)
            .ready(3)
            .expect(2, 4)
            .scaleTo(6)
            .expect(2, 6) // partition kept, new groups get the new template
            .ready(4, 5)
            .expect(2, 6)
            .allReady()
            .expect(0, 6),
        scenario("replicas increases during rolling update with maxSurge set", 4)
            .maxSurge(1)
            .expect(0, 4)
            .updateTemplate()
            .expect(4, 5)
            .expect(3, 5)
            .scaleTo(8)
            .expect(3, 8) // scale up first, surge comes on the next reconcile
            .expect(3, 9)
            .allReady()
            .expect(0, 8)
            .expect(0, 8),
        scenario("replicas decreases during rolling update", 6)
            .expect(0, 6)
            .updateTemplate()
            .expect(6, 6)
            .expect(5, 6)
            .scaleTo(3)
            .expect(3, 3) // step 5: partition capped at R + S
            .expect(2, 3)
            .allReady()
            .expect(0, 3),
        scenario("rolling update with replicas scaled up and maxSurge set", 2)
            .maxSurge(2)
            .expect(0, 2)
            .scaleTo(4)
            .updateTemplate()
            .expect(2, 4)
            .expect(2, 6)
            .allReady()
            .expect(0, 4)
            .expect(0, 4),
        scenario("rolling update with replicas scaled down and maxSurge set", 6)
            .maxSurge(2)
            .expect(0, 6)
            .scaleTo(3)
            .updateTemplate()
            .expect(3, 5)
            .expect(2, 5) // "partition is updated from 3 to 2"
            .allReady()
            .expect(0, 3)
            .expect(0, 3),
        scenario("scale up and down during rolling update with maxSurge set", 4)
            .maxSurge(2)
            .expect(0, 4)
            .updateTemplate()
            .expect(4, 6)
            .expect(3, 6)
            .scaleTo(6)
            .expect(3, 8)
            .ready(7, 6)
            .expect(3, 8)
            .scaleTo(2)
            .expect(3, 3)
            .expect(1, 3)
            .ready(2)
            .expect(0, 3)
            .ready(1)
            .expect(0, 2)
            .ready(0)
            .expect(0, 2),
        scenario("multiple rolling update with maxSurge set", 4)
            .maxSurge(2)
            .expect(0, 4)
            .updateTemplate()
            .expect(4, 6)
            .expect(3, 6)
            .ready(5, 4)
            .expect(1, 6)
            .updateTemplate()
            .expect(4, 6)
            .expect(3, 6) // "partition will transit from 4 to 3"
            .allReady()
            .expect(0, 4)
            .expect(0, 4),
        scenario("rolling update with unhealthy pods below partition", 4)
            .maxUnavailable(2)
            .expect(0, 4)
            .unready(1)
            .expect(0, 4)
            .updateTemplate()
            .expect(4, 4)
            .expect(3, 4) // not 2: group 1 already uses one of the 2
            .allReady()
            .expect(0, 4),
        scenario("rolling update with no ready replicas", 2)
            .expect(0, 2)
            .unready(0)
            .expect(0, 2)
            .unready(1)
            .expect(0, 2)
            .updateTemplate()
            .expect(2, 2)
            .expect(1, 2) // stuck-rollout fix: the partition still moves
            .ready(1)
            .expect(0, 2)
            .ready(0)
            .expect(0, 2),
        // ---- edge cases ----
        scenario("new LeaderWorkerSet creates all groups at partition 0", 4)
            .fromNothing()
            .expect(0, 4)
            .expect(0, 4)
            .allReady()
            .expect(0, 4),
        scenario("zero replicas at rest and through a template change", 0)
            .expect(0, 0)
            .updateTemplate()
            .expect(0, 0)
            .expect(0, 0),
        scenario("zero replicas with partition 3", 0).partition(3).expect(3, 0),
        scenario("scale to zero during rolling update", 4)
            .expect(0, 4)
            .updateTemplate()
            .expect(4, 4)
            .expect(3, 4)
            .scaleTo(0)
            .expect(0, 0)
            .expect(0, 0),
        scenario("maxUnavailable 25% of 4 rounds down to 1", 4)
            .maxUnavailable("25%")
            .expect(0, 4)
            .updateTemplate()
            .expect(4, 4)
            .expect(3, 4),
        scenario("maxUnavailable 30% of 4 rounds down to 1", 4)
            .maxUnavailable("30%")
            .expect(0, 4)
            .updateTemplate()
            .expect(4, 4)
            .expect(3, 4),
        scenario("maxUnavailable 50% of 4 is 2", 4)
            .maxUnavailable("50%")
            .expect(0, 4)
            .updateTemplate()
            .expect(4, 4)
            .expect(2, 4),
        scenario("maxSurge 50% of 3 rounds up to 2", 3)
            .maxSurge("50%")
            .expect(0, 3)
            .updateTemplate()
            .expect(3, 5)
            .expect(2, 5)
            .ready(4, 3)
            .expect(0, 5)
            .ready(2)
            .expect(0, 4) // 2 desired groups unready <= S: keep 2 - U surge groups
            .ready(1)
            .expect(0, 3)
            .ready(0)
            .expect(0, 3),
        scenario("maxSurge 1% of 3 rounds up to 1", 3)
            .maxUnavailable(0)
            .maxSurge("1%")
            .expect(0, 3)
            .updateTemplate()
            .expect(3, 4),
        scenario("partition larger than replicas holds every group back", 3)
            .partition(5)
            .expect(5, 3)
            .updateTemplate()
            .expect(5, 3)
            .expect(5, 3)
            .setPartition(0)
            .expect(2, 3)
            .ready(2)
            .expect(1, 3)
            .ready(1)
            .expect(0, 3)
            .ready(0)
            .expect(0, 3),
        scenario("rolling update waits while a group below the partition is missing", 4)
            .expect(0, 4)
            .updateTemplate()
            .expect(4, 4)
            .expect(3, 4)
            .delete(1)
            .expect(3, 4)
            .ready(3)
            .expect(3, 4) // group 1 missing uses up maxUnavailable
            .restoreOld(1)
            .expect(2, 4)
            .ready(2)
            .expect(1, 4),
        scenario("everything unready during a rollout with maxSurge", 4)
            .maxSurge(1)
            .expect(0, 4)
            .unready(0, 1, 2, 3)
            .expect(0, 4)
            .updateTemplate()
            .expect(4, 5)
            .expect(3, 5) // base R - U = 3: unready groups below it cannot pull it lower
            .expect(3, 5)
            .ready(4)
            .expect(2, 5) // walks past unready group 3 and old-but-unready group 2
            .allReady()
            .expect(0, 4));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rollouts")
  void rollout(Scenario scenario) {
    Sim sim = scenario.start();
    List<String> expected = new ArrayList<>();
    List<String> actual = new ArrayList<>();
    for (int i = 0; i < scenario.steps.size(); i++) {
      Step step = scenario.steps.get(i);
      step.events().forEach(event -> event.apply().accept(sim));
      Result result = sim.reconcile();
      String label = (i + 1) + ". " + step.what() + " -> ";
      expected.add(label + describe(step.expected()));
      actual.add(label + describe(result));
    }
    assertThat(String.join("\n", actual)).as(scenario.name).isEqualTo(String.join("\n", expected));
  }

  // ---- single reconciles ----

  static Stream<Arguments> singleReconciles() {
    GroupState oldReady = new GroupState(true, true, false);
    GroupState newReady = new GroupState(true, true, true);
    GroupState newUnready = new GroupState(true, false, true);
    GroupState oldUnready = new GroupState(true, false, false);
    GroupState missing = GroupState.MISSING;
    return Stream.of(
        Arguments.of(
            "no leader statefulset yet",
            input(4, 0, 0, 0, 1, 0, false, false, List.of()),
            new Result(0, 4)),
        Arguments.of(
            "no leader statefulset yet, spec partition 2",
            input(4, 0, 0, 2, 1, 0, true, true, List.of()),
            new Result(2, 4)),
        Arguments.of(
            "template changed while scaling up: replicas R, no surge",
            input(4, 2, 0, 0, 1, 2, true, true, List.of(oldReady, oldReady)),
            new Result(2, 4)),
        Arguments.of(
            "template changed while scaling down: partition R",
            input(2, 4, 0, 0, 1, 0, true, true, nCopies(4, oldReady)),
            new Result(2, 2)),
        Arguments.of(
            "template changed during a rollout restarts it from the top",
            input(4, 5, 1, 0, 1, 1, true, false, nCopies(5, newReady)),
            new Result(4, 5)),
        Arguments.of(
            "steady state ignores group states",
            input(4, 4, 0, 0, 1, 0, false, false, nCopies(4, missing)),
            new Result(0, 4)),
        Arguments.of(
            "scaling up keeps the partition",
            input(6, 4, 3, 0, 1, 0, false, true, nCopies(4, oldReady)),
            new Result(3, 6)),
        Arguments.of(
            "scaling up mid-rollout with maxSurge: grow to R first, no surge yet",
            input(6, 4, 3, 0, 1, 2, false, true, nCopies(4, oldReady)),
            new Result(3, 6)),
        Arguments.of(
            "replicas changed mid-rollout: partition capped at R + S",
            input(2, 6, 5, 0, 1, 1, false, true, nCopies(6, oldReady)),
            new Result(3, 3)),
        Arguments.of(
            "replicas changed mid-rollout: partition below R + S is kept",
            input(4, 6, 2, 0, 1, 2, false, true, nCopies(6, oldReady)),
            new Result(2, 6)),
        Arguments.of(
            "replicas changed mid-rollout: spec partition still wins",
            input(2, 6, 5, 4, 1, 1, false, true, nCopies(6, oldReady)),
            new Result(4, 3)),
        Arguments.of(
            "replicas changed mid-rollout: no partition step is taken",
            input(4, 4, 3, 0, 1, 0, false, true, List.of(oldReady, oldReady, oldReady, newReady)),
            new Result(3, 4)),
        Arguments.of(
            "partition never moves back up",
            input(4, 4, 1, 0, 1, 0, false, false, nCopies(4, missing)),
            new Result(1, 4)),
        Arguments.of(
            "missing groups count as unready and not updated, whatever their flags",
            input(
                3,
                3,
                3,
                0,
                1,
                0,
                false,
                false,
                List.of(oldReady, oldReady, new GroupState(false, true, true))),
            new Result(2, 3)),
        Arguments.of(
            "states shorter than currentGroups: the rest are missing",
            input(3, 3, 3, 0, 1, 0, false, false, List.of(oldReady, oldReady)),
            new Result(2, 3)),
        Arguments.of(
            "unready groups below base push the partition up (but not above curP)",
            input(
                5,
                5,
                5,
                0,
                2,
                0,
                false,
                false,
                List.of(newUnready, oldReady, oldReady, oldReady, oldReady)),
            new Result(4, 5)),
        Arguments.of(
            "walk-down passes unready and updated groups, stops at the first old ready one",
            input(
                7,
                7,
                7,
                0,
                4,
                0,
                false,
                false,
                List.of(
                    oldUnready,
                    oldUnready,
                    oldUnready,
                    oldUnready,
                    oldReady,
                    newReady,
                    newUnready)),
            new Result(5, 7)),
        Arguments.of(
            "existing surge groups do not widen the step past maxUnavailable",
            input(
                4,
                6,
                4,
                0,
                1,
                2,
                false,
                false,
                withTail(nCopies(4, oldReady), newUnready, newUnready)),
            new Result(3, 6)),
        Arguments.of(
            "partially created surge: the step still ends at R - tail - U",
            input(4, 5, 4, 0, 1, 2, false, false, withTail(nCopies(4, oldReady), newUnready)),
            new Result(3, 6)),
        Arguments.of(
            "want: unready above S asks for the full surge",
            input(
                4,
                6,
                0,
                0,
                1,
                2,
                false,
                false,
                withTail(nCopies(3, newUnready), newReady, newReady, newReady)),
            new Result(0, 6)),
        Arguments.of(
            "want: unready <= S keeps u - U surge groups",
            input(
                4,
                6,
                0,
                0,
                1,
                2,
                false,
                false,
                withTail(nCopies(2, newUnready), newReady, newReady, newReady, newReady)),
            new Result(0, 5)),
        Arguments.of(
            "want: unready <= U gives every surge group back",
            input(
                4,
                6,
                0,
                0,
                3,
                2,
                false,
                false,
                withTail(nCopies(2, newUnready), newReady, newReady, newReady, newReady)),
            new Result(0, 4)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("singleReconciles")
  void singleReconcile(String name, Input in, Result expected) {
    assertThat(LwsRollout.plan(in)).isEqualTo(expected);
  }

  // ---- the leader StatefulSet's own maxUnavailable (§3.3) ----

  static Stream<Arguments> statefulSetMaxUnavailableCases() {
    return Stream.of(
        Arguments.of("defaults: 1 + 0", 4, ios(1), ios(0), 1),
        Arguments.of("mU 1 + maxSurge 50% of 2 = 2", 2, ios(1), ios("50%"), 2),
        Arguments.of("maxSurge 50% of 3 rounds up: 1 + 2", 3, ios(1), ios("50%"), 3),
        Arguments.of("maxUnavailable 30% of 4 rounds down: 1 + 0", 4, ios("30%"), ios(0), 1),
        Arguments.of("maxUnavailable 25% of 4 + maxSurge 1", 4, ios("25%"), ios(1), 2),
        Arguments.of("maxSurge 4 capped at 2 replicas", 2, ios(1), ios(4), 3),
        Arguments.of("maxSurge 150% capped at 2 replicas", 2, ios(1), ios("150%"), 3),
        Arguments.of("maxUnavailable not capped", 4, ios(10), ios(0), 10),
        Arguments.of("maxUnavailable 0 + maxSurge 1", 4, ios(0), ios(1), 1),
        Arguments.of("both 0 still allows 1", 5, ios(0), ios(0), 1),
        Arguments.of("0 replicas: surge 0, at least 1", 0, ios(0), ios(3), 1),
        Arguments.of("0 replicas: maxUnavailable 2 still counts", 0, ios(2), ios(3), 2));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("statefulSetMaxUnavailableCases")
  void statefulSetMaxUnavailable(
      String name, int replicas, IntOrString maxUnavailable, IntOrString maxSurge, int expected) {
    assertThat(LwsRollout.statefulSetMaxUnavailable(replicas, maxUnavailable, maxSurge))
        .isEqualTo(expected);
  }

  // ---- bad input ----

  static Stream<Arguments> badInputs() {
    return Stream.of(
        Arguments.of("maxUnavailable absent", null, ios(0), "maxUnavailable"),
        Arguments.of("maxUnavailable not a percentage", ios("half"), ios(0), "maxUnavailable"),
        Arguments.of("maxSurge digits without %", ios(1), ios("5"), "maxSurge"),
        Arguments.of("maxSurge negative", ios(1), ios(-1), "maxSurge"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badInputs")
  void badIntOrStringIsRejected(
      String name, IntOrString maxUnavailable, IntOrString maxSurge, String field) {
    Input in = new Input(2, 2, 1, 0, maxUnavailable, maxSurge, false, false, List.of());
    assertThatThrownBy(() -> LwsRollout.plan(in))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(field);
    assertThatThrownBy(() -> LwsRollout.statefulSetMaxUnavailable(2, maxUnavailable, maxSurge))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(field);
  }

  @Test
  void negativeCountsAreRejected() {
    assertThatThrownBy(() -> new Input(-1, 0, 0, 0, ios(1), ios(0), false, false, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("replicas");
    assertThatThrownBy(() -> new Input(1, 0, -1, 0, ios(1), ios(0), false, false, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("currentPartition");
  }

  // ---- helpers ----

  static IntOrString ios(Object value) {
    return value instanceof Integer i ? new IntOrString(i) : new IntOrString((String) value);
  }

  static Input input(
      int replicas,
      int currentGroups,
      int currentPartition,
      int specPartition,
      int maxUnavailable,
      int maxSurge,
      boolean templateChanged,
      boolean replicasChanged,
      List<GroupState> states) {
    return new Input(
        replicas,
        currentGroups,
        currentPartition,
        specPartition,
        ios(maxUnavailable),
        ios(maxSurge),
        templateChanged,
        replicasChanged,
        states);
  }

  static List<GroupState> nCopies(int n, GroupState state) {
    return Collections.nCopies(n, state);
  }

  static List<GroupState> withTail(List<GroupState> head, GroupState... tail) {
    List<GroupState> all = new ArrayList<>(head);
    all.addAll(Arrays.asList(tail));
    return all;
  }

  static String describe(Result result) {
    return "partition " + result.partition() + ", replicas " + result.replicas();
  }

  static Scenario scenario(String name, int replicas) {
    return new Scenario(name, replicas);
  }

  /** Something that happens to the LWS or its groups between two reconciles. */
  record Event(String what, Consumer<Sim> apply) {}

  /** Events, then one reconcile that must return {@code expected}. */
  record Step(String what, List<Event> events, Result expected) {}

  /** A named rollout: the LWS spec it starts with and its steps. */
  static final class Scenario {
    final String name;
    final int replicas;
    IntOrString maxUnavailable = ios(1);
    IntOrString maxSurge = ios(0);
    int partition;
    boolean fromNothing;
    final List<Step> steps = new ArrayList<>();
    private final List<Event> pending = new ArrayList<>();

    Scenario(String name, int replicas) {
      this.name = name;
      this.replicas = replicas;
    }

    Scenario maxUnavailable(Object value) {
      maxUnavailable = ios(value);
      return this;
    }

    Scenario maxSurge(Object value) {
      maxSurge = ios(value);
      return this;
    }

    Scenario partition(int value) {
      partition = value;
      return this;
    }

    /** Start without a leader StatefulSet instead of at rest. */
    Scenario fromNothing() {
      fromNothing = true;
      return this;
    }

    Scenario updateTemplate() {
      return on("template changed", Sim::updateTemplate);
    }

    /** The groups run the new revision and are ready (upstream's SetPodGroupToReady). */
    Scenario ready(int... groups) {
      return on("ready " + list(groups), sim -> sim.ready(groups));
    }

    Scenario allReady() {
      return on("all ready", sim -> sim.ready(IntStream.range(0, sim.stsR).toArray()));
    }

    Scenario unready(int... groups) {
      return on("unready " + list(groups), sim -> sim.unready(groups));
    }

    /** The groups' leader pods (or worker statefulsets) are gone. */
    Scenario delete(int... groups) {
      return on("delete " + list(groups), sim -> sim.delete(groups));
    }

    /** Missing groups come back with the old revision and ready. */
    Scenario restoreOld(int... groups) {
      return on("restore old " + list(groups), sim -> sim.restoreOld(groups));
    }

    Scenario scaleTo(int replicas) {
      return on("replicas " + replicas, sim -> sim.replicas = replicas);
    }

    Scenario setPartition(int value) {
      return on("spec partition " + value, sim -> sim.specPartition = value);
    }

    /** One reconcile after the events since the last expect; it must return these values. */
    Scenario expect(int partition, int replicas) {
      String what =
          pending.isEmpty()
              ? "reconcile"
              : pending.stream().map(Event::what).collect(Collectors.joining(", "));
      steps.add(new Step(what, List.copyOf(pending), new Result(partition, replicas)));
      pending.clear();
      return this;
    }

    Sim start() {
      if (!pending.isEmpty()) {
        throw new IllegalStateException(name + ": events after the last expect");
      }
      return new Sim(this);
    }

    private Scenario on(String what, Consumer<Sim> apply) {
      pending.add(new Event(what, apply));
      return this;
    }

    private static String list(int... groups) {
      return Arrays.stream(groups).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * A fake leader StatefulSet and its groups. {@link #reconcile()} asks {@link LwsRollout} and
   * applies the answer the way the StatefulSet controller would, replacing groups immediately.
   */
  static final class Sim {
    int replicas;
    int specPartition;
    final IntOrString maxUnavailable;
    final IntOrString maxSurge;
    int stsR;
    int curP;

    /** The replicas annotation: spec.replicas at the previous apply. */
    int recordedReplicas;

    boolean templateChanged;
    final List<Group> groups = new ArrayList<>();

    static final class Group {
      boolean exists = true;
      boolean ready;
      boolean updated;

      Group(boolean ready, boolean updated) {
        this.ready = ready;
        this.updated = updated;
      }

      GroupState state() {
        return new GroupState(exists, ready, updated);
      }
    }

    Sim(Scenario s) {
      replicas = s.replicas;
      specPartition = s.partition;
      maxUnavailable = s.maxUnavailable;
      maxSurge = s.maxSurge;
      recordedReplicas = s.replicas;
      if (!s.fromNothing) {
        // At rest: every group runs the current revision and is ready.
        stsR = s.replicas;
        curP = s.partition;
        for (int i = 0; i < stsR; i++) {
          groups.add(new Group(true, true));
        }
      }
    }

    Result reconcile() {
      Input in =
          new Input(
              replicas,
              stsR,
              curP,
              specPartition,
              maxUnavailable,
              maxSurge,
              templateChanged,
              replicas != recordedReplicas,
              groups.stream().map(Group::state).toList());
      Result result = LwsRollout.plan(in);
      apply(result);
      return result;
    }

    private void apply(Result result) {
      stsR = result.replicas();
      curP = result.partition();
      recordedReplicas = replicas;
      templateChanged = false;
      while (groups.size() > stsR) {
        groups.removeLast();
      }
      while (groups.size() < stsR) {
        // New groups below the partition get the old revision, the others the new one.
        groups.add(new Group(false, groups.size() >= curP));
      }
      for (int i = curP; i < stsR; i++) {
        Group g = groups.get(i);
        if (!g.exists || !g.updated) {
          g.exists = true;
          g.updated = true;
          g.ready = false;
        }
      }
    }

    void updateTemplate() {
      templateChanged = true;
      groups.forEach(g -> g.updated = false);
    }

    void ready(int... indices) {
      for (int i : indices) {
        Group g = groups.get(i);
        g.exists = true;
        g.ready = true;
        g.updated = true;
      }
    }

    void unready(int... indices) {
      for (int i : indices) {
        groups.get(i).ready = false;
      }
    }

    void delete(int... indices) {
      for (int i : indices) {
        groups.get(i).exists = false;
      }
    }

    void restoreOld(int... indices) {
      for (int i : indices) {
        Group g = groups.get(i);
        g.exists = true;
        g.ready = true;
        g.updated = false;
      }
    }
  }
}
