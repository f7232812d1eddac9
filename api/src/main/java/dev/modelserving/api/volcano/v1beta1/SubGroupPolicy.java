package dev.modelserving.api.volcano.v1beta1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.modelserving.api.v1alpha1.NetworkTopologySpec;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

/**
 * One entry of {@code PodGroup.spec.subGroupPolicy}: the pods matching {@code labelSelector}, split
 * into sub-groups by the values of {@code matchLabelKeys}, each of {@code subGroupSize} pods; at
 * least {@code minSubGroups} sub-groups must fit for the PodGroup to be scheduled.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record SubGroupPolicy(
    String name,
    LabelSelector labelSelector,
    List<String> matchLabelKeys,
    Integer subGroupSize,
    Integer minSubGroups,
    NetworkTopologySpec networkTopology) {}
