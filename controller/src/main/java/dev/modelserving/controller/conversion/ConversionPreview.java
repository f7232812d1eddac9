package dev.modelserving.controller.conversion;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Labels;
import dev.modelserving.controller.kube.Serialization;
import dev.modelserving.controller.lws.DefaultedLeaderWorkerSet;
import dev.modelserving.controller.lws.LwsValidator;
import dev.modelserving.controller.plan.Plan;
import dev.modelserving.controller.plan.ServingGroupPlanner;
import dev.modelserving.controller.plugin.HookRequest;
import dev.modelserving.controller.plugin.PluginChain;
import dev.modelserving.controller.plugin.PluginException;
import dev.modelserving.controller.validation.ModelServingValidator;
import dev.modelserving.controller.validation.Violation;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What {@code modelserving convert} prints (pure): for each LeaderWorkerSet document, the
 * ModelServing it becomes as YAML (ready for {@code kubectl apply}), followed by a commented
 * summary of the pods (names, labels, leading env vars) and Services it would run. Other documents
 * are skipped with a note; invalid LeaderWorkerSets are errors naming the field.
 */
public final class ConversionPreview {
  private static final KubernetesSerialization SERIALIZATION = Serialization.SHARED;

  /**
   * Reads each document as a GenericKubernetesResource whatever its kind (a List as a list), so
   * that one document of the wrong shape is reported on its own instead of failing the whole file;
   * the shared serialisation decodes known kinds, LeaderWorkerSet among them, straight into their
   * types.
   */
  private static final KubernetesSerialization DOCUMENTS = documentsOnly();

  private static KubernetesSerialization documentsOnly() {
    KubernetesSerialization documents = new KubernetesSerialization(new ObjectMapper(), false);
    documents.registerKubernetesResource(io.fabric8.kubernetes.api.model.KubernetesList.class);
    return documents;
  }

  private static final Instant PREVIEW_TIME = Instant.parse("2000-01-01T00:00:00Z");

  private ConversionPreview() {}

  public record Result(String output, List<String> errors) {}

