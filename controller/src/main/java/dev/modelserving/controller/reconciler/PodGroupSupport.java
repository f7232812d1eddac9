package dev.modelserving.controller.reconciler;

import dev.modelserving.api.volcano.v1beta1.PodGroup;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows Volcano's PodGroup CRD: while it is established a PodGroup informer runs (all namespaces)
 * and {@link #served()} is true; when the CRD appears or goes, every ModelServing is looked at
 * again, so PodGroups are made for groups that started without them. Transitions run on one thread
 * so that they never overlap.
 */
public final class PodGroupSupport implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PodGroupSupport.class);

  private final KubernetesClient client;
  private final ExecutorService lifecycle =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "podgroup-support"));
  private volatile boolean served;
  private volatile boolean subGroupPolicy;
  private volatile SharedIndexInformer<PodGroup> informer;
  private volatile Runnable onCrdChange = () -> {};
  private volatile Consumer<PodGroup> onPodGroupChange = pg -> {};
  private SharedIndexInformer<CustomResourceDefinition> crdInformer;

  public PodGroupSupport(KubernetesClient client) {
    this.client = client;
  }

  /**
   * Whom to tell: {@code crd} when the CRD comes or goes, {@code podGroup} when a PodGroup is
   * changed or deleted by someone.
   */
  public void listen(Runnable crd, Consumer<PodGroup> podGroup) {
    this.onCrdChange = crd;
    this.onPodGroupChange = podGroup;
  }

  /**
   * Starts watching the CRD; returns with the PodGroup cache synced when the CRD is there already.
   */
  public void start() {
    crdInformer =
        client
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName(PodGroup.CRD_NAME)
            .inform(
                new ResourceEventHandler<>() {
                  @Override
                  public void onAdd(CustomResourceDefinition crd) {
                    changed(crd);
                  }

                  @Override
                  public void onUpdate(CustomResourceDefinition old, CustomResourceDefinition crd) {
                    changed(crd);
                  }

                  @Override
                  public void onDelete(CustomResourceDefinition crd, boolean finalStateUnknown) {
                    lifecycle.execute(() -> stopInformer("the PodGroup CRD was removed"));
                  }
                });
    List<CustomResourceDefinition> now = crdInformer.getStore().list();
    if (now.isEmpty()) {
      log.info(
          "Volcano PodGroups are off: the CRD {} is not installed; they start when it appears",
          PodGroup.CRD_NAME);
    } else if (now.get(0).getMetadata().getDeletionTimestamp() == null && established(now.get(0))) {
      subGroupPolicy = hasSubGroupPolicy(now.get(0));
      try {
        lifecycle
            .submit(this::startInformer)
            .get(60, TimeUnit.SECONDS); // before the first reconcile
      } catch (Exception e) {
        log.warn("starting the PodGroup informer: {}", e.getMessage());
      }
    }
  }

  public boolean served() {
    return served;
  }

  /** Whether the served CRD has {@code spec.subGroupPolicy} (Volcano 1.14 and later). */
  public boolean subGroupPolicySupported() {
    return subGroupPolicy;
  }

  /** The PodGroups of {@code namespace} in the cache; none while the CRD is not served. */
  public List<PodGroup> inNamespace(String namespace) {
    SharedIndexInformer<PodGroup> i = informer;
    return i == null || !served
        ? List.of()
        : i.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace);
  }

  private void changed(CustomResourceDefinition crd) {
    if (crd.getMetadata().getDeletionTimestamp() != null) {
      lifecycle.execute(() -> stopInformer("the PodGroup CRD is being removed"));
    } else if (established(crd)) {
      subGroupPolicy = hasSubGroupPolicy(crd);
      lifecycle.execute(this::startInformer);
    }
  }

  private void startInformer() {
    if (informer != null) {
      return;
    }
    try {
      informer =
          client
              .resources(PodGroup.class)
              .inAnyNamespace()
              .inform(
                  new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(PodGroup pg) {}

                    @Override
                    public void onUpdate(PodGroup old, PodGroup pg) {
                      // Volcano writes the status often; only changes of what we set matter.
                      if (!Objects.equals(
                              old.getMetadata().getGeneration(), pg.getMetadata().getGeneration())
                          || !Objects.equals(
                              old.getMetadata().getLabels(), pg.getMetadata().getLabels())
                          || !Objects.equals(
                              old.getMetadata().getOwnerReferences(),
                              pg.getMetadata().getOwnerReferences())) {
                        onPodGroupChange.accept(pg);
                      }
                    }

                    @Override
                    public void onDelete(PodGroup pg, boolean finalStateUnknown) {
                      onPodGroupChange.accept(pg);
                    }
                  });
      served = true;
      log.info(
          "Volcano PodGroups are on (CRD {} served{})",
          PodGroup.CRD_NAME,
          subGroupPolicy ? ", with subGroupPolicy" : "");
    } catch (RuntimeException e) {
      log.error("cannot watch Volcano PodGroups: {}", e.getMessage(), e);
      informer = null;
      return;
    }
    notifyCrdChange();
  }

  private void notifyCrdChange() {
    try {
      onCrdChange.run();
    } catch (RuntimeException e) {
      log.warn(
          "cannot trigger a pass over the ModelServings after a PodGroup CRD change: {}",
          e.getMessage());
    }
  }

  private void stopInformer(String why) {
    if (informer == null) {
      return;
    }
    served = false;
    informer.close();
    informer = null;
    log.info("Volcano PodGroups are off: {}", why);
    notifyCrdChange();
  }

  private static boolean established(CustomResourceDefinition crd) {
    return crd.getStatus() != null
        && crd.getStatus().getConditions() != null
        && crd.getStatus().getConditions().stream()
            .anyMatch(c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static boolean hasSubGroupPolicy(CustomResourceDefinition crd) {
    return crd.getSpec().getVersions().stream()
        .filter(
            v ->
                PodGroup.VERSION.equals(v.getName())
                    && v.getSchema() != null
                    && v.getSchema().getOpenAPIV3Schema() != null)
        .map(v -> v.getSchema().getOpenAPIV3Schema().getProperties())
        .map(p -> p == null ? null : p.get("spec"))
        .map(spec -> spec == null ? null : spec.getProperties())
        .anyMatch(props -> props != null && props.get("subGroupPolicy") instanceof JSONSchemaProps);
  }

  @Override
  public void close() {
    if (crdInformer != null) {
      crdInformer.close();
    }
    lifecycle.execute(
        () -> {
          onCrdChange = () -> {};
          stopInformer("the controller is stopping");
        });
    lifecycle.shutdown();
    try {
      lifecycle.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
