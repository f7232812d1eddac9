package dev.modelserving.controller.testing;

import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingSpec;
import dev.modelserving.api.v1alpha1.ModelServingStatus;
import dev.modelserving.api.v1alpha1.PluginSpec;
import dev.modelserving.api.v1alpha1.PodTemplate;
import dev.modelserving.api.v1alpha1.PodTemplateMetadata;
import dev.modelserving.api.v1alpha1.RecoveryPolicy;
import dev.modelserving.api.v1alpha1.Role;
import dev.modelserving.api.v1alpha1.ServingGroup;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Builds ModelServings for tests:
 *
 * <pre>{@code
 * ModelServingFixture.named("m").inNamespace("ns").uid("u1").replicas(2)
 *     .role("prefill", 1, 2)   // name, role replicas, workerReplicas
 *     .role("decode", 2, 0)
 *     .recovery(RecoveryPolicy.None)
 *     .build();
 * }</pre>
 *
 * Each role gets an entry template with one container {@code leader} (image nginx, port 8080) and,
 * when it has workers, a worker template with one container {@code worker}. {@link #role(String,
 * int, int, Consumer)} lets a test change the generated {@link Role} further.
 */
public final class ModelServingFixture {

  private String name;
  private String namespace = "ns";
  private String uid = "uid-1";
  private Long generation = 1L;
  private Integer replicas = 1;
  private String schedulerName;
  private RecoveryPolicy recovery;
  private Long restartGracePeriodSeconds;
  private List<PluginSpec> plugins;
  private final Map<String, String> annotations = new LinkedHashMap<>();
  private final List<Role> roles = new ArrayList<>();
  private ModelServingStatus status;

  private ModelServingFixture(String name) {
    this.name = name;
  }

  public static ModelServingFixture named(String name) {
    return new ModelServingFixture(name);
  }

  public ModelServingFixture inNamespace(String namespace) {
    this.namespace = namespace;
    return this;
  }

  public ModelServingFixture uid(String uid) {
    this.uid = uid;
    return this;
  }

  public ModelServingFixture generation(Long generation) {
    this.generation = generation;
    return this;
  }

  /** {@code spec.replicas}: serving groups; null leaves it unset (defaults to 1). */
  public ModelServingFixture replicas(Integer replicas) {
    this.replicas = replicas;
    return this;
  }

  public ModelServingFixture schedulerName(String schedulerName) {
    this.schedulerName = schedulerName;
    return this;
  }

  public ModelServingFixture recovery(RecoveryPolicy recovery) {
    this.recovery = recovery;
    return this;
  }

  public ModelServingFixture restartGracePeriodSeconds(long seconds) {
    this.restartGracePeriodSeconds = seconds;
    return this;
  }

  public ModelServingFixture plugins(List<PluginSpec> plugins) {
    this.plugins = plugins;
    return this;
  }

  public ModelServingFixture annotation(String key, String value) {
    annotations.put(key, value);
    return this;
  }

  public ModelServingFixture status(ModelServingStatus status) {
    this.status = status;
    return this;
  }

  /** A role with {@code replicas} role replicas of 1 entry + {@code workers} worker pods. */
  public ModelServingFixture role(String name, Integer replicas, int workers) {
    return role(name, replicas, workers, r -> {});
  }

  /** Like {@link #role(String, Integer, int)}, then {@code tweak} may change the role. */
  public ModelServingFixture role(
      String name, Integer replicas, int workers, Consumer<Role> tweak) {
    Role role = new Role();
    role.setName(name);
    role.setReplicas(replicas);
    role.setEntryTemplate(template("leader"));
    role.setWorkerReplicas(workers);
    if (workers > 0) {
      role.setWorkerTemplate(template("worker"));
    }
    tweak.accept(role);
    roles.add(role);
    return this;
  }

  /** A pod template with one nginx container of the given name listening on 8080. */
  public static PodTemplate template(String containerName) {
    PodSpec spec = new PodSpec();
    spec.setContainers(
        new ArrayList<>(
            List.of(
                new ContainerBuilder()
                    .withName(containerName)
                    .withImage("nginx")
                    .withPorts(new ContainerPortBuilder().withContainerPort(8080).build())
                    .build())));
    PodTemplate template = new PodTemplate();
    template.setSpec(spec);
    return template;
  }

  /** The template's metadata, created when absent, for tweaks that add labels or annotations. */
  public static PodTemplateMetadata metadataOf(PodTemplate template) {
    if (template.getMetadata() == null) {
      template.setMetadata(new PodTemplateMetadata());
      template.getMetadata().setLabels(new LinkedHashMap<>());
      template.getMetadata().setAnnotations(new LinkedHashMap<>());
    }
    return template.getMetadata();
  }

  public ModelServing build() {
    ModelServing ms = new ModelServing();
    ObjectMeta meta = new ObjectMeta();
    meta.setName(name);
    meta.setNamespace(namespace);
    meta.setUid(uid);
    meta.setGeneration(generation);
    meta.setAnnotations(annotations.isEmpty() ? null : new LinkedHashMap<>(annotations));
    ms.setMetadata(meta);
    ModelServingSpec spec = new ModelServingSpec();
    spec.setReplicas(replicas);
    spec.setSchedulerName(schedulerName);
    spec.setRecoveryPolicy(recovery);
    spec.setPlugins(plugins);
    ServingGroup group = new ServingGroup();
    group.setRestartGracePeriodSeconds(restartGracePeriodSeconds);
    // Deep copies, so that one fixture can build several independent ModelServings.
    group.setRoles(
        new ArrayList<>(roles.stream().map(r -> PodFixture.SERIALIZATION.clone(r)).toList()));
    spec.setTemplate(group);
    ms.setSpec(spec);
    ms.setStatus(status);
    return ms;
  }

  /** Kthena's examples/model-serving/sample.yaml: 1 group, prefill and decode, 3 workers each. */
  public static ModelServingFixture kthenaSample() {
    return named("sample")
        .inNamespace("default")
        .uid("0b7c6f2e-sample")
        .schedulerName("volcano")
        .replicas(1)
        .restartGracePeriodSeconds(60)
        .role("prefill", 1, 3)
        .role("decode", 1, 3);
  }
}