  public static Result render(String yaml) {
    StringBuilder out = new StringBuilder();
    List<String> errors = new ArrayList<>();
    List<Object> documents;
    try {
      Object parsed =
          DOCUMENTS.unmarshal(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
      documents =
          parsed instanceof List<?> list ? new ArrayList<>(list) : new ArrayList<>(List.of(parsed));
      if (parsed instanceof io.fabric8.kubernetes.api.model.KubernetesList list) {
        documents = new ArrayList<>(list.getItems());
      }
    } catch (RuntimeException e) {
      return new Result(
          "", List.of("cannot read the manifest as Kubernetes YAML: " + rootMessage(e)));
    }
    int index = 0;
    boolean first = true;
    for (Object document : documents) {
      index++;
      if (!(document instanceof HasMetadata object)) {
        continue;
      }
      if (!LeaderWorkerSet.KIND.equals(object.getKind())) {
        out.append("# document ")
            .append(index)
            .append(": ")
            .append(object.getKind())
            .append(' ')
            .append(object.getMetadata() == null ? "" : object.getMetadata().getName())
            .append(" is not a LeaderWorkerSet; left as is\n");
        continue;
      }
      LeaderWorkerSet lws;
      try {
        lws =
            SERIALIZATION.convertValue(
                object instanceof GenericKubernetesResource g ? g : (KubernetesResource) object,
                LeaderWorkerSet.class);
      } catch (RuntimeException e) {
        errors.add("document " + index + ": not a valid LeaderWorkerSet: " + rootMessage(e));
        continue;
      }
      if (lws.getMetadata().getNamespace() == null) {
        lws.getMetadata().setNamespace("default");
      }
      lws.getMetadata().setUid("00000000-0000-0000-0000-000000000000"); // a preview has no server
      DefaultedLeaderWorkerSet defaulted = DefaultedLeaderWorkerSet.of(lws);
      List<Violation> violations = new ArrayList<>(LwsValidator.validate(defaulted));
      violations.addAll(LwsValidator.unsupported(defaulted));
      if (!violations.isEmpty()) {
        violations.forEach(
            v -> errors.add("LeaderWorkerSet " + lws.getMetadata().getName() + ": " + v));
        continue;
      }
      ModelServing ms = LwsToModelServing.convert(defaulted, Optional.empty());
      ms.getMetadata().setUid(lws.getMetadata().getUid());
      List<Violation> msViolations = ModelServingValidator.validate(ms);
      if (!msViolations.isEmpty()) {
        msViolations.forEach(
            v ->
                errors.add(
                    "LeaderWorkerSet "
                        + lws.getMetadata().getName()
                        + " converts to an invalid ModelServing: "
                        + v));
        continue;
      }
      if (!first) {
        out.append("---\n");
      }
      first = false;
      ModelServing printable = SERIALIZATION.clone(ms);
      printable.getMetadata().setUid(null);
      printable
          .getMetadata()
          .getOwnerReferences()
          .forEach(r -> r.setUid("<uid of the LeaderWorkerSet>"));
      out.append(SERIALIZATION.asYaml(printable).replaceFirst("^---\n", ""));
      summarize(ms, out, errors);
    }
    if (first && errors.isEmpty()) {
      errors.add("no LeaderWorkerSet found in the manifest");
    }
    return new Result(out.toString(), errors);
  }

  private static void summarize(ModelServing ms, StringBuilder out, List<String> errors) {
    // Workers pinned to their leader's domain wait for it to be scheduled; shown here as they will
    // be.
    String workerTopology =
        ms.getMetadata()
            .getAnnotations()
            .get(dev.modelserving.api.v1alpha1.ModelServingKeys.Annotations.WORKER_TOPOLOGY);
    ModelServing planned = SERIALIZATION.clone(ms);
    planned
        .getMetadata()
        .getAnnotations()
        .remove(dev.modelserving.api.v1alpha1.ModelServingKeys.Annotations.WORKER_TOPOLOGY);
    Plan plan =
        ServingGroupPlanner.plan(
            new ServingGroupPlanner.Input(planned, List.of(), List.of(), List.of(), PREVIEW_TIME));
    PluginChain plugins;
    try {
      plugins = PluginChain.build(ms);
    } catch (PluginException e) {
      errors.add(e.field() + ": " + e.getMessage());
      return;
    }
    out.append("# Pods (").append(plan.podsToCreate().size()).append("):\n");
    for (Pod pod : plan.podsToCreate()) {
      var labels = pod.getMetadata().getLabels();
      String group = labels.get(Labels.GROUP_NAME);
      int worker = Integer.parseInt(labels.get(Labels.WORKER_INDEX));
      try {
        plugins.onPodCreate(
            new HookRequest(
                ms,
                group,
                Integer.parseInt(group.substring(group.lastIndexOf('-') + 1)),
                labels.get(Labels.ROLE),
                labels.get(Labels.ROLE_ID),
                worker == 0,
                worker,
                pod));
      } catch (PluginException e) {
        errors.add(e.field() + ": " + e.getMessage());
        return;
      }
      out.append("#   ")
          .append(pod.getMetadata().getName())
          .append(worker == 0 ? "  (leader)" : "  (worker " + worker + ")")
          .append("  hostname ")
          .append(pod.getSpec().getHostname())
          .append('.')
          .append(pod.getSpec().getSubdomain())
          .append('\n');
      out.append("#     labels: ")
          .append(join(new TreeMap<>(pod.getMetadata().getLabels())))
          .append('\n');
      if (pod.getMetadata().getAnnotations() != null
          && !pod.getMetadata().getAnnotations().isEmpty()) {
        out.append("#     annotations: ")
            .append(join(new TreeMap<>(pod.getMetadata().getAnnotations())))
            .append('\n');
      }
      if (workerTopology != null && worker > 0) {
        out.append("#     created once the leader is scheduled, with nodeSelector ")
            .append(workerTopology)
            .append("=<its value on the leader's node>\n");
      }
      for (Container c : pod.getSpec().getContainers()) {
        List<String> env = new ArrayList<>();
        for (EnvVar e : c.getEnv()) {
          if (e.getName().startsWith("LWS_")
              || e.getName().startsWith("TPU_")
              || List.of("ENTRY_ADDRESS", "WORKER_INDEX", "GROUP_SIZE").contains(e.getName())) {
            env.add(e.getName() + "=" + e.getValue());
          }
        }
        out.append("#     env (")
            .append(c.getName())
            .append("): ")
            .append(String.join(", ", env))
            .append('\n');
      }
    }
    out.append("# Services (").append(plan.servicesToCreate().size()).append("):\n");
    for (Service svc : plan.servicesToCreate()) {
      out.append("#   ")
          .append(svc.getMetadata().getName())
          .append("  headless, selects ")
          .append(join(new TreeMap<>(svc.getSpec().getSelector())))
          .append('\n');
    }
  }

  private static String join(Map<String, String> map) {
    List<String> parts = new ArrayList<>();
    map.forEach((k, v) -> parts.add(k + "=" + v));
    return String.join(", ", parts);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null
        ? t.getClass().getSimpleName()
        : t.getMessage().lines().findFirst().orElse("");
  }
}
