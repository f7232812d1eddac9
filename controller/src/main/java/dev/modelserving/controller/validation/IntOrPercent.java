package dev.modelserving.controller.validation;

import io.fabric8.kubernetes.api.model.IntOrString;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An {@link IntOrString} field such as {@code maxUnavailable} or {@code partition}, read as either
 * an absolute count or a percentage of some total. Validation and the rollout code share it so that
 * both read the same value the same way.
 *
 * @param value the count, or the percentage without its {@code %}
 * @param percent whether {@code value} is a percentage
 */
public record IntOrPercent(int value, boolean percent) {

  /** How a percentage of a total becomes a whole number. */
  public enum Rounding {
    /** Towards zero, as Kubernetes does for maxUnavailable. */
    DOWN,
    /** Away from zero, as Kubernetes does for partition. */
    UP
  }

  /** Why a value is not an allowed int-or-percent, in the order the checks find it. */
  public enum Problem {
    /** Neither a JSON integer nor a string of digits followed by '%'. */
    NOT_A_PERCENT,
    /** A negative count (a percentage cannot carry a sign). */
    NEGATIVE,
    /** A percentage above 100%. */
    ABOVE_100_PERCENT
  }

  /** Kubernetes' IsValidPercent: digits then '%'; no sign, no spaces, no fraction. */
  public static final String PERCENT_PATTERN = "[0-9]+%";

  private static final Pattern PERCENT = Pattern.compile(PERCENT_PATTERN);

  public static IntOrPercent ofInt(int value) {
    return new IntOrPercent(value, false);
  }

  public static IntOrPercent ofPercent(int value) {
    return new IntOrPercent(value, true);
  }

  /**
   * Reads {@code raw}: a JSON integer is a count, a string {@code "N%"} is a percentage. Empty when
   * {@code raw} is absent or holds anything else (for example {@code "5"}, {@code "-5%"} or {@code
   * "5.5%"}); callers decide whether that is an error or means "use the default".
   */
  public static Optional<IntOrPercent> parse(IntOrString raw) {
    if (raw == null) {
      return Optional.empty();
    }
    if (raw.getIntVal() != null) {
      return Optional.of(ofInt(raw.getIntVal()));
    }
    String text = raw.getStrVal();
    if (text == null || !PERCENT.matcher(text).matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(ofPercent(Integer.parseInt(text.substring(0, text.length() - 1))));
    } catch (NumberFormatException tooLarge) {
      return Optional.empty();
    }
  }

  /** Whether this is an allowed value: a count >= 0, or a percentage from 0% to 100%. */
  public boolean isInRange() {
    return problem().isEmpty();
  }

  private Optional<Problem> problem() {
    if (value < 0) {
      return Optional.of(Problem.NEGATIVE);
    }
    return percent && value > 100 ? Optional.of(Problem.ABOVE_100_PERCENT) : Optional.empty();
  }

  /**
   * What is wrong with {@code raw} (which is set) as a count >= 0 or a percentage from 0% to 100%;
   * empty when it is allowed. The one home of the int-or-percent rules both validators apply.
   */
  public static Optional<Problem> problemOf(IntOrString raw) {
    Optional<IntOrPercent> parsed = parse(raw);
    return parsed.isEmpty() ? Optional.of(Problem.NOT_A_PERCENT) : parsed.get().problem();
  }

  /**
   * The whole number this stands for out of {@code total}: the count itself, or the percentage of
   * {@code total} rounded as asked. Computed in integers, so 34% of 3 is exactly 1.02 → 1 (DOWN) or
   * 2 (UP), never a floating-point near miss.
   */
  public int scale(int total, Rounding rounding) {
    if (!percent) {
      return value;
    }
    if (total < 0) {
      throw new IllegalArgumentException("total must be >= 0, got " + total);
    }
    long product = (long) value * total;
    long scaled =
        rounding == Rounding.DOWN ? Math.floorDiv(product, 100) : -Math.floorDiv(-product, 100);
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, scaled));
  }

  /** The value as written in a manifest: {@code 5} or {@code 50%}. */
  @Override
  public String toString() {
    return percent ? value + "%" : Integer.toString(value);
  }
}
