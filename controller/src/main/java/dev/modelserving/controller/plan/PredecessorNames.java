package dev.modelserving.controller.plan;

import dev.modelserving.api.v1alpha1.ModelServingKeys.EventReasons;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Labels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * After {@code kubectl delete -f x.yaml && kubectl apply -f x.yaml}, the pods (and Services) of the
 * deleted ModelServing keep their names while they terminate, and the new one would plan exactly
 * those names: a POST would only be refused (409) and repeated on every pass. So creates whose name
 * another object still holds are held back, with the rest of their serving group (a group is
 * started whole, entry with workers); the holder's deletion is an event for the ModelServing of its
 * owner's name, which brings the pass that creates them. Pure.
 */
public final class PredecessorNames {
  private PredecessorNames() {}

  /**
   * {@code plan} without the held-back creates (and their "creating serving group" notes), and what
   * the ModelServing waits for, when it waits.
   */
  public record Held(Plan plan, Optional<String> waitingFor) {}

  /**
   * {@code otherPods} and {@code otherServices}: those that map to this ModelServing (same owner
   * name) but are not controlled by it.
   */
  public static Held holdBack(
      Plan plan, String msName, Collection<Pod> otherPods, Collection<Service> otherServices) {
    Set<String> takenPods = names(otherPods);
    Set<String> takenServices = names(otherServices);
    Set<String> heldGroups = new HashSet<>();
    for (Pod pod : plan.podsToCreate()) {
      if (takenPods.contains(pod.getMetadata().getName())) {
        heldGroups.add(group(pod));
      }
    }
    List<Pod> creates =
        plan.podsToCreate().stream().filter(p -> !heldGroups.contains(group(p))).toList();
    List<Service> services =
        plan.servicesToCreate().stream()
            .filter(s -> !takenServices.contains(s.getMetadata().getName()))
            .toList();
    if (creates.size() == plan.podsToCreate().size()
        && services.size() == plan.servicesToCreate().size()) {
      return new Held(plan, Optional.empty());
    }
    List<Plan.Note> notes =
        plan.notes().stream()
            .filter(
                n ->
                    !(EventReasons.SERVING_GROUP_CREATED.equals(n.reason())
                        && heldGroups.stream()
                            .anyMatch(g -> n.message().equals("creating serving group " + g))))
            .toList();
    Set<String> wantedPods = names(plan.podsToCreate());
    Set<String> wanted = names(plan.servicesToCreate());
    Set<String> holders = new TreeSet<>();
    for (Pod pod : otherPods) {
      if (wantedPods.contains(pod.getMetadata().getName())) {
        holders.add(holder(pod));
      }
    }
    for (Service service : otherServices) {
      if (wanted.contains(service.getMetadata().getName())) {
        holders.add(holder(service));
      }
    }
    // Stable while the same predecessor terminates: one status write and one Event, not one per
    // object that goes.
    String message =
        "waiting for the "
            + (heldGroups.isEmpty() ? "Services" : "pods")
            + " of a previous ModelServing "
            + msName
            + " ("
            + String.join(", ", holders)
            + ") to terminate: they hold the names of those to create";
    return new Held(
        new Plan(
            creates,
            plan.podsToDelete(),
            services,
            plan.servicesToDelete(),
            plan.requeueAfter(),
            notes,
            plan.rolloutStep()),
        Optional.of(message));
  }

  private static Set<String> names(Collection<? extends HasMetadata> objects) {
    Set<String> names = new HashSet<>();
    objects.forEach(o -> names.add(o.getMetadata().getName()));
    return names;
  }

  private static String group(Pod pod) {
    var labels = pod.getMetadata().getLabels();
    return labels == null
        ? pod.getMetadata().getName()
        : Objects.requireNonNullElse(labels.get(Labels.GROUP_NAME), pod.getMetadata().getName());
  }

  /** "uid U" of the holder's controller, or "not controlled" */
  private static String holder(HasMetadata o) {
    List<OwnerReference> refs = o.getMetadata().getOwnerReferences();
    return refs == null
        ? "not controlled"
        : refs.stream()
            .filter(r -> Boolean.TRUE.equals(r.getController()))
            .map(r -> "uid " + r.getUid())
            .findFirst()
            .orElse("not controlled");
  }
}
