package dev.modelserving.api.volcano.v1beta1;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Volcano's PodGroup ({@code scheduling.volcano.sh/v1beta1}): the unit Volcano's scheduler
 * gang-schedules. Pods join one with the annotation {@code scheduling.k8s.io/group-name}; none of
 * them is bound until {@code minMember} of them (and {@code minResources}) fit at once. Only the
 * fields this controller writes or reads are mirrored; the CRD is Volcano's, installed with
 * Volcano.
 */
@Group(PodGroup.GROUP)
@Version(PodGroup.VERSION)
@Kind(PodGroup.KIND)
@Plural(PodGroup.PLURAL)
public class PodGroup extends CustomResource<PodGroupSpec, PodGroupStatus> implements Namespaced {
  public static final String GROUP = "scheduling.volcano.sh";
  public static final String VERSION = "v1beta1";
  public static final String KIND = "PodGroup";
  public static final String PLURAL = "podgroups";
  public static final String API_VERSION = GROUP + "/" + VERSION;
  public static final String CRD_NAME = PLURAL + "." + GROUP;

  @Override
  protected PodGroupSpec initSpec() {
    return null;
  }

  @Override
  protected PodGroupStatus initStatus() {
    return null;
  }
}
