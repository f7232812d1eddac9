package dev.modelserving.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Map;
import java.util.Objects;

/** The part of ObjectMeta a {@link PodTemplate} may set. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PodTemplateMetadata {

  /** Labels added to the generated pods; the controller's own labels of the same key win. */
  @JsonPropertyDescription(
      "Map of string keys and values that can be used to organize and categorize\n"
          + "(scope and select) objects.")
  private Map<String, String> labels;

  /** Annotations added to the generated pods. */
  @JsonPropertyDescription(
      "Annotations is an unstructured key value map stored with a resource that may be\n"
          + "set by external tools to store and retrieve arbitrary metadata.")
  private Map<String, String> annotations;

  public Map<String, String> getLabels() {
    return labels;
  }

  public void setLabels(Map<String, String> labels) {
    this.labels = labels;
  }

  public Map<String, String> getAnnotations() {
    return annotations;
  }

  public void setAnnotations(Map<String, String> annotations) {
    this.annotations = annotations;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PodTemplateMetadata that
        && Objects.equals(labels, that.labels)
        && Objects.equals(annotations, that.annotations);
  }

  @Override
  public int hashCode() {
    return Objects.hash(labels, annotations);
  }

  @Override
  public String toString() {
    return "PodTemplateMetadata{labels=" + labels + ", annotations=" + annotations + "}";
  }
}
