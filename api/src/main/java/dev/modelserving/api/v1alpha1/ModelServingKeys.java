package dev.modelserving.api.v1alpha1;

/**
 * The one home of every label, annotation, environment variable, condition and event name the
 * ModelServing controller reads or writes. Kthena's keys ({@code modelserving.volcano.sh/...}) are
 * kept exactly so that Kthena's router and autoscaler work unchanged; keys of our own additions use
 * the prefix {@code modelserving.dev/}. The user-facing table is {@code
 * docs/labels-annotations-env.md}.
 */
public final class ModelServingKeys {
  private ModelServingKeys() {}

  /** Labels on the pods and Services of a ModelServing. */
  public static final class Labels {
    private Labels() {}

    public static final String PREFIX = "modelserving.volcano.sh/";

    /** Name of the owning ModelServing. */
    public static final String NAME = PREFIX + "name";

    /** Serving group name, {@code <ms>-<groupOrdinal>}. */
    public static final String GROUP_NAME = PREFIX + "group-name";

    /** Role name from the spec. */
    public static final String ROLE = PREFIX + "role";

    /** Role replica id, {@code <role>-<roleOrdinal>}. */
    public static final String ROLE_ID = PREFIX + "role-id";

    /** {@code "true"} on the entry pod of a role replica only. */
    public static final String ENTRY = PREFIX + "entry";

    /** Revision (template hash of all roles) the pod was created from. */
    public static final String REVISION = PREFIX + "revision";

    /** Hash of the pod's own role template; used by role-level rolling updates. */
    public static final String ROLE_TEMPLATE_HASH = PREFIX + "role-template-hash";

    /** Our addition: the pod's worker index, 0 for the entry pod (also in env WORKER_INDEX). */
    public static final String WORKER_INDEX = "modelserving.dev/worker-index";

    /** Value of {@link #ENTRY} on entry pods. */
    public static final String ENTRY_TRUE = "true";
  }

  /** Annotations read or written by the controller. */
  public static final class Annotations {
    private Annotations() {}

    /**
     * Standard Kubernetes scale-down hint on pods: serving groups and role replicas whose pods sum
     * to a lower cost are removed first.
     */
    public static final String POD_DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";

    /**
     * kubectl's copy of the object as last applied (on LeaderWorkerSets made with {@code kubectl
     * apply}); never read: the informer caches drop it to save memory.
     */
    public static final String KUBECTL_LAST_APPLIED =
        "kubectl.kubernetes.io/last-applied-configuration";

    /**
     * On a ModelServing: {@value #WORKERS_AFTER_ENTRY_READY} creates the worker pods of a role
     * replica only once its entry pod is Ready (LWS {@code startupPolicy: LeaderReady}); absent or
     * any other value creates entry and workers together.
     */
    public static final String STARTUP_POLICY = "modelserving.dev/startup-policy";

    /** Value of {@link #STARTUP_POLICY} that waits for the entry pod. */
    public static final String WORKERS_AFTER_ENTRY_READY = "WorkersAfterEntryReady";

    /**
     * On a ModelServing: a node label key (a topology key). The worker pods of a role replica are
     * created only once its entry pod is scheduled, with a nodeSelector on that key's value on the
     * entry pod's node, so the replica shares the entry's topology domain (LWS exclusive placement,
     * {@code leaderworkerset.sigs.k8s.io/exclusive-topology}).
     */
    public static final String WORKER_TOPOLOGY = "modelserving.dev/worker-topology";

    /**
     * On a ModelServing: {@value #NAMING_LEADER_WORKER_SET} names pods and Services as upstream
     * LeaderWorkerSet does ({@code <ms>-<g>} for the entry pod, {@code <ms>-<g>-<w>} for workers,
     * hostname and subdomain set); it requires exactly one role with one replica. Set by the
     * LeaderWorkerSet conversion.
     */
    public static final String POD_NAMING = "modelserving.dev/pod-naming";

