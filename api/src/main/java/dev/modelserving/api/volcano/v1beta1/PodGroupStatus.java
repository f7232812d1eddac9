package dev.modelserving.api.volcano.v1beta1;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** What Volcano reports about a PodGroup: its phase (Pending, Inqueue, Running, ...) and counts. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record PodGroupStatus(String phase, Integer running, Integer succeeded, Integer failed) {}
