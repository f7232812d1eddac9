package dev.modelserving.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;

class ChaChaFirstHttpClientFactoryTest {
  @Test
  void chaChaSuitesComeFirstAndEveryOtherSuiteKeepsItsOrder() {
    String[] suites = {
      "TLS_AES_256_GCM_SHA384",
      "TLS_AES_128_GCM_SHA256",
      "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"
    };
    assertThat(ChaChaFirstHttpClientFactory.chaChaFirst(suites))
        .containsExactly(
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
  }

  @Test
  void thisJdkOffersChaChaByDefault() throws Exception {
    String[] defaults = SSLContext.getDefault().getDefaultSSLParameters().getCipherSuites();
    String[] ordered = ChaChaFirstHttpClientFactory.chaChaFirst(defaults);
    assertThat(ordered).containsExactlyInAnyOrder(defaults);
    assertThat(ordered[0]).isEqualTo("TLS_CHACHA20_POLY1305_SHA256");
  }
}
