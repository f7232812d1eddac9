package dev.modelserving.api.lws.v1;

/**
 * Well-known strings of upstream LeaderWorkerSet: label and annotation keys, injected environment
 * variables, condition types/reasons/messages and event reasons. The values are upstream's,
 * character for character, because other tools (and users' manifests, e.g. downward-API references
 * to the group key) depend on them.
 */
public final class LwsKeys {
  private LwsKeys() {}

  /** Prefix shared by all LWS label and annotation keys. */
  public static final String PREFIX = "leaderworkerset.sigs.k8s.io/";

  /** Label keys put on StatefulSets, pods, Services, ControllerRevisions and PodGroups. */
  public static final class Labels {
    private Labels() {}

    /** Name of the owning LWS; on every object the controller creates and on all its pods. */
    public static final String NAME = PREFIX + "name";

    /** Group index (decimal) of a pod, worker StatefulSet, per-group Service or PodGroup. */
    public static final String GROUP_INDEX = PREFIX + "group-index";

    /** Position of a pod in its group: "0" for the leader, the pod ordinal for workers. */
    public static final String WORKER_INDEX = PREFIX + "worker-index";

    /** SHA-1 hex of {@code "<namespace>/<leaderPodName>"}, unique per group incarnation. */
    public static final String GROUP_KEY = PREFIX + "group-key";

    /** Revision key of the template a StatefulSet, pod, ControllerRevision or PodGroup uses. */
    public static final String TEMPLATE_REVISION_HASH = PREFIX + "template-revision-hash";

    /** Sub-group index (decimal) of a pod, when the LWS has a subGroupPolicy. */
    public static final String SUBGROUP_INDEX = PREFIX + "subgroup-index";

    /** SHA-1 hex of {@code "<leaderPodName>/<subGroupIndex>"}, unique per sub-group. */
    public static final String SUBGROUP_KEY = PREFIX + "subgroup-key";

    /**
     * Kubernetes' StatefulSet pod label: the pod's own name. Upstream LWS pods carry it from their
     * StatefulSets; manifests and tools select single pods by it.
     */
    public static final String STATEFULSET_POD_NAME = "statefulset.kubernetes.io/pod-name";

    /**
     * Kubernetes' StatefulSet pod label: the pod's ordinal in its StatefulSet, i.e. the group index
     * for a leader (leader StatefulSet) and the worker index for a worker (its group's worker
     * StatefulSet, whose ordinals start at 1).
     */
    public static final String STATEFULSET_POD_INDEX = "apps.kubernetes.io/pod-index";
  }

  /** Annotation keys on the LWS, the StatefulSets and the pods. */
  public static final class Annotations {
    private Annotations() {}

    /** Group size (decimal) on every pod template; the pod webhook rejects LWS pods without it. */
    public static final String SIZE = PREFIX + "size";

    /** spec.replicas (decimal) on the leader StatefulSet, to spot replica changes mid-rollout. */
    public static final String REPLICAS = PREFIX + "replicas";

    /** Name of the group's leader pod, on worker pod templates. */
    public static final String LEADER_NAME = PREFIX + "leader-name";

    /** Topology key (set by the user on the LWS) for one-group-per-domain exclusive placement. */
    public static final String EXCLUSIVE_TOPOLOGY = PREFIX + "exclusive-topology";

    /** Topology key (set on the LWS, needs a subGroupPolicy) for exclusive sub-group placement. */
    public static final String SUBGROUP_EXCLUSIVE_TOPOLOGY = PREFIX + "subgroup-exclusive-topology";

    /** subGroupSize on both pod templates when a subGroupPolicy is set. */
    public static final String SUBGROUP_SIZE = PREFIX + "subgroup-size";

    /** subGroupPolicyType (LeaderWorker/LeaderExcluded) on both pod templates when set. */
    public static final String SUBGROUP_POLICY_TYPE = PREFIX + "subgroup-policy-type";

    /** "UniquePerReplica" on the leader pod template when that subdomain policy is used. */
    public static final String SUBDOMAIN_POLICY = PREFIX + "subdomainPolicy";

    /** "true" on worker pod templates when the leader pod requests TPUs. */
    public static final String LEADER_REQUESTS_TPUS = PREFIX + "leader-requests-tpus";

    /** Presence on the LWS makes RecreateGroupOnPodRestart behave like RecreateGroupAfterStart. */
    public static final String EXPERIMENTAL_RECREATE_GROUP_AFTER_START =
        PREFIX + "experimental-recreate-group-after-start";

    /** Gang scheduling: PodGroup name {@code <lws>-<groupIndex>-<revisionKey>} on every pod. */
    public static final String SCHEDULING_GROUP_NAME = "scheduling.k8s.io/group-name";

    /** Gang scheduling: Volcano queue (set on the LWS), copied to PodGroup spec.queue. */
    public static final String VOLCANO_QUEUE_NAME = "scheduling.volcano.sh/queue-name";

