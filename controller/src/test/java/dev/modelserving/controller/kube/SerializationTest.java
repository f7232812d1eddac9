package dev.modelserving.controller.kube;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBase;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import com.fasterxml.jackson.databind.deser.SettableBeanProperty;
import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.volcano.v1beta1.PodGroup;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

/**
 * The shared serialisation: Blackbird's accessors inside fabric8's, and fabric8's JSON unchanged.
 */
class SerializationTest {
  private static final KubernetesSerialization FABRIC8 = new KubernetesSerialization();

  private static final String POD =
      """
      {"apiVersion":"v1","kind":"Pod","metadata":{"name":"l-0-1","namespace":"ns",
       "labels":{"leaderworkerset.sigs.k8s.io/name":"l"},"annotations":{"a":"b"},
       "unknownMetaField":{"x":1}},
       "spec":{"containers":[{"name":"c","image":"i","ports":[{"containerPort":8080}],
         "resources":{"limits":{"cpu":"500m","nvidia.com/gpu":"1"}},"futureField":"kept"}],
        "terminationGracePeriodSeconds":0},
       "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}}
      """;

  private static final String LWS =
      """
      {"apiVersion":"leaderworkerset.x-k8s.io/v1","kind":"LeaderWorkerSet",
       "metadata":{"name":"l","namespace":"ns"},
       "spec":{"replicas":2,"leaderWorkerTemplate":{"size":4,
         "workerTemplate":{"spec":{"containers":[{"name":"c","image":"i"}]}}}}}
      """;

  private static final String MODEL_SERVING =
      """
      {"apiVersion":"workload.serving.volcano.sh/v1alpha1","kind":"ModelServing",
       "metadata":{"name":"m","namespace":"ns"},
       "spec":{"replicas":1,"template":{"roles":[{"name":"r","replicas":1,"workerReplicas":1,
         "entryTemplate":{"spec":{"containers":[{"name":"c","image":"i"}]}}}]}}}
      """;

  @Test
  void fabric8WrapsBlackbirdsGeneratedAccessors() throws Exception {
    ObjectMapper mapper = Serialization.mapper();
    var deserializer =
        (BeanDeserializerBase)
            ((DefaultDeserializationContext) mapper.getDeserializationContext())
                .createInstance(mapper.getDeserializationConfig(), null, null)
                .findRootValueDeserializer(mapper.constructType(ObjectMeta.class));
    SettableBeanProperty name = deserializer.findProperty("name");
    // fabric8's wrapper (unmatched field types) stays outermost ...
    assertThat(name).isInstanceOf(SettableBeanProperty.Delegating.class);
    // ... around Blackbird's accessor instead of Jackson's reflective MethodProperty.
    assertThat(((SettableBeanProperty.Delegating) name).getDelegate().getClass().getName())
        .startsWith("com.fasterxml.jackson.module.blackbird.");
  }

  /**
   * A watch event names no Java type: fabric8 decodes its object by apiVersion and kind, and an
   * unregistered kind becomes a GenericKubernetesResource that every event then converts once more
   * into the informer's type (5% of the controller's CPU in the 800-pod benchmark's profile).
   */
  @Test
  void watchEventsOfOurKindsDecodeStraightIntoTheirTypes() {
    for (var json :
        new Object[][] {
          {POD, Pod.class},
          {LWS, LeaderWorkerSet.class},
          {MODEL_SERVING, ModelServing.class},
          {
            """
            {"apiVersion":"scheduling.volcano.sh/v1beta1","kind":"PodGroup",
             "metadata":{"name":"m-0","namespace":"ns"},"spec":{"minMember":2}}
            """,
            PodGroup.class
          }
        }) {
      WatchEvent event =
          Serialization.SHARED.unmarshal(
              "{\"type\":\"MODIFIED\",\"object\":" + json[0] + "}", WatchEvent.class);
      assertThat(event.getObject()).isInstanceOf((Class<?>) json[1]);
    }
  }

  @Test
  void decodesAndEncodesLikeFabric8() {
    for (var json :
        new Object[][] {
          {POD, Pod.class}, {LWS, LeaderWorkerSet.class}, {MODEL_SERVING, ModelServing.class}
        }) {
      @SuppressWarnings("unchecked")
      Class<Object> type = (Class<Object>) json[1];
      Object ours = Serialization.SHARED.unmarshal((String) json[0], type);
      Object theirs = FABRIC8.unmarshal((String) json[0], type);
      assertThat(ours).isEqualTo(theirs);
      assertThat(Serialization.SHARED.asJson(ours)).isEqualTo(FABRIC8.asJson(theirs));
      assertThat(Serialization.SHARED.clone(ours)).isEqualTo(theirs).isNotSameAs(ours);
    }
  }

  @Test
  void keepsFieldsTheModelDoesNotKnow() {
    Pod pod = Serialization.SHARED.unmarshal(POD, Pod.class);
    assertThat(pod.getMetadata().getAdditionalProperties()).containsKey("unknownMetaField");
    assertThat(pod.getSpec().getContainers().get(0).getAdditionalProperties())
        .containsEntry("futureField", "kept");
    assertThat(Serialization.SHARED.asJson(pod)).contains("\"futureField\":\"kept\"");
  }
}
