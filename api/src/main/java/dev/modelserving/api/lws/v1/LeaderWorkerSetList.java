package dev.modelserving.api.lws.v1;

import io.fabric8.kubernetes.api.model.DefaultKubernetesResourceList;

/** A list of {@link LeaderWorkerSet}s (list kind {@code LeaderWorkerSetList}). */
public class LeaderWorkerSetList extends DefaultKubernetesResourceList<LeaderWorkerSet> {}
