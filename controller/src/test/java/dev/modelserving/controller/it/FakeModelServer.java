package dev.modelserving.controller.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.ToDoubleFunction;

/**
 * A stand-in for a vLLM server, for every pod at once: pods on the local cluster's loopback node
 * get IPs on 127.0.0.0/8, and this one listener on 0.0.0.0 answers for all of them. The address a
 * request was sent to is the pod it was meant for, so every answer names it, and every request is
 * recorded with it. Serves the parts of vLLM's OpenAI API that Kthena's router uses ({@code
 * /v1/completions}, {@code /v1/chat/completions}, {@code /v1/models}) and a Prometheus {@code
 * /metrics} page in vLLM's metric names whose values the test sets, per pod.
 */
final class FakeModelServer implements AutoCloseable {
  /** Header and JSON field that name the pod IP a request reached. */
  static final String SERVED_BY = "X-Served-By";

  /** One request as it arrived: the pod IP it was sent to, the path, the model asked for, when. */
  record Received(String podIp, String path, String model, Instant at) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final Map<String, ToDoubleFunction<String>> gauges = new ConcurrentHashMap<>();

  private FakeModelServer(HttpServer server) {
    this.server = server;
  }

  /** Listens on 0.0.0.0 on a free port (the pods' workload port; see {@link #port()}). */
  static FakeModelServer start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress("0.0.0.0", 0), 64);
      FakeModelServer fake = new FakeModelServer(server);
      server.createContext("/v1/completions", fake::completion);
      server.createContext("/v1/chat/completions", fake::completion);
      server.createContext("/v1/models", fake::models);
      server.createContext("/metrics", fake::metrics);
      server.setExecutor(Executors.newFixedThreadPool(8));
      server.start();
      return fake;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the fake model server", e);
    }
  }

  int port() {
    return server.getAddress().getPort();
  }

  /**
   * Sets the gauge {@code name} (e.g. {@code vllm:num_requests_waiting}) to {@code value(podIp)}.
   */
  void gauge(String name, ToDoubleFunction<String> value) {
    gauges.put(name, value);
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  void clearReceived() {
    received.clear();
  }

  private static String podIp(HttpExchange exchange) {
    return exchange.getLocalAddress().getAddress().getHostAddress();
  }

  private void completion(HttpExchange exchange) throws IOException {
    String ip = podIp(exchange);
    JsonNode request;
    try {
      request = JSON.readTree(exchange.getRequestBody());
    } catch (IOException e) {
      send(exchange, 400, "{\"error\": \"request body is not JSON\"}");
      return;
    }
    String model = request.path("model").asText("");
    received.add(new Received(ip, exchange.getRequestURI().getPath(), model, Instant.now()));
    boolean chat = exchange.getRequestURI().getPath().endsWith("/chat/completions");
    ObjectNode reply = JSON.createObjectNode();
    reply.put("id", "fake-" + received.size());
    reply.put("object", chat ? "chat.completion" : "text_completion");
    reply.put("model", model);
    reply.put("served_by", ip);
    ObjectNode choice = reply.putArray("choices").addObject();
    choice.put("index", 0);
    choice.put("finish_reason", "stop");
    if (chat) {
      choice.putObject("message").put("role", "assistant").put("content", "served by " + ip);
    } else {
      choice.put("text", "served by " + ip);
    }
    reply
        .putObject("usage")
        .put("prompt_tokens", 1)
        .put("completion_tokens", 3)
        .put("total_tokens", 4);
    exchange.getResponseHeaders().add(SERVED_BY, ip);
    send(exchange, 200, JSON.writeValueAsString(reply));
  }

  private void models(HttpExchange exchange) throws IOException {
    send(exchange, 200, "{\"object\": \"list\", \"data\": []}");
  }

  private void metrics(HttpExchange exchange) throws IOException {
    String ip = podIp(exchange);
    StringBuilder page = new StringBuilder();
    gauges.forEach(
        (name, value) ->
            page.append("# TYPE ")
                .append(name)
                .append(" gauge\n")
                .append(name)
                .append("{model_name=\"fake\"} ")
                .append(value.applyAsDouble(ip))
                .append('\n'));
    exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
    send(exchange, 200, page.toString());
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    if (!exchange.getResponseHeaders().containsKey("Content-Type")) {
      exchange.getResponseHeaders().add("Content-Type", "application/json");
    }
    exchange.sendResponseHeaders(status, bytes.length);
    try (var out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
