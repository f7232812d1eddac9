package dev.modelserving.controller.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.v1alpha1.ModelServing;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * TPU variables in LWS sub-groups, with the values of upstream's own pod-webhook tests (LWS.md
 * §2.3).
 */
class LwsPodIdentityTpuTest {

  private static Map<String, String> tpuEnv(
      int size, int subGroupSize, boolean leaderRequestsTpus, int group, int worker)
      throws PluginException {
    var config =
        new LwsPodIdentity.Config(
            "test-sample",
            size,
            "Shared",
            subGroupSize,
            "LeaderWorker",
            null,
            null,
            leaderRequestsTpus,
            null);
    String name = worker == 0 ? "test-sample-" + group : "test-sample-" + group + "-" + worker;
    Pod pod =
        new PodBuilder()
            .withMetadata(new ObjectMetaBuilder().withName(name).withNamespace("default").build())
            .withNewSpec()
            .withSubdomain("default")
            .addNewContainer()
            .withName("tpu")
            .withImage("jax")
            .withNewResources()
            .addToLimits("google.com/tpu", new Quantity("4"))
            .endResources()
            .endContainer()
            .endSpec()
            .build();
    ModelServing ms = new ModelServing();
    ms.setMetadata(
        new ObjectMetaBuilder().withName("test-sample").withNamespace("default").build());
    new LwsPodIdentity(config)
        .onPodCreate(
            new HookRequest(
                ms,
                "test-sample-" + group,
                group,
                "default",
                "default-0",
                worker == 0,
                worker,
                pod));
    return pod.getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getName().startsWith("TPU_"))
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }

  @Test
  void workerWithoutTpuLeaderGetsTheHostsOfItsSubGroup() throws PluginException {
    Map<String, String> env = tpuEnv(11, 5, false, 1, 7);
    assertThat(env)
        .containsEntry(
            "TPU_WORKER_HOSTNAMES",
            "test-sample-1-6.default,test-sample-1-7.default,test-sample-1-8.default,test-sample-1-9.default,test-sample-1-10.default");
    assertThat(env).containsEntry("TPU_WORKER_ID", "1").containsEntry("TPU_NAME", "test-sample-1");
  }

  @Test
  void leaderRequestingTpusLeadsTheFirstSubGroup() throws PluginException {
    Map<String, String> env = tpuEnv(4, 2, true, 0, 0);
    assertThat(env)
        .containsEntry("TPU_WORKER_HOSTNAMES", "test-sample-0.default,test-sample-0-1.default")
        .containsEntry("TPU_WORKER_ID", "0")
        .containsEntry(
            "TPU_PROCESS_ADDRESSES", "test-sample-0.default:8476,test-sample-0-1.default:8476")
        .containsEntry("TPU_PROCESS_PORT", "8476");
  }

  @Test
  void workerOfALaterSubGroupWithATpuLeaderStartsOneBefore() throws PluginException {
    // size 5, subGroupSize 2, leader with TPUs: worker 3 is in sub-group 1 = {leader-2, leader-3}.
    Map<String, String> env = tpuEnv(5, 2, true, 0, 3);
    assertThat(env)
        .containsEntry("TPU_WORKER_HOSTNAMES", "test-sample-0-2.default,test-sample-0-3.default")
        .containsEntry("TPU_WORKER_ID", "1");
  }
}
