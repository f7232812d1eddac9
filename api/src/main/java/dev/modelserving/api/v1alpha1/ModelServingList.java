package dev.modelserving.api.v1alpha1;

import io.fabric8.kubernetes.api.model.DefaultKubernetesResourceList;

/** A list of {@link ModelServing}, as returned by the list endpoint. */
public class ModelServingList extends DefaultKubernetesResourceList<ModelServing> {}
