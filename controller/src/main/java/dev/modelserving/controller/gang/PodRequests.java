package dev.modelserving.controller.gang;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Resource requests of pod specs, as numbers, for PodGroup {@code minResources}. Two ways to count,
 * because the two upstreams count differently (each PodGroup kind follows its own upstream).
 */
final class PodRequests {
  private PodRequests() {}

  /**
   * Kthena's sum: the {@code requests} of the regular containers; init containers, limits and
   * overhead ignored.
   */
  static Map<String, BigDecimal> ofContainers(PodSpec spec) {
    Map<String, BigDecimal> total = new TreeMap<>();
    if (spec != null) {
      addAll(total, spec.getContainers());
    }
    return total;
  }

  /**
   * Kubernetes' effective pod requests (what LWS's PodGroups count): the regular containers plus
   * restartable init containers (sidecars), or a plain init container with the sidecars started
   * before it when that is larger, resource by resource; plus the pod overhead.
   */
  static Map<String, BigDecimal> effective(PodSpec spec) {
    Map<String, BigDecimal> total = new TreeMap<>();
    if (spec == null) {
      return total;
    }
    addAll(total, spec.getContainers());
    Map<String, BigDecimal> sidecars = new TreeMap<>();
    Map<String, BigDecimal> initPeak = new TreeMap<>();
    for (Container init :
        spec.getInitContainers() == null ? List.<Container>of() : spec.getInitContainers()) {
      if ("Always".equals(init.getRestartPolicy())) {
        add(sidecars, requests(init));
        continue;
      }
      Map<String, BigDecimal> during = new TreeMap<>(sidecars);
      add(during, requests(init));
      during.forEach((k, v) -> initPeak.merge(k, v, BigDecimal::max));
    }
    add(total, sidecars);
    initPeak.forEach((k, v) -> total.merge(k, v, BigDecimal::max));
    if (spec.getOverhead() != null) {
      add(total, numbers(spec.getOverhead()));
    }
    return total;
  }

  /** {@code a + n × b}, resource by resource. */
  static void addTimes(Map<String, BigDecimal> a, Map<String, BigDecimal> b, int n) {
    if (n <= 0) {
      return;
    }
    b.forEach((k, v) -> a.merge(k, v.multiply(BigDecimal.valueOf(n)), BigDecimal::add));
  }

  /** As quantities, in the plain decimal form the API server keeps as given. */
  static Map<String, Quantity> quantities(Map<String, BigDecimal> amounts) {
    Map<String, Quantity> out = new TreeMap<>();
    amounts.forEach((k, v) -> out.put(k, new Quantity(v.stripTrailingZeros().toPlainString())));
    return out;
  }

  /** Equal amounts, whatever the notation ("1" and "1000m"). */
  static boolean sameAmounts(Map<String, Quantity> a, Map<String, Quantity> b) {
    Map<String, BigDecimal> x = a == null ? Map.of() : numbers(a);
    Map<String, BigDecimal> y = b == null ? Map.of() : numbers(b);
    if (!x.keySet().equals(y.keySet())) {
      return false;
    }
    return x.entrySet().stream().allMatch(e -> e.getValue().compareTo(y.get(e.getKey())) == 0);
  }

  private static void addAll(Map<String, BigDecimal> total, List<Container> containers) {
    if (containers != null) {
      containers.forEach(c -> add(total, requests(c)));
    }
  }

  private static Map<String, BigDecimal> requests(Container c) {
    return c.getResources() == null || c.getResources().getRequests() == null
        ? Map.of()
        : numbers(c.getResources().getRequests());
  }

  private static Map<String, BigDecimal> numbers(Map<String, Quantity> quantities) {
    Map<String, BigDecimal> out = new TreeMap<>();
    quantities.forEach((k, q) -> out.put(k, q.getNumericalAmount()));
    return out;
  }

  private static void add(Map<String, BigDecimal> total, Map<String, BigDecimal> more) {
    more.forEach((k, v) -> total.merge(k, v, BigDecimal::add));
  }
}
