package dev.modelserving.controller.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The local cluster's audit log (hack/local-cluster.sh: writes by ServiceAccounts, one JSON line
 * per request): who wrote what when, as the API server saw it.
 */
final class AuditLog {
  private AuditLog() {}

  /** One write: user, user agent, verb, resource, namespace, name, when received and answered. */
  record Write(
      String user,
      String userAgent,
      String verb,
      String resource,
      String namespace,
      String name,
      Instant received,
      Instant completed,
      int code) {}

  static Path file() {
    return LocalCluster.kubeconfig().getParent().resolve("logs/audit.log");
  }

  /** Every write by {@code user} in {@code namespace} recorded so far. */
  @SuppressWarnings("unchecked")
  static List<Write> writes(String user, String namespace) {
    Path file = file();
    assertThat(file)
        .as(
            "audit log of the local cluster (restart it with hack/local-cluster.sh down; up if missing)")
        .exists();
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file, e);
    }
    var json = LocalCluster.client().getKubernetesSerialization();
    List<Write> writes = new ArrayList<>();
    for (String line : lines) {
      if (line.isBlank() || !line.contains(namespace)) {
        continue;
      }
      Map<String, Object> event = json.unmarshal(line, Map.class);
      Map<String, Object> u = (Map<String, Object>) event.getOrDefault("user", Map.of());
      Map<String, Object> ref = (Map<String, Object>) event.getOrDefault("objectRef", Map.of());
      Map<String, Object> status =
          (Map<String, Object>) event.getOrDefault("responseStatus", Map.of());
      if (!user.equals(u.get("username")) || !namespace.equals(ref.get("namespace"))) {
        continue;
      }
      String resource =
          String.valueOf(ref.get("resource"))
              + (ref.get("subresource") == null ? "" : "/" + ref.get("subresource"));
      writes.add(
          new Write(
              user,
              String.valueOf(event.get("userAgent")),
              String.valueOf(event.get("verb")),
              resource,
              namespace,
              String.valueOf(ref.get("name")),
              Instant.parse(String.valueOf(event.get("requestReceivedTimestamp"))),
              Instant.parse(String.valueOf(event.get("stageTimestamp"))),
              status.get("code") instanceof Number n ? n.intValue() : 0));
    }
    return writes;
  }
}
