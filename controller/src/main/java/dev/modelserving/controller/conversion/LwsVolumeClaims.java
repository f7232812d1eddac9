package dev.modelserving.controller.conversion;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.lws.v1.LeaderWorkerTemplate;
import dev.modelserving.api.lws.v1.LwsKeys;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-pod PersistentVolumeClaims of a LeaderWorkerSet's {@code volumeClaimTemplates}, named as
 * a StatefulSet names them ({@code <claim>-<pod>}) and, as upstream, carrying only access modes,
 * storage class, volume mode and resources. Owned by the LWS only when its retention policy deletes
 * them with it ({@code whenDeleted: Delete}); otherwise they outlive it (Retain). Pure.
 */
public final class LwsVolumeClaims {
  private LwsVolumeClaims() {}

  /** The claims of the pods of {@code groups} (group indices). */
  public static List<PersistentVolumeClaim> desired(
      LeaderWorkerSet lws, java.util.Collection<Integer> groups) {
    LeaderWorkerTemplate lwt = lws.getSpec().getLeaderWorkerTemplate();
    if (lwt.getVolumeClaimTemplates() == null || lwt.getVolumeClaimTemplates().isEmpty()) {
      return List.of();
    }
    int size = lwt.getSize() == null ? 1 : lwt.getSize();
    String name = lws.getMetadata().getName();
    boolean owned =
        lwt.getPersistentVolumeClaimRetentionPolicy() != null
            && "Delete".equals(lwt.getPersistentVolumeClaimRetentionPolicy().getWhenDeleted());
    List<PersistentVolumeClaim> claims = new ArrayList<>();
    for (int g : groups) {
      for (int w = 0; w < size; w++) {
        String pod = w == 0 ? name + "-" + g : name + "-" + g + "-" + w;
        for (PersistentVolumeClaim template : lwt.getVolumeClaimTemplates()) {
          PersistentVolumeClaimSpec source = template.getSpec();
          PersistentVolumeClaimSpec spec = new PersistentVolumeClaimSpec();
          if (source != null) {
            spec.setAccessModes(source.getAccessModes());
            spec.setStorageClassName(source.getStorageClassName());
            spec.setVolumeMode(source.getVolumeMode());
            spec.setResources(source.getResources());
          }
          Map<String, String> labels = new LinkedHashMap<>();
          labels.put(LwsKeys.Labels.NAME, name);
          labels.put(LwsKeys.Labels.GROUP_INDEX, Integer.toString(g));
          var claim =
              new PersistentVolumeClaimBuilder()
                  .withNewMetadata()
                  .withName(template.getMetadata().getName() + "-" + pod)
                  .withNamespace(lws.getMetadata().getNamespace())
                  .withLabels(labels)
                  .endMetadata()
                  .withSpec(spec)
                  .build();
          if (owned) {
            claim
                .getMetadata()
                .setOwnerReferences(
                    List.of(
                        new OwnerReferenceBuilder()
                            .withApiVersion(LeaderWorkerSet.API_VERSION)
                            .withKind(LeaderWorkerSet.KIND)
                            .withName(name)
                            .withUid(lws.getMetadata().getUid())
                            .withController(true)
                            .withBlockOwnerDeletion(true)
                            .build()));
          }
          claims.add(claim);
        }
      }
    }
    return claims;
  }

  /** Whether claims of groups at or above the replica count go when the LWS scales down. */
  public static boolean deleteWhenScaled(LeaderWorkerSet lws) {
    var policy = lws.getSpec().getLeaderWorkerTemplate().getPersistentVolumeClaimRetentionPolicy();
    return policy != null && "Delete".equals(policy.getWhenScaled());
  }
}
