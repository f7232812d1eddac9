package dev.modelserving.controller.conversion;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code modelserving convert} on manifests with a bad document: the others still convert. */
class ConversionPreviewTest {
  private static final String LWS =
      """
      apiVersion: leaderworkerset.x-k8s.io/v1
      kind: LeaderWorkerSet
      metadata: {name: %s}
      spec:
        replicas: %s
        leaderWorkerTemplate:
          size: 2
          workerTemplate: {spec: {containers: [{name: c, image: i}]}}
      """;

  @Test
  void aDocumentOfTheWrongShapeIsNamedAndTheOthersConvert() {
    var result =
        ConversionPreview.render(LWS.formatted("bad", "two") + "---\n" + LWS.formatted("good", 1));
    assertThat(result.errors())
        .singleElement()
        .asString()
        .startsWith("document 1: not a valid LeaderWorkerSet");
    assertThat(result.output()).contains("name: \"good\"").doesNotContain("\"bad\"");
  }
}
