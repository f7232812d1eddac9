package dev.modelserving.controller.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelserving.api.lws.v1.LwsKeys;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RollTimelineTest {
  private static final long SECOND = 1_000_000_000L;

  private static Pod pod(String lws, String name, String uid, String rev, boolean ready) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withUid(uid)
        .addToLabels(LwsKeys.Labels.NAME, lws)
        .addToAnnotations("rev", rev)
        .endMetadata()
        .withNewStatus()
        .addNewCondition()
        .withType("Ready")
        .withStatus(ready ? "True" : "False")
        .endCondition()
        .endStatus()
        .build();
  }

  private static Pod deleting(Pod p) {
    return new PodBuilder(p).editMetadata().withDeletionTimestamp("t").endMetadata().build();
  }

  @Test
  void eachStageOfAGroupIsTimedFromTheEventsOfItsPods() {
    AtomicLong now = new AtomicLong(0);
    Pod old0 = pod("a", "a-0", "o0", "1", true);
    Pod old1 = pod("a", "a-0-1", "o1", "1", true);
    RollTimeline t =
        new RollTimeline(
            0,
            2,
            now::get,
            List.of(old0, old1),
            p -> "2".equals(p.getMetadata().getAnnotations().get("rev")),
            p ->
                p.getStatus().getConditions().stream()
                    .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())));
    now.set(1 * SECOND);
    t.edited("a");
    assertThat(t.stages()).contains("old deleted 1").contains("done 0");
    now.set(3 * SECOND);
    t.onUpdate(old0, deleting(old0));
    t.onUpdate(old1, deleting(old1));
    now.set(4 * SECOND);
    t.onDelete(deleting(old0), false);
    assertThat(t.stages()).contains("old gone 1");
    now.set(6 * SECOND);
    t.onDelete(deleting(old1), false);
    // same names, new UIDs
    now.set(10 * SECOND);
    t.onAdd(pod("a", "a-0", "n0", "2", false));
    assertThat(t.stages()).contains("new created 1");
    t.onAdd(pod("a", "a-0-1", "n1", "2", false));
    now.set(11 * SECOND);
    t.onUpdate(null, pod("a", "a-0", "n0", "2", true));
    assertThat(t.stages()).contains("new Ready 1");
    now.set(12 * SECOND);
    t.onUpdate(null, pod("a", "a-0-1", "n1", "2", true));
    assertThat(t.stages()).contains("done 1");

    Map<String, Object> s = t.summary();
    assertThat(s.get("edited->oldDeleting")).isEqualTo(Map.of("p50", 2.0, "p90", 2.0, "p100", 2.0));
    assertThat(s.get("oldDeleting->oldGone"))
        .isEqualTo(Map.of("p50", 3.0, "p90", 3.0, "p100", 3.0));
    assertThat(s.get("oldGone->newCreated")).isEqualTo(Map.of("p50", 4.0, "p90", 4.0, "p100", 4.0));
    assertThat(s.get("newCreated->newReady"))
        .isEqualTo(Map.of("p50", 2.0, "p90", 2.0, "p100", 2.0));
    assertThat(s.get("edited->newReady")).isEqualTo(Map.of("p50", 11.0, "p90", 11.0, "p100", 11.0));
    assertThat(((Map<?, ?>) s.get("groupsDoneAtSeconds")).get("p100")).isEqualTo(12.0);
  }
}
