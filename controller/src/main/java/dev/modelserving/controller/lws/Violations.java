package dev.modelserving.controller.lws;

import dev.modelserving.controller.validation.Violation;
import java.util.ArrayList;
import java.util.List;

/** Collects violations in the order they are found, with {@code String.format} messages. */
final class Violations {
  private final List<Violation> found = new ArrayList<>();

  void add(String field, String format, Object... args) {
    found.add(new Violation(field, args.length == 0 ? format : String.format(format, args)));
  }

  List<Violation> toList() {
    return List.copyOf(found);
  }

  static String quote(String text) {
    return "\"" + text + "\"";
  }
}
