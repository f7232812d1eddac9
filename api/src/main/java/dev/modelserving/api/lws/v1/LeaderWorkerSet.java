package dev.modelserving.api.lws.v1;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * LeaderWorkerSet ({@code leaderworkerset.x-k8s.io/v1}, short name {@code lws}): a set of identical
 * groups of pods, each group made of one leader and {@code size - 1} workers, for workloads such as
 * multi-host model inference.
 *
 * <p>Glossary (as upstream, for an LWS named {@code L}):
 *
 * <ul>
 *   <li><b>group</b> (also "replica"): one leader pod plus its workers; {@code spec.replicas}
 *       counts groups, and a group is created, updated and restarted as a unit.
 *   <li><b>leader</b>: the pod with worker index 0 of a group, named {@code L-<g>}; all leaders
 *       belong to one leader StatefulSet named {@code L}.
 *   <li><b>worker</b>: the other pods of a group, named {@code L-<g>-<w>} with {@code w} in {@code
 *       1..size-1}; they belong to a worker StatefulSet named like the leader pod ({@code L-<g>}),
 *       owned by that leader pod.
 *   <li><b>group index</b> {@code g}: the group's ordinal {@code 0..replicas-1} (label {@link
 *       LwsKeys.Labels#GROUP_INDEX}); also called leader index.
 *   <li><b>worker index</b> {@code w}: the pod's position in its group, 0 for the leader (label
 *       {@link LwsKeys.Labels#WORKER_INDEX}).
 *   <li><b>size</b>: pods per group including the leader ({@code spec.leaderWorkerTemplate.size}).
 * </ul>
 *
 * <p>The Java types mirror the upstream CRD field by field (same JSON names); they are not used to
 * generate a CRD, the upstream CRD is installed unmodified.
 */
@Group(LeaderWorkerSet.GROUP)
@Version(LeaderWorkerSet.VERSION)
@Kind(LeaderWorkerSet.KIND)
@Plural(LeaderWorkerSet.PLURAL)
@Singular(LeaderWorkerSet.SINGULAR)
@ShortNames(LeaderWorkerSet.SHORT_NAME)
public class LeaderWorkerSet extends CustomResource<LeaderWorkerSetSpec, LeaderWorkerSetStatus>
    implements Namespaced {

  /** API group of the CRD. */
  public static final String GROUP = "leaderworkerset.x-k8s.io";

  /** The only served (and storage) version. */
  public static final String VERSION = "v1";

  /** apiVersion of LeaderWorkerSet objects. */
  public static final String API_VERSION = GROUP + "/" + VERSION;

  /** Kind of the resource. */
  public static final String KIND = "LeaderWorkerSet";

  /** Plural resource name. */
  public static final String PLURAL = "leaderworkersets";

  /** Singular resource name. */
  public static final String SINGULAR = "leaderworkerset";

  /** Short name usable with kubectl. */
  public static final String SHORT_NAME = "lws";

  /** Name of the CRD object ({@code <plural>.<group>}). */
  public static final String CRD_NAME = PLURAL + "." + GROUP;
}
