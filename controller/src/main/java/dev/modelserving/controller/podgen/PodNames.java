package dev.modelserving.controller.podgen;

import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names of the objects a ModelServing {@code ms} owns, as Kthena names them. A serving group is
 * {@code <ms>-<g>}, a role replica {@code <role>-<r>}, a pod {@code <ms>-<g>-<role>-<r>-<w>} where
 * w = 0 is the entry pod and 1..workerReplicas are workers; the headless Service of a role replica
 * is named like its entry pod.
 */
public final class PodNames {
  private static final Pattern TRAILING_ORDINAL = Pattern.compile("^(.*)-([0-9]+)$");

  private PodNames() {}

  public static String group(String ms, int group) {
    return ms + "-" + group;
  }

  public static String roleId(String role, int roleOrdinal) {
    return role + "-" + roleOrdinal;
  }

  public static String pod(String ms, int group, String role, int roleOrdinal, int worker) {
    return group(ms, group) + "-" + roleId(role, roleOrdinal) + "-" + worker;
  }

  public static String entryPod(String ms, int group, String role, int roleOrdinal) {
    return pod(ms, group, role, roleOrdinal, 0);
  }

  /** The headless Service that gives the entry pod of a role replica its DNS name. */
  public static String headlessService(String ms, int group, String role, int roleOrdinal) {
    return entryPod(ms, group, role, roleOrdinal);
  }

  /** The ordinal at the end of {@code name} when it is {@code <prefix>-<n>} and prefix matches. */
  public static OptionalInt ordinalAfter(String prefix, String name) {
    if (name == null) {
      return OptionalInt.empty();
    }
    Matcher m = TRAILING_ORDINAL.matcher(name);
    if (!m.matches() || !m.group(1).equals(prefix) || m.group(2).length() > 9) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(Integer.parseInt(m.group(2)));
  }
}
