package dev.modelserving.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn.Type;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * ModelServing runs an inference model as a set of identical <em>serving groups</em>. It is
 * wire-compatible with Kthena's {@code workload.serving.volcano.sh/v1alpha1} ModelServing.
 *
 * <p>Glossary (the same words are used throughout the API and the controller):
 *
 * <ul>
 *   <li><b>Serving group</b> (SG): one complete copy of the model deployment, built from {@code
 *       spec.template}. {@code spec.replicas} counts serving groups, and so does the scale
 *       subresource. An SG is named {@code <ms>-<g>}.
 *   <li><b>Group index</b> ({@code g}): the 0-based ordinal of a serving group. Ordinals are not
 *       guaranteed to be contiguous (scale-down may remove any ordinal).
 *   <li><b>Role</b>: one kind of pod set inside a serving group, for example {@code prefill} or
 *       {@code decode}. A serving group has 1 to 4 roles with unique names.
 *   <li><b>Role replica</b>: one instance of a role inside a serving group ({@code role.replicas}
 *       of them per SG). It is identified by the role ID {@code <role>-<r>} and consists of one
 *       entry pod plus {@code workerReplicas} worker pods (group size = workerReplicas + 1).
 *   <li><b>Entry pod</b>: the leader of a role replica, made from {@code entryTemplate}, named
 *       {@code <ms>-<g>-<role>-<r>-0}. A headless Service of the same name resolves to it, and
 *       every pod of the role replica gets its address as {@code ENTRY_ADDRESS}.
 *   <li><b>Worker pod</b>: a follower of a role replica, made from {@code workerTemplate}, named
 *       {@code <ms>-<g>-<role>-<r>-<w>} with worker index {@code w} in {@code 1..workerReplicas}
 *       ({@code WORKER_INDEX}; the entry pod has index 0).
 * </ul>
 */
@Group(ModelServing.GROUP)
@Version(ModelServing.VERSION)
@Kind(ModelServing.KIND)
@Plural(ModelServing.PLURAL)
@Singular(ModelServing.SINGULAR)
// Kthena's columns and descriptions. The generator orders columns by jsonPath, not as written.
@AdditionalPrinterColumn(
    name = "Replicas",
    type = Type.INTEGER,
    jsonPath = ".status.replicas",
    getDescription = "Total number of serving groups")
@AdditionalPrinterColumn(
    name = "Available",
    type = Type.INTEGER,
    jsonPath = ".status.availableReplicas",
    getDescription = "Number of serving groups that are ready")
@AdditionalPrinterColumn(
    name = "Updated",
    type = Type.INTEGER,
    jsonPath = ".status.updatedReplicas",
    getDescription = "Number of serving groups updated to the latest revision")
@AdditionalPrinterColumn(name = "Age", type = Type.DATE, jsonPath = ".metadata.creationTimestamp")
public class ModelServing extends CustomResource<ModelServingSpec, ModelServingStatus>
    implements Namespaced {
  public static final String GROUP = "workload.serving.volcano.sh";
  public static final String VERSION = "v1alpha1";
  public static final String KIND = "ModelServing";
  public static final String PLURAL = "modelservings";
  public static final String SINGULAR = "modelserving";

  /** The CRD name, {@code <plural>.<group>}. */
  public static final String CRD_NAME = PLURAL + "." + GROUP;
}
