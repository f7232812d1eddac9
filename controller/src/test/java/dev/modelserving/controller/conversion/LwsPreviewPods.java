package dev.modelserving.controller.conversion;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Labels;
import dev.modelserving.controller.plan.ServingGroupPlanner;
import dev.modelserving.controller.plugin.HookRequest;
import dev.modelserving.controller.plugin.PluginChain;
import dev.modelserving.controller.plugin.PluginException;
import dev.modelserving.controller.testing.PodFixture;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The first creation pass of a LeaderWorkerSet, computed here from the public pieces (conversion,
 * planner, plugin chain) rather than read back from the preview text, so that structural checks do
 * not depend on how {@link ConversionPreview} prints.
 */
public final class LwsPreviewPods {
  static final KubernetesSerialization SERIALIZATION = PodFixture.SERIALIZATION;
  private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

  private LwsPreviewPods() {}

  /** What the pods and Services of one LWS will be. */
  public record Preview(
      LeaderWorkerSet lws, ModelServing ms, List<Pod> pods, List<Service> services) {}

  /** Every LeaderWorkerSet document of a manifest, namespace defaulted as kubectl would. */
  public static List<LeaderWorkerSet> leaderWorkerSets(String yaml) {
    Object parsed =
        SERIALIZATION.unmarshal(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    List<?> documents =
        parsed instanceof KubernetesList list
            ? list.getItems()
            : parsed instanceof List<?> list ? list : List.of(parsed);
    List<LeaderWorkerSet> result = new ArrayList<>();
    for (Object document : documents) {
      if (document instanceof HasMetadata object && LeaderWorkerSet.KIND.equals(object.getKind())) {
        LeaderWorkerSet lws = SERIALIZATION.convertValue(object, LeaderWorkerSet.class);
        if (lws.getMetadata().getNamespace() == null) {
          lws.getMetadata().setNamespace("default");
        }
        lws.getMetadata().setUid("00000000-0000-0000-0000-000000000001");
        result.add(lws);
      }
    }
    return result;
  }

  /**
   * The pods (after the plugins ran) and Services the controller creates for {@code lws}; workers
   * pinned to their leader's domain (exclusive placement) are included, as made once it is
   * scheduled.
   */
  public static Preview preview(LeaderWorkerSet lws) throws PluginException {
    ModelServing ms = LwsToModelServing.convert(lws, Optional.empty());
    ms.getMetadata().setUid("00000000-0000-0000-0000-000000000002");
    ms.getMetadata()
        .getAnnotations()
        .remove(dev.modelserving.api.v1alpha1.ModelServingKeys.Annotations.WORKER_TOPOLOGY);
    var plan =
        ServingGroupPlanner.plan(
            new ServingGroupPlanner.Input(ms, List.of(), List.of(), List.of(), NOW));
    PluginChain plugins = PluginChain.build(ms);
    for (Pod pod : plan.podsToCreate()) {
      var labels = pod.getMetadata().getLabels();
      String group = labels.get(Labels.GROUP_NAME);
      int ordinal = Integer.parseInt(group.substring(ms.getMetadata().getName().length() + 1));
      int worker = Integer.parseInt(labels.get(Labels.WORKER_INDEX));
      plugins.onPodCreate(
          new HookRequest(
              ms,
              group,
              ordinal,
              labels.get(Labels.ROLE),
              labels.get(Labels.ROLE_ID),
              worker == 0,
              worker,
              pod));
    }
    return new Preview(lws, ms, plan.podsToCreate(), plan.servicesToCreate());
  }
}