    /** Gang scheduling: LWS annotations with this prefix are copied onto the PodGroups. */
    public static final String VOLCANO_PREFIX = "volcano.sh/";
  }

  /**
   * Kueue's keys (sigs.k8s.io/kueue v0.17, LeaderWorkerSet integration) as they appear on an LWS
   * and its pods. The controller sets none of them: users label the LWS with a queue, Kueue's
   * webhook puts its annotations on the LWS templates (which reach the pods like any template
   * annotation), Kueue's pod reconciler labels the pods and its webhook gates them. The controller
   * reads only the admission gate, to say why a group waits. docs/gang-scheduling.md describes the
   * flow.
   */
  public static final class Kueue {
    private Kueue() {}

    /**
     * Label on the LWS (set by the user): the LocalQueue; immutable while Kueue manages the LWS.
     */
    public static final String QUEUE_NAME = "kueue.x-k8s.io/queue-name";

    /**
     * Template and pod annotation from Kueue's LWS webhook, value the framework name: the LWS owns
     * the pods' admission.
     */
    public static final String POD_SUSPENDING_PARENT = "kueue.x-k8s.io/pod-suspending-parent";

    /**
     * Template and pod annotation from Kueue's LWS webhook ({@code "true"}): the pod group serves,
     * it never finishes.
     */
    public static final String POD_GROUP_SERVING = "kueue.x-k8s.io/pod-group-serving";

    /**
     * Pod label from Kueue: the group's Workload, {@code
     * leaderworkerset-<lws>-<groupIndex>-<hash>}.
     */
    public static final String POD_GROUP_NAME = "kueue.x-k8s.io/pod-group-name";

    /**
     * Pod label from Kueue: the prebuilt Workload it made for the group (same value as the group
     * name).
     */
    public static final String PREBUILT_WORKLOAD_NAME = "kueue.x-k8s.io/prebuilt-workload-name";

    /** Pod label from Kueue ({@code "true"}). */
    public static final String MANAGED = "kueue.x-k8s.io/managed";

    /** Pod annotation from Kueue: the group's size. */
    public static final String POD_GROUP_TOTAL_COUNT = "kueue.x-k8s.io/pod-group-total-count";

    /**
     * Pod annotation from Kueue: the pod set of the Workload the pod counts against ({@code main},
     * {@code leader}, {@code worker}).
     */
    public static final String ROLE_HASH = "kueue.x-k8s.io/role-hash";

    /**
     * Scheduling gate Kueue's pod webhook puts on the pods; removed when the group's Workload is
     * admitted.
     */
    public static final String ADMISSION_GATE = "kueue.x-k8s.io/admission";

    /**
     * Scheduling gate for Kueue's topology-aware scheduling; removed with the admission gate when
     * TAS is not used.
     */
    public static final String TOPOLOGY_GATE = "kueue.x-k8s.io/topology";
  }

  /** Environment variables prepended to every container and init container of LWS pods. */
  public static final class EnvVars {
    private EnvVars() {}

    /** Leader address {@code <lws>-<groupIndex>.<subdomain>.<namespace>}. */
    public static final String LWS_LEADER_ADDRESS = "LWS_LEADER_ADDRESS";

    /** Group size (value of the size annotation). */
    public static final String LWS_GROUP_SIZE = "LWS_GROUP_SIZE";

    /** Worker index of the pod (value of the worker-index label). */
    public static final String LWS_WORKER_INDEX = "LWS_WORKER_INDEX";

    /** TPU pods: comma-separated hostnames of the TPU hosts of the (sub-)group. */
    public static final String TPU_WORKER_HOSTNAMES = "TPU_WORKER_HOSTNAMES";

    /** TPU pods: this container's TPU worker id. */
    public static final String TPU_WORKER_ID = "TPU_WORKER_ID";

    /** TPU pods: the leader pod name. */
    public static final String TPU_NAME = "TPU_NAME";

    /** TPU pods: comma-separated host:port list of the TPU processes. */
    public static final String TPU_PROCESS_ADDRESSES = "TPU_PROCESS_ADDRESSES";

    /** TPU pods: this container's TPU process port (added unless the user sets it). */
    public static final String TPU_PROCESS_PORT = "TPU_PROCESS_PORT";

    /** Default TPU process port (first TPU container; later containers count up from it). */
    public static final int TPU_DEFAULT_PROCESS_PORT = 8476;

    /** Extended resource whose non-zero request or limit turns on the TPU variables. */
    public static final String TPU_RESOURCE = "google.com/tpu";
  }

  /** status.conditions: types, and the reason and message each carries when set to True. */
  public static final class Conditions {
    private Conditions() {}

    /** Type: all groups ready and updated. */
    public static final String AVAILABLE = "Available";

    /** Type: groups are being created or are not ready yet. */
    public static final String PROGRESSING = "Progressing";

