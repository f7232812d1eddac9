package dev.modelserving.api.volcano.v1beta1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.modelserving.api.v1alpha1.NetworkTopologySpec;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;

/**
 * The PodGroup fields this controller sets: how many members must fit together ({@code minMember},
 * {@code minResources}), per-role minimums ({@code subGroupPolicy}, Volcano 1.14 and later), the
 * Queue, the priority class and the network topology constraint.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record PodGroupSpec(
    Integer minMember,
    Map<String, Quantity> minResources,
    String queue,
    String priorityClassName,
    NetworkTopologySpec networkTopology,
    List<SubGroupPolicy> subGroupPolicy) {}
