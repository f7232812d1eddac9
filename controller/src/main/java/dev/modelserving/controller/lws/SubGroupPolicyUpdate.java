package dev.modelserving.controller.lws;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.lws.v1.SubGroupPolicy;
import dev.modelserving.controller.validation.Violation;
import java.util.List;
import java.util.Objects;

/**
 * Upstream's update-only rules (LWS.md §1.9): sub-group labels and Services are fixed when the
 * groups are created, so subGroupPolicy can be neither added nor removed and its size is immutable.
 */
final class SubGroupPolicyUpdate {
  private SubGroupPolicyUpdate() {}

  static List<Violation> check(LeaderWorkerSet previous, LeaderWorkerSet current) {
    SubGroupPolicy before = subGroupPolicy(previous);
    SubGroupPolicy after = subGroupPolicy(current);
    Violations violations = new Violations();
    if (before == null && after != null) {
      violations.add(
          LwsValidator.SUB_GROUP_POLICY,
          "cannot enable subGroupSize after the lws is already created; subGroupPolicy can only be"
              + " set when the LeaderWorkerSet is created (delete and recreate it to add one)");
    } else if (before != null && after == null) {
      violations.add(
          LwsValidator.SUB_GROUP_POLICY,
          "cannot remove subGroupSize after enabled; keep subGroupPolicy (subGroupSize %s) or"
              + " delete and recreate the LeaderWorkerSet",
          before.getSubGroupSize());
    } else if (before != null
        && !Objects.equals(before.getSubGroupSize(), after.getSubGroupSize())) {
      violations.add(
          LwsValidator.SUB_GROUP_SIZE,
          "field is immutable: subGroupSize was %s, got %s; delete and recreate the"
              + " LeaderWorkerSet to change it",
          before.getSubGroupSize(),
          after.getSubGroupSize());
    }
    return violations.toList();
  }

  private static SubGroupPolicy subGroupPolicy(LeaderWorkerSet lws) {
    return lws.getSpec() == null || lws.getSpec().getLeaderWorkerTemplate() == null
        ? null
        : lws.getSpec().getLeaderWorkerTemplate().getSubGroupPolicy();
  }
}