    /** Type: a rolling update is in progress. */
    public static final String UPDATE_IN_PROGRESS = "UpdateInProgress";

    /** Reason of Available. */
    public static final String REASON_ALL_GROUPS_READY = "AllGroupsReady";

    /** Reason of Progressing. */
    public static final String REASON_GROUPS_PROGRESSING = "GroupsProgressing";

    /** Reason of UpdateInProgress. */
    public static final String REASON_GROUPS_UPDATING = "GroupsUpdating";

    /** Message of Available (kept when the condition flips to False). */
    public static final String MESSAGE_ALL_GROUPS_READY = "All replicas are ready";

    /** Message of Progressing (kept when the condition flips to False). */
    public static final String MESSAGE_GROUPS_PROGRESSING = "Replicas are progressing";

    /**
     * Ours: type of the condition about taking the LWS over from the upstream LWS controller
     * (docs/migrate-from-lws.md): True while it runs, False when done or while standing aside.
     */
    public static final String UPSTREAM_TAKEOVER = "UpstreamTakeover";

    /** Ours: reason of UpstreamTakeover=True. */
    public static final String REASON_TAKEOVER_IN_PROGRESS = "TakeoverInProgress";

    /** Ours: reason of UpstreamTakeover=False once every group runs under this controller. */
    public static final String REASON_TAKEOVER_COMPLETED = "TakeoverCompleted";

    /**
     * Ours: reason of UpstreamTakeover=False while the upstream controller still drives the LWS.
     */
    public static final String REASON_UPSTREAM_CONTROLLER_ACTIVE = "UpstreamControllerActive";

    /** Message of UpdateInProgress (kept when the condition flips to False). */
    public static final String MESSAGE_GROUPS_UPDATING = "Rolling Upgrade is in progress";

    // Not upstream: what this controller adds to an LWS's conditions.

    /**
     * Type (ours): fields of a newer LWS CRD that this controller ignores, named in the message.
     */
    public static final String UNSUPPORTED_FIELDS = "UnsupportedFields";

    /** Reason (ours) of UnsupportedFields=True; also the Warning Event's reason. */
    public static final String REASON_FIELDS_IGNORED = "FieldsIgnored";

    /** Reason (ours) of UnsupportedFields=False, once the ignored fields are gone. */
    public static final String REASON_ALL_FIELDS_SUPPORTED = "AllFieldsSupported";
  }

  /**
   * Reasons of the Events the controller records on a LeaderWorkerSet: upstream's where it has one,
   * otherwise ours. A condition change is recorded with the condition's reason.
   */
  public static final class Events {
    private Events() {}

    /**
     * Upstream: StatefulSets created; here the ModelServing; also the Progressing condition event.
     */
    public static final String GROUPS_PROGRESSING = Conditions.REASON_GROUPS_PROGRESSING;

    /** The UpdateInProgress condition event. */
    public static final String GROUPS_UPDATING = Conditions.REASON_GROUPS_UPDATING;

    /** The Available condition event. */
    public static final String ALL_GROUPS_READY = Conditions.REASON_ALL_GROUPS_READY;

    /** Upstream: a new template revision (a new LWS, or its template changed). */
    public static final String CREATING_REVISION = "CreatingRevision";

    /** Upstream: the restart policy rebuilt a group (a pod failed or was deleted). */
    public static final String RECREATE_GROUP = "RecreateGroup";

    /**
     * Upstream: creating a StatefulSet or Service failed; here the ModelServing or a volume claim.
     */
    public static final String FAILED_CREATE = "FailedCreate";

    /** Ours: the LWS breaks upstream's webhook rules or asks for what the controller cannot run. */
    public static final String INVALID_SPEC = "InvalidSpec";

    /** Ours: a ModelServing of the same name exists and is not controlled by the LWS. */
    public static final String MODEL_SERVING_CONFLICT = "ModelServingConflict";

    /**
     * Ours: the ModelServing of the same name belongs to a deleted LWS of this name (or is being
     * deleted); the LWS waits for it to go, then creates its own (Normal, once).
     */
    public static final String WAITING_FOR_PREVIOUS_MODEL_SERVING =
        "WaitingForPreviousModelServing";

    /** Ours: taking over from the upstream LWS controller, its StatefulSets are orphaned. */
    public static final String TAKEOVER_STARTED = "TakeoverStarted";

    /** Ours: the pods were adopted; says which are kept and which groups are replaced. */
    public static final String TAKEOVER_ADOPTED = "TakeoverAdopted";

    /** Ours: the takeover is done (also the reason of the condition). */
    public static final String TAKEOVER_COMPLETED = Conditions.REASON_TAKEOVER_COMPLETED;

    /** Ours (Warning): the upstream LWS controller still drives the LWS; nothing is changed. */
    public static final String UPSTREAM_CONTROLLER_ACTIVE =
        Conditions.REASON_UPSTREAM_CONTROLLER_ACTIVE;
  }
}
