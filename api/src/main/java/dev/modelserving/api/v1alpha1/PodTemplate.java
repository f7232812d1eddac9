package dev.modelserving.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crd.generator.annotation.SchemaFrom;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.Objects;

/**
 * Kthena's reduced pod template: metadata carries only labels and annotations (they are merged over
 * the controller's own labels on each pod), and {@code spec} is a full core/v1 PodSpec.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PodTemplate {

  /** Labels and annotations of the generated pods. */
  @JsonPropertyDescription("Object's metadata.")
  private PodTemplateMetadata metadata;

  /** The pod spec; its schedulerName is replaced by spec.schedulerName of the ModelServing. */
  @SchemaFrom(type = PodSpecSchema.class) // adds Kthena's core/v1 schema defaults
  @JsonPropertyDescription("Specification of the desired behavior of the pod.")
  private PodSpec spec;

  public PodTemplateMetadata getMetadata() {
    return metadata;
  }

  public void setMetadata(PodTemplateMetadata metadata) {
    this.metadata = metadata;
  }

  public PodSpec getSpec() {
    return spec;
  }

  public void setSpec(PodSpec spec) {
    this.spec = spec;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PodTemplate that
        && Objects.equals(metadata, that.metadata)
        && Objects.equals(spec, that.spec);
  }

  @Override
  public int hashCode() {
    return Objects.hash(metadata, spec);
  }

  @Override
  public String toString() {
    return "PodTemplate{metadata=" + metadata + ", spec=" + spec + "}";
  }
}
