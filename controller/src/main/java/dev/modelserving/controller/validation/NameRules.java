package dev.modelserving.controller.validation;

import java.util.regex.Pattern;

/**
 * The naming rules of Kubernetes that both validators ({@link ModelServingValidator} and {@code
 * LwsValidator}) apply, each in one place. The CEL admission policies of the Helm chart repeat
 * them; {@code AdmissionPolicyRulesTest} checks them against these, rule by rule. The
 * int-or-percent rules live in {@link IntOrPercent}.
 */
public final class NameRules {
  private NameRules() {}

  /** The longest DNS label: a pod's hostname or a Service's name. */
  public static final int MAX_DNS_LABEL_LENGTH = 63;

  /**
   * Kubernetes' DNS-1035 label (without the length limit): lowercase letters, digits and '-',
   * starting with a letter and ending with a letter or digit.
   */
  public static final String DNS_1035_LABEL = "[a-z]([-a-z0-9]*[a-z0-9])?";

  /**
   * The start of a DNS-1035 label: a name that only begins generated names ({@code <ms>-<g>-...})
   * may end with '-'.
   */
  public static final String DNS_1035_PREFIX = "[a-z][-a-z0-9]*";

  private static final Pattern LABEL = Pattern.compile(DNS_1035_LABEL);
  private static final Pattern PREFIX = Pattern.compile(DNS_1035_PREFIX);

  public static boolean isDns1035Label(String name) {
    return name != null && LABEL.matcher(name).matches();
  }

  public static boolean isDns1035Prefix(String name) {
    return name != null && PREFIX.matcher(name).matches();
  }

  /** Characters {@code name} has beyond {@link #MAX_DNS_LABEL_LENGTH}; 0 or less when it fits. */
  public static int excessOverDnsLabel(String name) {
    return name.length() - MAX_DNS_LABEL_LENGTH;
  }
}