    /** Value of {@link #POD_NAMING} for LeaderWorkerSet naming. */
    public static final String NAMING_LEADER_WORKER_SET = "LeaderWorkerSet";

    /**
     * With LeaderWorkerSet naming: {@code Shared} (default) gives all pods one headless Service
     * named like the ModelServing; {@code UniquePerReplica} one per serving group, {@code
     * <ms>-<g>}.
     */
    public static final String SUBDOMAIN_POLICY = "modelserving.dev/subdomain-policy";

    public static final String SUBDOMAIN_SHARED = "Shared";
    public static final String SUBDOMAIN_UNIQUE_PER_REPLICA = "UniquePerReplica";

    /**
     * With recoveryPolicy ServingGroupRecreate: {@value #RESTART_ANY} also rebuilds the group when
     * a container restarted and is Ready again (LWS RecreateGroupOnPodRestart); {@value
     * #RESTART_AFTER_START} does so too, but never while the group is still starting (LWS
     * RecreateGroupAfterStart).
     */
    public static final String RESTART_POLICY = "modelserving.dev/restart-policy";

    /**
     * On a ModelServing converted from a LeaderWorkerSet: the LWS {@code spec.replicas} copied last
     * time, so that replicas set on the ModelServing by someone else (Kthena's autoscaler) are kept
     * until the LWS itself is scaled.
     */
    public static final String LWS_SYNCED_REPLICAS = "modelserving.dev/lws-synced-replicas";

    /**
     * On a ModelServing converted from a LeaderWorkerSet: a hash of the object last applied, so an
     * unchanged LeaderWorkerSet costs no request.
     */
    public static final String LWS_APPLIED_HASH = "modelserving.dev/lws-applied-hash";

    /**
     * On a ModelServing converted from a LeaderWorkerSet: the subGroupPolicy accepted at creation
     * (JSON, or {@code none}); upstream makes it immutable.
     */
    public static final String LWS_ACCEPTED_SUBGROUP_POLICY =
        "modelserving.dev/lws-subgroup-policy";

    /**
     * On a ModelServing converted from a LeaderWorkerSet that the upstream LWS controller ran:
     * {@value #LWS_TAKEOVER_ADOPTING} while its pods still belong to upstream's StatefulSets; the
     * ModelServing reconciler leaves it alone until the LWS reconciler has adopted them and removed
     * the annotation.
     */
    public static final String LWS_TAKEOVER = "modelserving.dev/lws-takeover";

    /** Value of {@link #LWS_TAKEOVER} while the pods wait for adoption. */
    public static final String LWS_TAKEOVER_ADOPTING = "AdoptingPods";

    public static final String RESTART_ANY = "RecreateGroupOnPodRestart";
    public static final String RESTART_AFTER_START = "RecreateGroupAfterStart";

    /**
     * Volcano, on pods of a serving group with a PodGroup: the task the pod belongs to, its role
     * replica {@code <role>-<r>} (as Kthena sets it). The PodGroup itself is named by {@code
     * scheduling.k8s.io/group-name} ({@link
     * dev.modelserving.api.lws.v1.LwsKeys.Annotations#SCHEDULING_GROUP_NAME}); the ModelServing's
     * {@code scheduling.volcano.sh/queue-name} ({@link
     * dev.modelserving.api.lws.v1.LwsKeys.Annotations#VOLCANO_QUEUE_NAME}) picks the Queue.
     */
    public static final String VOLCANO_TASK_SPEC = "volcano.sh/task-spec";
  }

  /** Environment variables injected first into every container and init container. */
  public static final class Env {
    private Env() {}

    /** DNS name of the role replica's entry pod, {@code <entryPod>.<namespace>}. */
    public static final String ENTRY_ADDRESS = "ENTRY_ADDRESS";

    /** 0 for the entry pod, 1..workerReplicas for workers. */
    public static final String WORKER_INDEX = "WORKER_INDEX";

    /** Pods per role replica: workerReplicas + 1. */
    public static final String GROUP_SIZE = "GROUP_SIZE";
  }

