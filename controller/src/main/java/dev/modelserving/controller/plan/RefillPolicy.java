package dev.modelserving.controller.plan;

import dev.modelserving.api.v1alpha1.Role;
import dev.modelserving.controller.plan.RoleTemplates.RoleTemplate;
import dev.modelserving.controller.podgen.ServingGroupPods;
import dev.modelserving.controller.podgen.ServingGroupPods.Position;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Refill: the missing pods of a kept role replica are created, entry first, from the replica's
 * template, once every old pod of the replica is gone (their names must be free). Startup policy
 * {@code WorkersAfterEntryReady}: workers wait for a Ready entry pod.
 */
final class RefillPolicy {
  private RefillPolicy() {}

  /**
   * @param deleting names of the replica's pods this pass deletes already (surplus, recovery)
   */
  static List<Pod> plan(
      PlanContext ctx, RoleReplica replica, RoleTemplate template, Set<String> deleting) {
    List<Pod> pods = replica.pods();
    boolean busy =
        pods.stream()
            .anyMatch(
                p -> PodHealth.isTerminating(p) || deleting.contains(p.getMetadata().getName()));
    if (busy) {
      return List.of();
    }
    Map<String, Integer> expected = replica.expectedNames(ctx);
    Map<Integer, Pod> present = new TreeMap<>();
    for (Pod pod : pods) {
      Integer w = expected.get(pod.getMetadata().getName());
      if (w != null) {
        present.put(w, pod);
      }
    }
    Role role = template.role();
    boolean entryReady = present.containsKey(0) && PodHealth.isReady(present.get(0));
    boolean entryScheduled =
        present.containsKey(0)
            && present.get(0).getSpec() != null
            && present.get(0).getSpec().getNodeName() != null;
    List<Pod> creates = new ArrayList<>();
    for (int w = 0; w < expected.size(); w++) {
      if (present.containsKey(w)) {
        continue;
      }
      if (w > 0 && !workersMayStart(ctx, entryReady)) {
        break; // created when the entry pod reports Ready (its status change triggers a pass)
      }
      if (w > 0 && workerTopology(ctx.ms()).isPresent() && !entryScheduled) {
        break; // pinned to the entry's topology domain, known once it is scheduled (same trigger)
      }
      if (w > 0 && role.getWorkerTemplate() == null) {
        break; // invalid spec (the reconciler reports it); Kthena creates the entry pod only
      }
      Position position = new Position(replica.group(), role.getName(), replica.ordinal(), w);
      creates.add(
          ServingGroupPods.buildPod(
              ctx.ms(), role, position, template.revision(), template.roleHash()));
    }
    return creates;
  }

  /**
   * The topology key workers are pinned to, by the entry pod's node ({@code
   * modelserving.dev/worker-topology}).
   */
  static java.util.Optional<String> workerTopology(dev.modelserving.api.v1alpha1.ModelServing ms) {
    var annotations = ms.getMetadata().getAnnotations();
    String key =
        annotations == null
            ? null
            : annotations.get(
                dev.modelserving.api.v1alpha1.ModelServingKeys.Annotations.WORKER_TOPOLOGY);
    return key == null || key.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(key);
  }

  /** The startup policy: workers start with their entry pod, or once it is Ready. */
  static boolean workersMayStart(PlanContext ctx, boolean entryReady) {
    return !ctx.workersWaitForEntry() || entryReady;
  }
}
