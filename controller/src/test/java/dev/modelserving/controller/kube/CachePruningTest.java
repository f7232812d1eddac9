package dev.modelserving.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.v1alpha1.ModelServing;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the informer caches keep of an object as the API server sends it. */
class CachePruningTest {
  private static final KubernetesSerialization JSON = new KubernetesSerialization();

  /** A worker pod as the API server returns it (trimmed), with managedFields of two managers. */
  private static final String POD =
      """
      apiVersion: v1
      kind: Pod
      metadata:
        name: l-0-1
        namespace: ns
        uid: 0b6d1c57-ffd2-4c4b-a6b2-0a31b0a3a4c1
        resourceVersion: "4711"
        generation: 1
        creationTimestamp: "2026-12-01T12:47:01Z"
        deletionTimestamp: "2026-12-01T12:50:00Z"
        annotations:
          leaderworkerset.sigs.k8s.io/size: "2"
          kubectl.kubernetes.io/last-applied-configuration: '{"apiVersion":"v1","kind":"Pod"}'
        labels:
          leaderworkerset.sigs.k8s.io/name: l
          leaderworkerset.sigs.k8s.io/group-index: "0"
          leaderworkerset.sigs.k8s.io/worker-index: "1"
          leaderworkerset.sigs.k8s.io/template-revision-hash: rev
        ownerReferences:
        - apiVersion: workload.serving.volcano.sh/v1alpha1
          kind: ModelServing
          name: l
          uid: 3c6a3afd-3ff8-4560-9bbc-3f26455a01ce
          controller: true
          blockOwnerDeletion: true
        managedFields:
        - manager: kwok
          operation: Update
          subresource: status
          apiVersion: v1
          time: "2026-12-01T12:47:02Z"
          fieldsType: FieldsV1
          fieldsV1: {"f:status": {"f:phase": {}, "f:conditions": {"k:{\\"type\\":\\"Ready\\"}": {".": {}}}}}
        - manager: modelserving-controller
          operation: Update
          apiVersion: v1
          time: "2026-12-01T12:47:01Z"
          fieldsType: FieldsV1
          fieldsV1: {"f:metadata": {"f:labels": {".": {}}}, "f:spec": {"f:containers": {}}}
      spec:
        nodeName: kwok-node-1
        containers:
        - name: worker
          image: vllm/vllm-openai:v0.8.5
          command: ["sh", "-c", "serve"]
      status:
        phase: Running
        hostIP: 10.0.0.1
        podIP: 10.244.0.231
        conditions:
        - type: Ready
          status: "True"
        - type: PodScheduled
          status: "True"
        containerStatuses:
        - name: worker
          image: vllm/vllm-openai:v0.8.5
          imageID: ""
          ready: true
          restartCount: 0
      """;

  private static Pod pod() {
    return JSON.unmarshal(POD, Pod.class);
  }

