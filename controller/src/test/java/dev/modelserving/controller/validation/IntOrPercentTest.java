package dev.modelserving.controller.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelserving.controller.validation.IntOrPercent.Rounding;
import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IntOrPercentTest {

  static Stream<Arguments> parseCases() {
    return Stream.of(
        Arguments.of("integer 5", new IntOrString(5), Optional.of(IntOrPercent.ofInt(5))),
        Arguments.of("integer 0", new IntOrString(0), Optional.of(IntOrPercent.ofInt(0))),
        Arguments.of("negative integer", new IntOrString(-1), Optional.of(IntOrPercent.ofInt(-1))),
        Arguments.of("50%", new IntOrString("50%"), Optional.of(IntOrPercent.ofPercent(50))),
        Arguments.of("0%", new IntOrString("0%"), Optional.of(IntOrPercent.ofPercent(0))),
        Arguments.of(
            "150% parses", new IntOrString("150%"), Optional.of(IntOrPercent.ofPercent(150))),
        Arguments.of("digits without %", new IntOrString("5"), Optional.empty()),
        Arguments.of("negative percent", new IntOrString("-5%"), Optional.empty()),
        Arguments.of("fractional percent", new IntOrString("5.5%"), Optional.empty()),
        Arguments.of("leading space", new IntOrString(" 5%"), Optional.empty()),
        Arguments.of("only %", new IntOrString("%"), Optional.empty()),
        Arguments.of("word", new IntOrString("half"), Optional.empty()),
        Arguments.of("percent beyond int", new IntOrString("99999999999%"), Optional.empty()),
        Arguments.of("null", null, Optional.empty()),
        Arguments.of("empty IntOrString", new IntOrString(), Optional.empty()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("parseCases")
  void parse(String name, IntOrString raw, Optional<IntOrPercent> expected) {
    assertThat(IntOrPercent.parse(raw)).isEqualTo(expected);
  }

  static Stream<Arguments> rangeCases() {
    return Stream.of(
        Arguments.of("0", IntOrPercent.ofInt(0), true),
        Arguments.of("1000", IntOrPercent.ofInt(1000), true),
        Arguments.of("-1", IntOrPercent.ofInt(-1), false),
        Arguments.of("0%", IntOrPercent.ofPercent(0), true),
        Arguments.of("100%", IntOrPercent.ofPercent(100), true),
        Arguments.of("101%", IntOrPercent.ofPercent(101), false));
  }

  @ParameterizedTest(name = "{0} in range: {2}")
  @MethodSource("rangeCases")
  void isInRange(String name, IntOrPercent value, boolean expected) {
    assertThat(value.isInRange()).isEqualTo(expected);
  }

  static Stream<Arguments> scaleCases() {
    return Stream.of(
        Arguments.of("50% of 5", IntOrPercent.ofPercent(50), 5, 2, 3),
        Arguments.of("34% of 3 (no float near miss)", IntOrPercent.ofPercent(34), 3, 1, 2),
        Arguments.of("10% of 5", IntOrPercent.ofPercent(10), 5, 0, 1),
        Arguments.of("25% of 4 is exact", IntOrPercent.ofPercent(25), 4, 1, 1),
        Arguments.of("100% of 7", IntOrPercent.ofPercent(100), 7, 7, 7),
        Arguments.of("0% of 7", IntOrPercent.ofPercent(0), 7, 0, 0),
        Arguments.of("50% of 0", IntOrPercent.ofPercent(50), 0, 0, 0),
        Arguments.of("count ignores the total", IntOrPercent.ofInt(3), 100, 3, 3),
        Arguments.of("count above the total", IntOrPercent.ofInt(9), 2, 9, 9),
        Arguments.of(
            "huge percentage saturates",
            IntOrPercent.ofPercent(Integer.MAX_VALUE),
            Integer.MAX_VALUE,
            Integer.MAX_VALUE,
            Integer.MAX_VALUE));
  }

  @ParameterizedTest(name = "{0}: down {3}, up {4}")
  @MethodSource("scaleCases")
  void scale(String name, IntOrPercent value, int total, int down, int up) {
    assertThat(value.scale(total, Rounding.DOWN)).isEqualTo(down);
    assertThat(value.scale(total, Rounding.UP)).isEqualTo(up);
  }

  @Test
  void percentageOfNegativeTotalIsRejected() {
    assertThatThrownBy(() -> IntOrPercent.ofPercent(50).scale(-1, Rounding.DOWN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
  }

  @Test
  void printsAsInManifests() {
    assertThat(IntOrPercent.ofInt(5)).hasToString("5");
    assertThat(IntOrPercent.ofPercent(25)).hasToString("25%");
  }
}
