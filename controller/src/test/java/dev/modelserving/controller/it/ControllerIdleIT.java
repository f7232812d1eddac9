package dev.modelserving.controller.it;

import static dev.modelserving.controller.it.ModelServingSupport.*;
import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.v1alpha1.ModelServing;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Once everything is Ready, the controller writes nothing: 60 s of watching ModelServings, a
 * LeaderWorkerSet, their pods, Services and the namespace's Events see no change at all.
 */
class ControllerIdleIT {
  @RegisterExtension static final TestNamespace ns = new TestNamespace("idle");

  @Test
  void sixtySecondsOfIdleProduceNoWrite() throws Exception {
    ModelServing ms =
        ModelServingYaml.of(
            "idle", 2, "", ModelServingYaml.role("p", 2, 2), ModelServingYaml.role("d", 1, 0));
    try (ControllerProcess controller = ControllerProcess.start("ControllerIdleIT")) {
      modelServings().inNamespace(ns.name()).resource(ms).create();
      Lws.lwss().inNamespace(ns.name()).resource(Lws.simple("idle-lws", 2, 3, "", "")).create();
      awaitAvailable(ns.name(), "idle", 2, expectedPodNames(ms));
      Lws.awaitReady(ns.name(), "idle-lws", 2, 3);
      Thread.sleep(3_000); // let the last status write and events settle
      List<String> writes = Collections.synchronizedList(new ArrayList<>());
      // Each watch starts at the resourceVersion of a fresh list, so every event it sees is a
      // write.
      var pods = client().pods().inNamespace(ns.name());
      var services = client().services().inNamespace(ns.name());
      var modelServings = modelServings().inNamespace(ns.name());
      var events = client().v1().events().inNamespace(ns.name());
      var lwss = Lws.lwss().inNamespace(ns.name());
      assertThat(pods.list().getItems()).hasSize(14 + 6);
      try (Watch a =
              pods.watch(
                  from(pods.list().getMetadata().getResourceVersion()), recorder("pod", writes));
          Watch b =
              services.watch(
                  from(services.list().getMetadata().getResourceVersion()),
                  recorder("service", writes));
          Watch c =
              modelServings.watch(
                  from(modelServings.list().getMetadata().getResourceVersion()),
                  recorder("modelserving", writes));
          Watch d =
              events.watch(
                  from(events.list().getMetadata().getResourceVersion()),
                  recorder("event", writes));
          Watch e =
              lwss.watch(
                  from(lwss.list().getMetadata().getResourceVersion()),
                  recorder("leaderworkerset", writes))) {
        Thread.sleep(60_000);
      }
      assertThat(writes).as("writes during 60 s of idle").isEmpty();
    }
  }

  private static ListOptions from(String resourceVersion) {
    return new ListOptionsBuilder().withResourceVersion(resourceVersion).build();
  }

  private static <T extends HasMetadata> Watcher<T> recorder(String kind, List<String> writes) {
    return new Watcher<>() {
      @Override
      public void eventReceived(Action action, T object) {
        writes.add(
            action
                + " "
                + kind
                + " "
                + object.getMetadata().getName()
                + " rv="
                + object.getMetadata().getResourceVersion());
      }

      @Override
      public void onClose(WatcherException cause) {}
    };
  }
}
