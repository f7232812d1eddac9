package dev.modelserving.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.utils.TokenRefreshInterceptor;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Whether a request re-reads the kubeconfig is seen from outside: the kubeconfig is rewritten to
 * hold a token between two requests, and a request that re-read it carries that token.
 */
class CredentialRefreshTest {
  private static final HttpClient.Factory FACTORY = new JdkHttpClientFactory();
  private static final Interceptor.RequestTags NO_TAGS =
      new Interceptor.RequestTags() {
        @Override
        public <T> T getTag(Class<T> type) {
          return null;
        }
      };

  @TempDir Path dir;
  private Path kubeconfig;
  private Config config;

  @BeforeEach
  void clientCertificateKubeconfig() throws IOException {
    kubeconfig = dir.resolve("kubeconfig");
    writeKubeconfig("client-certificate-data: Y2VydA==\n    client-key-data: a2V5");
    config = Config.fromKubeconfig(null, kubeconfig.toFile());
  }

  @Test
  void fabric8AloneReReadsATokenlessKubeconfigOnEveryRequestOnceTheClientIsAMinuteOld()
      throws IOException {
    Interceptor fabric8 = new TokenRefreshInterceptor(config, FACTORY, minutesAgo(2));

    assertThat(authorization(fabric8)).isNull();
    writeKubeconfig("token: rotated");
    // The next request, within the same second, parses the kubeconfig again: why this class exists.
    assertThat(authorization(fabric8)).isEqualTo("Bearer rotated");
  }

  @Test
  void aTokenlessKubeconfigIsReReadAtMostOnceAMinute() throws IOException {
    AtomicLong nanos = new AtomicLong();
    Interceptor refresh =
        new CredentialRefresh(
            new TokenRefreshInterceptor(config, FACTORY, minutesAgo(2)), config, nanos::get);

    assertThat(authorization(refresh)).as("within the client's first minute").isNull();
    nanos.addAndGet(CredentialRefresh.INTERVAL.toNanos());
    assertThat(authorization(refresh)).as("a minute on: re-read, still no token").isNull();
    writeKubeconfig("token: rotated");
    nanos.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(authorization(refresh)).as("a second later: not re-read").isNull();
    nanos.addAndGet(CredentialRefresh.INTERVAL.toNanos());
    assertThat(authorization(refresh)).as("a minute later: re-read").isEqualTo("Bearer rotated");
    nanos.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(authorization(refresh))
        .as("a token is sent on every request")
        .isEqualTo("Bearer rotated");
  }

  @Test
  void aTokenGoesOnEveryRequest() {
    Config withToken = Config.empty();
    withToken.setOauthToken("user-token");
    Interceptor refresh =
        new CredentialRefresh(
            new TokenRefreshInterceptor(withToken, FACTORY, Instant.now()), withToken, () -> 0L);

    assertThat(authorization(refresh)).isEqualTo("Bearer user-token");
    assertThat(authorization(refresh)).isEqualTo("Bearer user-token");
  }

  private static Instant minutesAgo(int minutes) {
    return Instant.now().minus(Duration.ofMinutes(minutes));
  }

  /** The Authorization header the interceptor puts on one request, or null. */
  private static String authorization(Interceptor interceptor) {
    RecordingBuilder builder = new RecordingBuilder();
    interceptor.before(builder, null, NO_TAGS);
    return builder.headers.get("Authorization");
  }

  private void writeKubeconfig(String credentials) throws IOException {
    Files.writeString(
        kubeconfig,
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: local
          cluster:
            server: https://127.0.0.1:1
        users:
        - name: admin
          user:
            %s
        contexts:
        - name: local
          context:
            cluster: local
            user: admin
        current-context: local
        """
            .formatted(credentials));
  }

  private static final class RecordingBuilder implements BasicBuilder {
    final Map<String, String> headers = new HashMap<>();

    @Override
    public BasicBuilder uri(URI uri) {
      return this;
    }

    @Override
    public BasicBuilder header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    @Override
    public BasicBuilder setHeader(String name, String value) {
      headers.put(name, value);
      return this;
    }
  }
}
