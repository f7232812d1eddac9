package dev.modelserving.controller.bench;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pure parts of the cluster benchmark ({@link ClusterBenchmark}): reading /proc, reading
 * Prometheus text, percentiles, the JVM flags the chart's container would get, and the table.
 */
final class BenchMath {
  private BenchMath() {}

  /** utime + stime in clock ticks from the text of /proc/PID/stat (fields 14 and 15). */
  static long cpuTicks(String procStat) {
    // The command (field 2) is in parentheses and may hold spaces and ')'; fields follow the last
    // ')'.
    String[] rest = procStat.substring(procStat.lastIndexOf(')') + 2).trim().split("\\s+");
    // rest[0] is field 3 (state), so field n is rest[n - 3].
    return Long.parseLong(rest[14 - 3]) + Long.parseLong(rest[15 - 3]);
  }

  /** A "VmHWM: 123456 kB" style line of /proc/PID/status, in bytes; -1 when absent. */
  static long statusBytes(String procStatus, String field) {
    Matcher m = Pattern.compile("(?m)^" + field + ":\\s+(\\d+) kB$").matcher(procStatus);
    return m.find() ? Long.parseLong(m.group(1)) * 1024 : -1;
  }

  /** One sample of the Prometheus text format: metric name, labels, value. */
  record Sample(String name, Map<String, String> labels, double value) {}

  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)(?:\\s+\\d+)?$");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

  /** The samples of metric {@code name} in a Prometheus text exposition. */
  static List<Sample> samples(String exposition, String name) {
    List<Sample> out = new ArrayList<>();
    for (String line : exposition.split("\n")) {
      if (!line.startsWith(name) || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line.trim());
      if (!m.matches() || !m.group(1).equals(name)) {
        continue;
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) {
          labels.put(l.group(1), l.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
        }
      }
      out.add(new Sample(name, labels, Double.parseDouble(m.group(3))));
    }
    return out;
  }

  /**
   * Sums of the samples of {@code name} that pass {@code keep}, keyed by the values of {@code
   * keyLabels} joined with "/" (e.g. "create/pods").
   */
  static Map<String, Double> sumBy(
      String exposition, String name, Predicate<Map<String, String>> keep, String... keyLabels) {
    Map<String, Double> sums = new LinkedHashMap<>();
    for (Sample s : samples(exposition, name)) {
      if (!keep.test(s.labels())) {
        continue;
      }
      List<String> key = new ArrayList<>();
      for (String label : keyLabels) {
        key.add(s.labels().getOrDefault(label, ""));
      }
      sums.merge(String.join("/", key), s.value(), Double::sum);
    }
    return sums;
  }

  /** after - before per key (keys only in {@code after} count from 0); zero deltas left out. */
  static Map<String, Double> delta(Map<String, Double> before, Map<String, Double> after) {
    Map<String, Double> d = new LinkedHashMap<>();
    after.forEach(
        (k, v) -> {
          double diff = v - before.getOrDefault(k, 0.0);
          if (diff != 0) {
            d.put(k, diff);
          }
        });
    return d;
  }

  static double total(Map<String, Double> counts) {
    return counts.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  /** Nearest-rank percentile (p in 0..100) of the samples; empty when there are none. */
  static OptionalDouble percentile(List<Double> samples, double p) {
    if (samples.isEmpty()) {
      return OptionalDouble.empty();
    }
    List<Double> sorted = new ArrayList<>(samples);
    Collections.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return OptionalDouble.of(sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1))));
  }

  /**
   * The JVM flags of the chart's container: the heap follows {@code resources.limits.memory}
   * (-XX:MaxRAM) and the CPU count follows {@code resources.limits.cpu} (rounded up), then the
   * chart's {@code javaOptions}. {@code values} is the parsed values.yaml.
   */
  @SuppressWarnings("unchecked")
  static List<String> chartJvmFlags(Map<String, Object> values) {
    List<String> flags = new ArrayList<>();
    Object resources = values.get("resources");
    Object limits =
        resources instanceof Map<?, ?> r ? ((Map<String, Object>) r).get("limits") : null;
    if (limits instanceof Map<?, ?> l) {
      Object memory = l.get("memory");
      if (memory != null) {
        flags.add("-XX:MaxRAM=" + quantityBytes(memory.toString()));
      }
      Object cpu = l.get("cpu");
      if (cpu != null) {
        flags.add(
            "-XX:ActiveProcessorCount=" + (long) Math.max(1, Math.ceil(cpuCores(cpu.toString()))));
      }
    }
    Object javaOptions = values.get("javaOptions");
    if (javaOptions != null && !javaOptions.toString().isBlank()) {
      flags.addAll(List.of(javaOptions.toString().trim().split("\\s+")));
    }
    return flags;
  }

  private static final Map<String, BigDecimal> SUFFIX =
      Map.ofEntries(
          Map.entry("Ki", BigDecimal.valueOf(1L << 10)),
          Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
          Map.entry("Gi", BigDecimal.valueOf(1L << 30)),
          Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
          Map.entry("k", BigDecimal.valueOf(1_000L)),
          Map.entry("M", BigDecimal.valueOf(1_000_000L)),
          Map.entry("G", BigDecimal.valueOf(1_000_000_000L)),
          Map.entry("T", BigDecimal.valueOf(1_000_000_000_000L)));

  /** A Kubernetes memory quantity ("512Mi", "1G", "1048576") in bytes. */
  static long quantityBytes(String quantity) {
    Matcher m = Pattern.compile("^([0-9.]+)([A-Za-z]*)$").matcher(quantity.trim());
    if (!m.matches() || !(m.group(2).isEmpty() || SUFFIX.containsKey(m.group(2)))) {
      throw new IllegalArgumentException("not a memory quantity: " + quantity);
    }
    BigDecimal factor = m.group(2).isEmpty() ? BigDecimal.ONE : SUFFIX.get(m.group(2));
    return new BigDecimal(m.group(1))
        .multiply(factor)
        .setScale(0, RoundingMode.UP)
        .longValueExact();
  }

  /** A Kubernetes CPU quantity ("1", "500m", "1.5") in cores. */
  static double cpuCores(String quantity) {
    String q = quantity.trim();
    return q.endsWith("m")
        ? Double.parseDouble(q.substring(0, q.length() - 1)) / 1000
        : Double.parseDouble(q);
  }

  /** A cell: numbers with 3 significant-ish digits, strings ("n/a", "timeout") as they are. */
  static String cell(Object value) {
    if (value instanceof Number n) {
      double d = n.doubleValue();
      if (d == Math.rint(d) && Math.abs(d) < 1e9) {
        return String.format(Locale.ROOT, "%d", (long) d);
      }
      return Math.abs(d) >= 100
          ? String.format(Locale.ROOT, "%.0f", d)
          : Math.abs(d) >= 10
              ? String.format(Locale.ROOT, "%.1f", d)
              : String.format(Locale.ROOT, "%.2f", d);
    }
    return value == null ? "n/a" : value.toString();
  }

  /** a / b as "1.23x" when both are positive numbers, else "-". */
  static String ratio(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y && y.doubleValue() > 0) {
      return String.format(Locale.ROOT, "%.2fx", x.doubleValue() / y.doubleValue());
    }
    return "-";
  }

  /** A plain-text table with a header row and columns padded to their widest cell. */
  static String table(List<String> header, List<List<String>> rows) {
    int[] width = new int[header.size()];
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    for (List<String> row : all) {
      for (int i = 0; i < row.size(); i++) {
        width[i] = Math.max(width[i], row.get(i).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (int r = 0; r < all.size(); r++) {
      List<String> row = all.get(r);
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        String c = row.get(i);
        line.append(i == 0 ? pad(c, width[i]) : padLeft(c, width[i])).append("  ");
      }
      sb.append(line.toString().stripTrailing()).append('\n');
      if (r == 0) {
        sb.append("-".repeat(line.toString().stripTrailing().length())).append('\n');
      }
    }
    return sb.toString();
  }

  private static String pad(String s, int w) {
    return s + " ".repeat(w - s.length());
  }

  private static String padLeft(String s, int w) {
    return " ".repeat(w - s.length()) + s;
  }
}
