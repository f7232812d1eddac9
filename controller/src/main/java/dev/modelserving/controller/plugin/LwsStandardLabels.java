package dev.modelserving.controller.plugin;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.lws.v1.LwsKeys;
import dev.modelserving.api.v1alpha1.ModelServing;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Built-in {@code lws-standard-labels}: on pods of a ModelServing owned by a LeaderWorkerSet, sets
 * the four LWS pod labels (name, group-index, worker-index, group-key) so that tools written for
 * LWS find the pods. Unlike Kthena, the group key is upstream LWS's value, the SHA-1 of {@code
 * <namespace>/<lws>-<groupIndex>} (the leader pod's name), so it matches real LWS and cannot
 * collide across namespaces. Takes no config.
 */
public final class LwsStandardLabels implements Plugin {
  public static final String NAME = "lws-standard-labels";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void onPodCreate(HookRequest req) throws PluginException {
    Optional<String> lws = owningLeaderWorkerSet(req.modelServing());
    if (lws.isEmpty()) {
      return;
    }
    if (req.groupOrdinal() < 0 || req.workerIndex() < 0) {
      throw new PluginException(
          null,
          "group index "
              + req.groupOrdinal()
              + " and worker index "
              + req.workerIndex()
              + " must both be >= 0");
    }
    ObjectMeta metadata = req.pod().getMetadata();
    String namespace =
        metadata.getNamespace() != null
            ? metadata.getNamespace()
            : req.modelServing().getMetadata().getNamespace();
    Map<String, String> labels = new LinkedHashMap<>();
    if (metadata.getLabels() != null) {
      labels.putAll(metadata.getLabels());
    }
    labels.put(LwsKeys.Labels.NAME, lws.get());
    labels.put(LwsKeys.Labels.GROUP_INDEX, Integer.toString(req.groupOrdinal()));
    labels.put(LwsKeys.Labels.WORKER_INDEX, Integer.toString(req.workerIndex()));
    labels.put(LwsKeys.Labels.GROUP_KEY, groupKey(namespace, lws.get() + "-" + req.groupOrdinal()));
    metadata.setLabels(labels);
  }

  /** The first LeaderWorkerSet owner with a name, as Kthena picks it. */
  static Optional<String> owningLeaderWorkerSet(ModelServing ms) {
    if (ms == null || ms.getMetadata() == null || ms.getMetadata().getOwnerReferences() == null) {
      return Optional.empty();
    }
    return ms.getMetadata().getOwnerReferences().stream()
        .filter(ref -> LeaderWorkerSet.KIND.equals(ref.getKind()))
        .map(OwnerReference::getName)
        .filter(name -> name != null && !name.isEmpty())
        .findFirst();
  }

  /**
   * Upstream LWS {@code genGroupUniqueKey}: lowercase hex SHA-1 of {@code
   * <namespace>/<leaderPodName>}.
   */
  static String groupKey(String namespace, String leaderPodName) {
    return sha1Hex(namespace + "/" + leaderPodName);
  }

  /** Lowercase hex SHA-1 of the UTF-8 bytes of {@code text}, as upstream LWS keys are made. */
  static String sha1Hex(String text) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      byte[] digest = sha1.digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK provides SHA-1", e);
    }
  }
}
