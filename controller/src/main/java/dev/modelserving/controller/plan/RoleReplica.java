package dev.modelserving.controller.plan;

import dev.modelserving.api.v1alpha1.Role;
import dev.modelserving.controller.podgen.PodNames;
import dev.modelserving.controller.podgen.ServingGroupPods;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One kept role replica of a kept serving group and the pods it has now: the unit recovery, refill
 * and Services work on. {@code role} is the current role, or for recovery and refill the template
 * the replica is built from ({@link RoleTemplates}), whose size may be an older one.
 */
record RoleReplica(int group, Role role, int ordinal, List<Pod> pods) {

  RoleReplica withRole(Role template) {
    return new RoleReplica(group, template, ordinal, pods);
  }

  /** The pod names this replica should have, entry (worker index 0) first, with their index. */
  Map<String, Integer> expectedNames(PlanContext ctx) {
    Map<String, Integer> expected = new LinkedHashMap<>();
    for (int w = 0; w < ServingGroupPods.groupSize(role); w++) {
      expected.put(ctx.naming().pod(group, role.getName(), ordinal, w), w);
    }
    return expected;
  }

  /** "role replica prefill-0 of serving group m-1", for notes. */
  String describe(PlanContext ctx) {
    return "role replica "
        + PodNames.roleId(role.getName(), ordinal)
        + " of serving group "
        + ctx.groupName(group);
  }
}
