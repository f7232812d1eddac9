package dev.modelserving.controller.plan;

import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Labels;
import dev.modelserving.api.v1alpha1.Role;
import dev.modelserving.controller.podgen.Revisions;
import dev.modelserving.controller.testing.ModelServingFixture;
import dev.modelserving.controller.testing.PodFixture;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Test support for the planning policies: a ModelServing at its current template, the same one at
 * an older template (another image), ready pods of either, and the {@link PlanContext} a policy
 * reads.
 */
final class PlanScenario {
  static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");
  static final Instant CREATED = NOW.minus(Duration.ofHours(1));

  private PlanScenario() {}

  /** The same fixture with every container image set to {@code image}. */
  static ModelServing withImage(ModelServing ms, String image) {
    ModelServing copy = PodFixture.SERIALIZATION.clone(ms);
    for (Role role : copy.getSpec().getTemplate().getRoles()) {
      role.getEntryTemplate().getSpec().getContainers().forEach(c -> c.setImage(image));
      if (role.getWorkerTemplate() != null) {
        role.getWorkerTemplate().getSpec().getContainers().forEach(c -> c.setImage(image));
      }
    }
    return copy;
  }

  /** The ModelServing with {@code role}'s images changed only: other roles keep their hash. */
  static ModelServing withRoleImage(ModelServing ms, String role, String image) {
    ModelServing copy = PodFixture.SERIALIZATION.clone(ms);
    Role r = PodFixture.role(copy, role);
    r.getEntryTemplate().getSpec().getContainers().forEach(c -> c.setImage(image));
    if (r.getWorkerTemplate() != null) {
      r.getWorkerTemplate().getSpec().getContainers().forEach(c -> c.setImage(image));
    }
    return copy;
  }

  static String revision(ModelServing ms) {
    return Revisions.ofRoles(ms.getSpec().getTemplate().getRoles());
  }

  /** Running and Ready pods of the given groups, built from {@code ms}'s template. */
  static List<Pod> ready(ModelServing ms, int... groups) {
    List<Pod> pods = new ArrayList<>();
    for (int g : groups) {
      pods.addAll(PodFixture.allRunningReady(PodFixture.groupPods(ms, g), CREATED));
    }
    return pods;
  }

  @SafeVarargs
  static List<Pod> concat(List<Pod>... lists) {
    List<Pod> all = new ArrayList<>();
    for (List<Pod> l : lists) {
      all.addAll(l);
    }
    return all;
  }

  static List<Pod> with(List<Pod> pods, Predicate<Pod> which, UnaryOperator<PodFixture> change) {
    return pods.stream()
        .map(p -> which.test(p) ? change.apply(PodFixture.of(p)).build() : p)
        .toList();
  }

  static Predicate<Pod> named(String... names) {
    List<String> list = List.of(names);
    return p -> list.contains(p.getMetadata().getName());
  }

  static Predicate<Pod> inGroup(String group) {
    return p -> group.equals(p.getMetadata().getLabels().get(Labels.GROUP_NAME));
  }

  static List<String> names(Collection<? extends HasMetadata> objects) {
    return objects.stream().map(o -> o.getMetadata().getName()).toList();
  }

  static List<String> messages(PlanPart part) {
    return part.notes().stream().map(Plan.Note::message).toList();
  }

  static PlanContext context(ModelServing ms, List<Pod> pods) {
    return context(ms, pods, List.of(), Map.of());
  }

  static PlanContext context(
      ModelServing ms,
      List<Pod> pods,
      List<Disruption> disruptions,
      Map<String, List<Role>> revisions) {
    return PlanContext.of(
        new ServingGroupPlanner.Input(ms, pods, List.of(), disruptions, NOW, revisions));
  }

  static ModelServingFixture oneRole(int replicas) {
    return ModelServingFixture.named("m").replicas(replicas).role("r", 1, 1);
  }
}
