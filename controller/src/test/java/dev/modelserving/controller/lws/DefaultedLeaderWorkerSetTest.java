package dev.modelserving.controller.lws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.controller.conversion.LwsToModelServing;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link DefaultedLeaderWorkerSet}: defaulted once, the value validation, the unsupported-field
 * checks and the conversion read gives what they give for the object as stored.
 */
class DefaultedLeaderWorkerSetTest {

  record Case(String name, Consumer<LeaderWorkerSet> change) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case("the fixture", lws -> {}),
        new Case(
            "only required fields",
            lws -> {
              lws.getSpec().setReplicas(null);
              LwsFixture.template(lws).setSize(null);
            }),
        new Case(
            "invalid: size 0 and maxUnavailable 101%",
            lws -> {
              LwsFixture.template(lws).setSize(0);
              LwsFixture.rollingUpdate(lws, "101%", null, null);
            }),
        new Case(
            "unsupported: a name too long for its pods",
            lws -> lws.getMetadata().setName("v".repeat(62))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void theDefaultedValueReadsAsTheStoredObject(Case c) {
    LeaderWorkerSet raw = LwsFixture.validLws();
    c.change().accept(raw);
    LeaderWorkerSet before = LwsFixture.SERIALIZATION.clone(raw);

    DefaultedLeaderWorkerSet defaulted = DefaultedLeaderWorkerSet.of(raw);
    DefaultedLeaderWorkerSet sharing = DefaultedLeaderWorkerSet.sharing(raw);

    assertThat(raw).as("the stored object is not changed").isEqualTo(before);
    assertThat(sharing.get()).as("a pass's shared value is the same").isEqualTo(defaulted.get());
    assertThat(defaulted.get()).isEqualTo(LwsDefaults.apply(raw));
    assertThat(LwsDefaults.apply(defaulted.get()))
        .as("defaulting twice changes nothing")
        .isEqualTo(defaulted.get());
    assertThat(LwsValidator.validate(defaulted)).isEqualTo(LwsValidator.validate(raw));
    assertThat(LwsValidator.unsupported(defaulted)).isEqualTo(LwsValidator.unsupported(raw));
    assertThat(LwsValidator.validateUpdate(raw, defaulted))
        .isEqualTo(LwsValidator.validateUpdate(raw, raw));
    if (LwsValidator.validate(raw).isEmpty()
        && LwsValidator.unsupported(raw).isEmpty()) { // only valid ones are converted
      assertThat(LwsToModelServing.convert(defaulted, Optional.empty()))
          .isEqualTo(LwsToModelServing.convert(raw, Optional.empty()));
    }
  }
}
