package dev.modelserving.controller.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.utils.TokenRefreshInterceptor;
import io.fabric8.kubernetes.client.utils.Utils;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * fabric8's credential refresh ({@link TokenRefreshInterceptor}), but at most once a minute when
 * the credentials hold no token. fabric8 7.6.1 records a refresh only when it yields a token: with
 * a client certificate (a kubeconfig such as the local cluster's, {@code make run}, CI) every
 * request made once the client is a minute old re-reads and re-parses the kubeconfig (6% of the
 * controller's CPU samples over a 200 x 4 benchmark, growing with the run's length: issue #10).
 * With a token, basic auth or a token provider, every request goes to fabric8's interceptor as
 * before, which refreshes the token once a minute itself; a refresh after a 401 is unchanged.
 */
public final class CredentialRefresh implements Interceptor {
  static final Duration INTERVAL = Duration.ofMinutes(1);

  private final Interceptor fabric8;
  private final Config config;
  private final LongSupplier nanoClock;
  private final AtomicLong lastTokenlessRefresh;

  CredentialRefresh(Interceptor fabric8, Config config, LongSupplier nanoClock) {
    this.fabric8 = fabric8;
    this.config = config;
    this.nanoClock = nanoClock;
    // fabric8's own interceptor starts its minute when the client is built: so does this one.
    this.lastTokenlessRefresh = new AtomicLong(nanoClock.getAsLong());
  }

  /** Puts this in place of fabric8's interceptor of the same name on a client being built. */
  public static void install(
      HttpClient.Builder builder, Config config, HttpClient.Factory factory) {
    builder.addOrReplaceInterceptor(
        TokenRefreshInterceptor.NAME,
        new CredentialRefresh(
            new TokenRefreshInterceptor(config, factory, Instant.now()), config, System::nanoTime));
  }

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    if (hasTokenOrPassword() || tokenlessRefreshDue()) {
      fabric8.before(builder, request, tags);
    }
  }

  @Override
  public CompletableFuture<Boolean> afterFailure(
      BasicBuilder builder, HttpResponse<?> response, RequestTags tags) {
    return fabric8.afterFailure(builder, response, tags);
  }

  /** What fabric8's interceptor puts on each request: then it must see each request. */
  private boolean hasTokenOrPassword() {
    return config.getOauthTokenProvider() != null
        || Utils.isNotNullOrEmpty(config.getOauthToken())
        || Utils.isNotNullOrEmpty(config.getAutoOAuthToken())
        || (Utils.isNotNullOrEmpty(config.getUsername())
            && Utils.isNotNullOrEmpty(config.getPassword()));
  }

  /** True for one request a minute (the one that refreshes; a token found then is kept). */
  private boolean tokenlessRefreshDue() {
    long now = nanoClock.getAsLong();
    long last = lastTokenlessRefresh.get();
    return now - last >= INTERVAL.toNanos() && lastTokenlessRefresh.compareAndSet(last, now);
  }
}
