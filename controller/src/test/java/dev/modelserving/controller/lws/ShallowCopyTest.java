package dev.modelserving.controller.lws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.lws.v1.LeaderWorkerTemplate;
import dev.modelserving.api.lws.v1.RestartPolicyType;
import dev.modelserving.api.lws.v1.SubGroupPolicy;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.StatefulSetPersistentVolumeClaimRetentionPolicy;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShallowCopyTest {

  @Test
  void aNewObjectHoldingTheSameValues() {
    LeaderWorkerTemplate template = new LeaderWorkerTemplate();
    template.setLeaderTemplate(new PodTemplateSpec());
    template.setWorkerTemplate(new PodTemplateSpec());
    template.setSize(3);
    template.setRestartPolicy(RestartPolicyType.NONE);
    template.setSubGroupPolicy(new SubGroupPolicy());
    template.setVolumeClaimTemplates(List.of(new PersistentVolumeClaim()));
    template.setPersistentVolumeClaimRetentionPolicy(
        new StatefulSetPersistentVolumeClaimRetentionPolicy());
    template.setAdditionalProperty("unknownField", "kept");

    LeaderWorkerTemplate copy = ShallowCopy.of(template);

    assertThat(copy).isNotSameAs(template).isEqualTo(template);
    assertThat(copy.getWorkerTemplate()).isSameAs(template.getWorkerTemplate());
    assertThat(copy.getAdditionalProperties()).containsEntry("unknownField", "kept");
    copy.setSize(4);
    assertThat(template.getSize()).as("the original keeps its own fields").isEqualTo(3);
  }
}
