package dev.modelserving.controller.podgen;

import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingKeys.Annotations;
import java.util.Map;

/**
 * How a ModelServing names its pods and headless Services: Kthena's scheme ({@link PodNames}) or,
 * with the annotation {@code modelserving.dev/pod-naming: LeaderWorkerSet}, upstream
 * LeaderWorkerSet's: entry pod {@code <ms>-<g>}, workers {@code <ms>-<g>-<w>}, pods reachable as
 * {@code <pod>.<subdomain>.<ns>} where the subdomain is the shared Service {@code <ms>} or the
 * group's Service {@code <ms>-<g>}.
 */
public record PodNaming(String ms, boolean leaderWorkerSet, boolean uniquePerReplica) {

  public static PodNaming of(ModelServing ms) {
    Map<String, String> a = ms.getMetadata().getAnnotations();
    boolean lws =
        a != null && Annotations.NAMING_LEADER_WORKER_SET.equals(a.get(Annotations.POD_NAMING));
    boolean unique =
        lws && Annotations.SUBDOMAIN_UNIQUE_PER_REPLICA.equals(a.get(Annotations.SUBDOMAIN_POLICY));
    return new PodNaming(ms.getMetadata().getName(), lws, unique);
  }

  public String group(int g) {
    return PodNames.group(ms, g);
  }

  public String pod(int g, String role, int roleOrdinal, int worker) {
    if (leaderWorkerSet) {
      return worker == 0 ? group(g) : group(g) + "-" + worker;
    }
    return PodNames.pod(ms, g, role, roleOrdinal, worker);
  }

  /** The headless Service that gives the pods of this role replica their DNS names. */
  public String service(int g, String role, int roleOrdinal) {
    if (leaderWorkerSet) {
      return uniquePerReplica ? group(g) : ms;
    }
    return PodNames.headlessService(ms, g, role, roleOrdinal);
  }

  /**
   * The DNS name workers use to reach the entry pod: {@code <entry>.<subdomain>.<ns>} with
   * LeaderWorkerSet naming, Kthena's {@code <entryService>.<ns>} otherwise.
   */
  public String entryAddress(int g, String role, int roleOrdinal, String namespace) {
    if (leaderWorkerSet) {
      return pod(g, role, roleOrdinal, 0) + "." + service(g, role, roleOrdinal) + "." + namespace;
    }
    return service(g, role, roleOrdinal) + "." + namespace;
  }
}
