package dev.modelserving.controller.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two controller processes with {@code --leader-elect}: exactly one reconciles, the standby writes
 * nothing (its write counter stays at 0 at every sampled moment), and when the leader dies the
 * standby takes over within the Lease duration.
 */
class LeaderElectionIT {
  @RegisterExtension static final TestNamespace ns = new TestNamespace("leader");
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Pattern WRITES =
      Pattern.compile("(?m)^modelserving_api_writes_total\\{[^}]*} ([0-9.E]+)$");

  static double writes(int port) {
    try {
      String body =
          HTTP.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      Matcher m = WRITES.matcher(body);
      double total = 0;
      while (m.find()) {
        total += Double.parseDouble(m.group(1));
      }
      return total;
    } catch (Exception e) {
      return -1; // not answering (e.g. killed)
    }
  }

  @Test
  void exactlyOneReplicaActsAndTheOtherTakesOverWithinTheLeaseDuration() throws Exception {
    List<String> args =
        List.of(
            "--leader-elect",
            "--lease-namespace=" + ns.name(),
            "--lease-duration=6s",
            "--http-port=0");
    ControllerProcess a = ControllerProcess.launch("LeaderElectionIT-a", args);
    ControllerProcess b = ControllerProcess.launch("LeaderElectionIT-b", args);
    try {
      await().atMost(Duration.ofSeconds(60)).until(() -> leads(a) || leads(b));
      ControllerProcess leader = leads(a) ? a : b;
      ControllerProcess standby = leader == a ? b : a;
      int standbyPort = standby.httpPort();
      int leaderPort = leader.httpPort();

      ModelServingSupport.modelServings()
          .inNamespace(ns.name())
          .resource(ModelServingYaml.of("led", 2, "", ModelServingYaml.role("r", 1, 1)))
          .create();
      long until = System.nanoTime() + Duration.ofSeconds(8).toNanos();
      while (System.nanoTime() < until) {
        assertThat(writes(standbyPort)).as("writes by the standby replica").isEqualTo(0.0);
        Thread.sleep(200);
      }
      assertThat(writes(leaderPort)).as("writes by the leader").isGreaterThan(0);
      assertThat(leads(standby)).isFalse();
      ModelServingSupport.awaitAvailable(
          ns.name(),
          "led",
          2,
          ModelServingSupport.expectedPodNames(ModelServingSupport.get(ns.name(), "led")));

      long killed = System.nanoTime();
      leader.kill();
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> leads(standby));
      Duration takeover = Duration.ofNanos(System.nanoTime() - killed);
      assertThat(takeover)
          .as("takeover after the leader died")
          .isLessThanOrEqualTo(Duration.ofSeconds(6 + 3));

      ModelServingSupport.modelServings().inNamespace(ns.name()).withName("led").scale(3);
      ModelServingSupport.awaitAvailable(
          ns.name(),
          "led",
          3,
          ModelServingSupport.expectedPodNames(ModelServingSupport.get(ns.name(), "led")));

      // SIGTERM: stops taking work and releases the Lease.
      standby.terminate();
      assertThat(standby.logLines())
          .anyMatch(l -> l.contains("stopping: no new work is taken"))
          .anyMatch(l -> l.contains("stopped"));
      var lease =
          LocalCluster.client()
              .leases()
              .inNamespace(ns.name())
              .withName("modelserving-controller")
              .get();
      assertThat(lease.getSpec().getLeaseDurationSeconds())
          .as("released Lease")
          .isLessThanOrEqualTo(1);
    } finally {
      a.close();
      b.close();
    }
  }

  private static boolean leads(ControllerProcess p) {
    return p.logLines().stream().anyMatch(l -> l.contains("leading: holding the Lease"));
  }
}