  /** Status condition types and reasons of a ModelServing. */
  public static final class Conditions {
    private Conditions() {}

    /** True when every desired serving group is ready. */
    public static final String AVAILABLE = "Available";

    /** True while serving groups are being created, recreated or removed. */
    public static final String PROGRESSING = "Progressing";

    /** True while a rolling update replaces serving groups or roles. */
    public static final String UPDATE_IN_PROGRESS = "UpdateInProgress";

    public static final String REASON_ALL_GROUPS_READY = "AllGroupsReady";
    public static final String REASON_GROUPS_NOT_READY = "GroupsNotReady";
    public static final String REASON_GROUPS_PROGRESSING = "GroupProgressing";
    public static final String REASON_GROUPS_UPDATING = "GroupsUpdating";
    public static final String REASON_UPDATE_COMPLETE = "UpdateComplete";
    public static final String REASON_INVALID_SPEC = "InvalidSpec";
    public static final String REASON_PLUGIN_ERROR = "PluginError";

    /** The API server refused a pod or Service the controller created (Progressing=False). */
    public static final String REASON_FAILED_CREATE = "FailedCreate";

    /**
     * Pods or Services of a deleted ModelServing of the same name still hold names this one needs
     * (they terminate): those are created once they are gone (Progressing=False meanwhile).
     */
    public static final String REASON_WAITING_FOR_PREVIOUS_PODS = "WaitingForPreviousPods";

    /** Message of Available=True, and of Progressing=False when nothing is left to do. */
    public static final String MESSAGE_ALL_GROUPS_READY = "All serving groups are ready";

    /** Message of UpdateInProgress=False. */
    public static final String MESSAGE_ALL_GROUPS_UPDATED = "All serving groups are updated";

    /**
     * Present when {@code spec.template.gangPolicy} is set: True while every serving group has its
     * Volcano PodGroup, False (with one of the reasons below) when gang scheduling cannot be done.
     */
    public static final String GANG_SCHEDULING = "GangScheduling";

    public static final String REASON_POD_GROUPS_IN_USE = "PodGroupsInUse";

    /** The Volcano PodGroup CRD is not served: no PodGroups, pods are not gang-scheduled. */
    public static final String REASON_POD_GROUP_CRD_MISSING = "PodGroupCrdMissing";

    /** gangPolicy with a schedulerName other than volcano: only Volcano reads PodGroups. */
    public static final String REASON_SCHEDULER_NOT_VOLCANO = "SchedulerNotVolcano";

    /** A PodGroup of that name exists but belongs to something else. */
    public static final String REASON_POD_GROUP_CONFLICT = "PodGroupConflict";
  }

  /**
   * Reasons of the Kubernetes Events the controller records on a ModelServing for what a pass
   * changes. A problem that stops progress is recorded with its condition reason ({@link
   * Conditions}: {@code REASON_INVALID_SPEC}, {@code REASON_PLUGIN_ERROR}, {@code
   * REASON_FAILED_CREATE}, the gang-scheduling reasons).
   */
  public static final class EventReasons {
    private EventReasons() {}

    /** A serving group is created (scale up, or first creation). */
    public static final String SERVING_GROUP_CREATED = "ServingGroupCreated";

    /** A serving group is deleted (scale down, or a surge group given back). */
    public static final String SERVING_GROUP_DELETED = "ServingGroupDeleted";

    /** A role replica is deleted (role scaled down). */
    public static final String ROLE_DELETED = "RoleDeleted";

    /** A failed or deleted pod makes the controller rebuild its role replica (RoleRecreate). */
    public static final String RECREATING_ROLE = "RecreatingRole";

    /** A failed or deleted pod makes the controller rebuild its group (ServingGroupRecreate). */
    public static final String RECREATING_SERVING_GROUP = "RecreatingServingGroup";

    /** An outdated serving group or role replica is replaced by a rolling update. */
    public static final String ROLLING_UPDATE = "RollingUpdate";
  }
}
