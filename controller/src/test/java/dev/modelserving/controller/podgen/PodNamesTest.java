package dev.modelserving.controller.podgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PodNamesTest {

  @Test
  void namesFollowKthena() {
    assertThat(PodNames.group("llama", 3)).isEqualTo("llama-3");
    assertThat(PodNames.roleId("prefill", 2)).isEqualTo("prefill-2");
    assertThat(PodNames.pod("llama", 3, "prefill", 2, 1)).isEqualTo("llama-3-prefill-2-1");
    assertThat(PodNames.entryPod("llama", 3, "prefill", 2)).isEqualTo("llama-3-prefill-2-0");
  }

  @Test
  void headlessServiceIsNamedLikeTheEntryPod() {
    assertThat(PodNames.headlessService("llama", 0, "decode", 1))
        .isEqualTo(PodNames.entryPod("llama", 0, "decode", 1))
        .isEqualTo("llama-0-decode-1-0");
  }

  @ParameterizedTest(name = "ordinalAfter(\"{0}\", \"{1}\") = {2}")
  @CsvSource(
      nullValues = "null",
      value = {
        "m,          m-0,            0",
        "m,          m-12,           12",
        "m-1,        m-1-2,          2", // a name that ends in an ordinal itself
        "pre-fill,   pre-fill-3,     3", // dashes in the prefix
        "m,          m-999999999,    999999999", // 9 digits: still an int
        "m,          m-1234567890,   null", // 10 digits: could overflow, refused
        "m,          m-1-2,          null", // prefix is m-1, not m
        "m,          mm-1,           null",
        "m,          m-,             null",
        "m,          m-x,            null",
        "m,          m,              null",
        "m,          m--1,           null",
        "m,          '',             null",
        "m,          null,           null",
      })
  void ordinalAfter(String prefix, String name, Integer expected) {
    OptionalInt actual = PodNames.ordinalAfter(prefix, name);
    if (expected == null) {
      assertThat(actual).isEmpty();
    } else {
      assertThat(actual).hasValue(expected);
    }
  }

  @ParameterizedTest(name = "group {0} of ms {1} parses back")
  @CsvSource({"0, m", "7, my-model", "42, a-1"})
  void groupNamesParseBack(int ordinal, String ms) {
    assertThat(PodNames.ordinalAfter(ms, PodNames.group(ms, ordinal))).hasValue(ordinal);
  }
}
