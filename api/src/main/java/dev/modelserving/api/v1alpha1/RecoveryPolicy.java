package dev.modelserving.api.v1alpha1;

/** What the controller rebuilds when a pod of a serving group fails or is deleted. */
public enum RecoveryPolicy {
  /** Any pod loss rebuilds the whole serving group. */
  ServingGroupRecreate,
  /** A pod loss rebuilds every pod of the affected role replica (the default). */
  RoleRecreate,
  /** Only the lost pod is recreated, as a Deployment would. */
  None
}