  @Test
  void dropsManagedFieldsAndTheLastAppliedAnnotationAndKeepsEverythingElse() {
    Pod full = pod();
    Pod pruned = CachePruning.pruned(pod());

    assertThat(pruned.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(pruned.getMetadata().getAnnotations())
        .containsOnlyKeys("leaderworkerset.sigs.k8s.io/size");
    full.getMetadata().setManagedFields(null);
    full.getMetadata().getAnnotations().remove("kubectl.kubernetes.io/last-applied-configuration");
    assertThat(pruned).isEqualTo(full);
  }

  @Test
  void theStoreKeepsThePrunedObjectUnderItsKey() {
    var store = CachePruning.<Pod>store();
    Pod pod = pod();
    store.put(store.getKey(pod), pod);

    Pod cached = store.get("ns/l-0-1");
    assertThat(cached.getMetadata().getManagedFields()).isNullOrEmpty();
    assertThat(cached.getMetadata().getResourceVersion()).isEqualTo("4711");
    assertThat(cached.getSpec().getNodeName()).isEqualTo("kwok-node-1");
  }

  @Test
  void theStoreSharesOneEmptyMapAndListForEveryEmptyCollectionAndTheObjectReadsTheSame() {
    var store = CachePruning.<Pod>store();
    store.put("ns/l-0-1", pod());

    Pod cached = store.get("ns/l-0-1");
    assertThat(cached).isEqualTo(CachePruning.pruned(pod()));
    assertThat(cached.getAdditionalProperties()).isSameAs(java.util.Map.of());
    assertThat(cached.getMetadata().getFinalizers()).isSameAs(List.of());
    assertThat(cached.getSpec().getVolumes()).isSameAs(List.of());
    assertThat(cached.getSpec().getContainers().get(0).getAdditionalProperties())
        .isSameAs(java.util.Map.of());
    assertThat(cached.getStatus().getConditions().get(0).getAdditionalProperties())
        .isSameAs(java.util.Map.of());
    assertThat(cached.getMetadata().getLabels()).hasSize(4);
    // What is built from a cached object has collections of its own.
    Pod built =
        new io.fabric8.kubernetes.api.model.PodBuilder(cached)
            .editMetadata()
            .addToFinalizers("f")
            .addToAdditionalProperties("x", "y")
            .endMetadata()
            .editSpec()
            .addNewVolume()
            .withName("v")
            .endVolume()
            .endSpec()
            .build();
    assertThat(built.getMetadata().getFinalizers()).containsExactly("f");
    assertThat(cached.getMetadata().getFinalizers()).isEmpty();
    assertThat(JSON.asJson(JSON.clone(cached))).isEqualTo(JSON.asJson(CachePruning.pruned(pod())));
  }

  /** A ModelServing as the API server returns it (trimmed): a custom resource, spec and status. */
  private static final String MODEL_SERVING =
      """
      apiVersion: workload.serving.volcano.sh/v1alpha1
      kind: ModelServing
      metadata:
        name: l
        namespace: ns
        uid: 3c6a3afd-3ff8-4560-9bbc-3f26455a01ce
        resourceVersion: "4712"
        generation: 1
      spec:
        replicas: 1
        template:
          roles:
          - name: leader
            replicas: 1
            workerReplicas: 1
            entryTemplate:
              spec:
                containers:
                - name: leader
                  image: vllm/vllm-openai:v0.8.5
            workerTemplate:
              spec:
                containers:
                - name: worker
                  image: vllm/vllm-openai:v0.8.5
      status:
        observedGeneration: 1
        conditions:
        - type: Available
          status: "True"
          reason: AllGroupsReady
          lastTransitionTime: "2026-12-01T12:47:05Z"
      """;

  @Test
  void customResourcesShareTheirEmptiesLikeFabric8sOwnTypes() {
    var store = CachePruning.<ModelServing>store();
    store.put("ns/l", JSON.unmarshal(MODEL_SERVING, ModelServing.class));

    ModelServing cached = store.get("ns/l");
    // The spec, status and metadata fields are declared by fabric8's CustomResource, not by the
    // API type: the walk has to go through them too.
    assertThat(cached.getMetadata().getFinalizers()).isSameAs(List.of());
    var entry = cached.getSpec().getTemplate().getRoles().get(0).getEntryTemplate().getSpec();
    assertThat(entry.getVolumes()).isSameAs(List.of());
    assertThat(entry.getContainers().get(0).getEnv()).isSameAs(List.of());
    assertThat(entry.getContainers().get(0).getAdditionalProperties()).isSameAs(Map.of());
    assertThat(cached.getStatus().getConditions().get(0).getAdditionalProperties())
        .isSameAs(Map.of());
    assertThat(JSON.asJson(cached))
        .isEqualTo(JSON.asJson(JSON.unmarshal(MODEL_SERVING, ModelServing.class)));
  }

  @Test
  void aStringThatRepeatsAcrossCachedObjectsIsKeptOnce() {
    var store = CachePruning.podStore();
    Pod one = pod();
    Pod two = pod();
    two.getMetadata().setName("l-0-2");
    assertThat(one.getStatus().getPhase()).isNotSameAs(two.getStatus().getPhase());
    store.put("ns/l-0-1", one);
    store.put("ns/l-0-2", two);

    Pod a = store.get("ns/l-0-1");
    Pod b = store.get("ns/l-0-2");
    assertThat(a.getStatus().getPhase()).isSameAs(b.getStatus().getPhase());
    assertThat(a.getStatus().getConditions().get(0).getType())
        .isSameAs(b.getStatus().getConditions().get(0).getType());
    assertThat(a.getSpec().getNodeName()).isSameAs(b.getSpec().getNodeName());
    assertThat(a.getMetadata().getOwnerReferences().get(0).getUid())
        .isSameAs(b.getMetadata().getOwnerReferences().get(0).getUid());
  }

  @Test
  void thePodViewKeepsMetadataStatusAndOfTheSpecOnlyTheFieldsReconcilersRead() {
    Pod full = pod();
    full.getSpec().setSchedulerName("volcano");
    full.getSpec()
        .setSchedulingGates(List.of(new io.fabric8.kubernetes.api.model.PodSchedulingGate("g")));
    full.getSpec().setNodeSelector(java.util.Map.of("zone", "a"));
    full.getSpec().setHostname("l-0-1");
    full.getSpec().setSubdomain("l");
    full.getSpec().setServiceAccountName("default");

    Pod view = CachePruning.podView(JSON.clone(full));

    assertThat(view.getMetadata()).isEqualTo(CachePruning.pruned(JSON.clone(full)).getMetadata());
    assertThat(view.getStatus()).isEqualTo(full.getStatus());
    io.fabric8.kubernetes.api.model.PodSpec kept = new io.fabric8.kubernetes.api.model.PodSpec();
    kept.setNodeName("kwok-node-1");
    kept.setSchedulerName("volcano");
    kept.setSchedulingGates(List.of(new io.fabric8.kubernetes.api.model.PodSchedulingGate("g")));
    assertThat(view.getSpec()).isEqualTo(kept);
    assertThat(view.getSpec().getContainers()).isEmpty();
  }

  @Test
  void thePodStoreKeepsTheViewWithSharedEmpties() {
    var store = CachePruning.podStore();
    store.put("ns/l-0-1", pod());

    Pod cached = store.get("ns/l-0-1");
    assertThat(cached).isEqualTo(CachePruning.podView(pod()));
    assertThat(cached.getSpec().getNodeName()).isEqualTo("kwok-node-1");
    assertThat(cached.getSpec().getContainers()).isSameAs(List.of());
    assertThat(cached.getSpec().getAdditionalProperties()).isSameAs(java.util.Map.of());
    assertThat(cached.getStatus().getContainerStatuses()).hasSize(1);
  }

  @Test
  void aPodWithoutSpecStaysWithoutSpec() {
    Pod pod = pod();
    pod.setSpec(null);
    assertThat(CachePruning.podView(pod).getSpec()).isNull();
  }

  @Test
  void statefulSetsKeepWhoChangedThemAndWhenWithoutTheFieldSets() {
    StatefulSet set = new StatefulSet();
    set.setMetadata(pod().getMetadata());

    StatefulSet pruned = CachePruning.prunedKeepingManagers(set);

    assertThat(pruned.getMetadata().getManagedFields())
        .extracting(e -> e.getManager(), e -> e.getTime(), e -> e.getFieldsV1())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("kwok", "2026-12-01T12:47:02Z", null),
            org.assertj.core.groups.Tuple.tuple(
                "modelserving-controller", "2026-12-01T12:47:01Z", null));
  }
}
