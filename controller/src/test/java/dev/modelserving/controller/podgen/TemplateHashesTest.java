package dev.modelserving.controller.podgen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.Role;
import dev.modelserving.controller.testing.ModelServingFixture;
import java.util.List;
import org.junit.jupiter.api.Test;

class TemplateHashesTest {
  @Test
  void theSameHashesAsRevisionsOneByOne() {
    ModelServing ms =
        ModelServingFixture.named("m")
            .replicas(2)
            .role("prefill", 1, 2)
            .role("decode", 2, 0)
            .build();
    List<Role> roles = ms.getSpec().getTemplate().getRoles();
    TemplateHashes hashes = TemplateHashes.of(roles);
    assertThat(hashes.revision()).isEqualTo(Revisions.ofRoles(roles));
    assertThat(hashes.roleHashes())
        .hasSize(2)
        .containsEntry("prefill", Revisions.ofRole(roles.get(0)))
        .containsEntry("decode", Revisions.ofRole(roles.get(1)));
    assertThat(TemplateHashes.of(List.of()).revision()).isEqualTo(Revisions.ofRoles(List.of()));
  }
}
