package dev.modelserving.controller.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchMathTest {
  @Test
  void cpuTicksAreUtimePlusStimeEvenWhenTheCommandHoldsSpacesAndParentheses() {
    String stat =
        "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 51234 0 12 0 1500 250 0 0 20 0 40 0 123 0 0";
    assertThat(BenchMath.cpuTicks(stat)).isEqualTo(1750);
  }

  @Test
  void statusFieldsAreReadInBytes() {
    String status = "Name:\tjava\nVmPeak:\t  900 kB\nVmHWM:\t  204800 kB\nVmRSS:\t  1024 kB\n";
    assertThat(BenchMath.statusBytes(status, "VmHWM")).isEqualTo(204800L * 1024);
    assertThat(BenchMath.statusBytes(status, "VmRSS")).isEqualTo(1024L * 1024);
    assertThat(BenchMath.statusBytes(status, "VmSwap")).isEqualTo(-1);
  }

  @Test
  void prometheusSamplesAreSummedByLabelsAndDiffed() {
    String before =
        """
        # HELP modelserving_api_writes_total API writes
        # TYPE modelserving_api_writes_total counter
        modelserving_api_writes_total{resource="pods",verb="create"} 10.0
        modelserving_api_writes_total{resource="leaderworkersets",verb="patch"} 2.0
        modelserving_api_writes_total_created{resource="pods",verb="create"} 1.7E9
        """;
    String after =
        """
        modelserving_api_writes_total{resource="pods",verb="create"} 810.0
        modelserving_api_writes_total{resource="leaderworkersets",verb="patch"} 2.0
        modelserving_api_writes_total{resource="services",verb="create"} 2.0E2
        """;
    Map<String, Double> b =
        BenchMath.sumBy(before, "modelserving_api_writes_total", l -> true, "verb", "resource");
    Map<String, Double> a =
        BenchMath.sumBy(after, "modelserving_api_writes_total", l -> true, "verb", "resource");
    assertThat(b).containsOnlyKeys("create/pods", "patch/leaderworkersets");
    Map<String, Double> d = BenchMath.delta(b, a);
    assertThat(d)
        .containsExactlyInAnyOrderEntriesOf(Map.of("create/pods", 800.0, "create/services", 200.0));
    assertThat(BenchMath.total(d)).isEqualTo(1000.0);
  }

  @Test
  void apiServerSamplesAreFilteredByLabel() {
    String text =
        """
        apiserver_request_total{code="201",component="apiserver",dry_run="",group="",resource="pods",scope="resource",subresource="",verb="POST",version="v1"} 5
        apiserver_request_total{code="409",component="apiserver",dry_run="",group="",resource="pods",scope="resource",subresource="",verb="POST",version="v1"} 1
        apiserver_request_total{code="200",component="apiserver",dry_run="",group="",resource="pods",scope="namespace",subresource="",verb="LIST",version="v1"} 99
        apiserver_request_total{code="200",component="apiserver",dry_run="",group="",resource="pods",scope="resource",subresource="status",verb="PATCH",version="v1"} 7
        """;
    assertThat(
            BenchMath.sumBy(
                text,
                "apiserver_request_total",
                l -> !l.get("verb").equals("LIST"),
                "verb",
                "resource",
                "subresource"))
        .containsExactlyInAnyOrderEntriesOf(Map.of("POST/pods/", 6.0, "PATCH/pods/status", 7.0));
  }

  @Test
  void percentilesAreNearestRank() {
    List<Double> xs = List.of(5.0, 1.0, 3.0, 2.0, 4.0, 6.0, 7.0, 8.0, 9.0, 10.0);
    assertThat(BenchMath.percentile(xs, 50)).hasValue(5.0);
    assertThat(BenchMath.percentile(xs, 99)).hasValue(10.0);
    assertThat(BenchMath.percentile(xs, 10)).hasValue(1.0);
    assertThat(BenchMath.percentile(List.of(), 50)).isEmpty();
  }

  @Test
  void theChartsLimitsBecomeTheJvmsView() {
    Map<String, Object> values =
        Map.of(
            "resources",
            Map.of("limits", Map.of("cpu", "1500m", "memory", "512Mi")),
            "javaOptions",
            " -XX:MaxRAMPercentage=75  -XX:+ExitOnOutOfMemoryError ");
    assertThat(BenchMath.chartJvmFlags(values))
        .containsExactly(
            "-XX:MaxRAM=536870912",
            "-XX:ActiveProcessorCount=2",
            "-XX:MaxRAMPercentage=75",
            "-XX:+ExitOnOutOfMemoryError");
    assertThat(BenchMath.chartJvmFlags(Map.of())).isEmpty();
    assertThat(BenchMath.quantityBytes("1G")).isEqualTo(1_000_000_000L);
    assertThat(BenchMath.cpuCores("1")).isEqualTo(1.0);
    assertThatThrownBy(() -> BenchMath.quantityBytes("lots")).hasMessageContaining("lots");
  }

  @Test
  void cellsAndRatios() {
    assertThat(BenchMath.cell(12.345)).isEqualTo("12.3");
    assertThat(BenchMath.cell(1.2345)).isEqualTo("1.23");
    assertThat(BenchMath.cell(800.0)).isEqualTo("800");
    assertThat(BenchMath.cell("timeout")).isEqualTo("timeout");
    assertThat(BenchMath.ratio(29.0, 14.5)).isEqualTo("2.00x");
    assertThat(BenchMath.ratio("n/a", 14.5)).isEqualTo("-");
    assertThat(BenchMath.table(List.of("a", "b"), List.of(List.of("x", "1"))))
        .isEqualTo("a  b\n----\nx  1\n");
  }
}
