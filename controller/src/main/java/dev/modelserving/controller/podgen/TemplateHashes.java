package dev.modelserving.controller.podgen;

import dev.modelserving.api.v1alpha1.Role;
import java.util.List;
import java.util.Map;

/**
 * The hashes of a serving-group template ({@link Revisions}), computed together from one
 * serialisation of each role: the {@code revision} of the whole template and each role's {@code
 * role-template-hash}. A pass computes them once (or takes them from a memo keyed by the
 * ModelServing's generation) and hands them to the planner, the status and the revisions.
 *
 * @param revision {@link Revisions#ofRoles} of the roles
 * @param roleHashes role name to {@link Revisions#ofRole}; a repeated name keeps its last role
 */
public record TemplateHashes(String revision, Map<String, String> roleHashes) {
  public TemplateHashes {
    roleHashes = java.util.Collections.unmodifiableMap(new java.util.HashMap<>(roleHashes));
  }

  /** The hashes of {@code roles}, in their order. */
  public static TemplateHashes of(List<Role> roles) {
    return Revisions.ofTemplate(roles);
  }
}
