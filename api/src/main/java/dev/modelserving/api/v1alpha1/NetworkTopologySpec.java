package dev.modelserving.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/**
 * The same shape as Volcano's {@code scheduling.volcano.sh/v1beta1} NetworkTopologySpec, which the
 * controller copies into PodGroups.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NetworkTopologySpec {

  /** Whether the topology constraint is hard or soft. */
  public enum Mode {
    @JsonProperty("hard")
    HARD,
    @JsonProperty("soft")
    SOFT
  }

  /** Hard (must hold) or soft (best effort); defaults to hard. */
  @Default("hard")
  @JsonPropertyDescription("Mode specifies the mode of the network topology constrain.")
  private Mode mode;

  /** The highest network tier the pods may span. */
  @Min(0)
  @JsonPropertyDescription(
      "HighestTierAllowed specifies the highest tier that a job allowed to cross when"
          + " scheduling.")
  private Integer highestTierAllowed;

  /** The highest network tier, by name, the pods may span; exclusive with highestTierAllowed. */
  @Size(max = 253)
  @JsonPropertyDescription(
      "HighestTierName specifies the highest tier name that a job allowed to cross when"
          + " scheduling.\n"
          + "HighestTierName and HighestTierAllowed cannot be set simultaneously.")
  private String highestTierName;

  public Mode getMode() {
    return mode;
  }

  public void setMode(Mode mode) {
    this.mode = mode;
  }

  public Integer getHighestTierAllowed() {
    return highestTierAllowed;
  }

  public void setHighestTierAllowed(Integer highestTierAllowed) {
    this.highestTierAllowed = highestTierAllowed;
  }

  public String getHighestTierName() {
    return highestTierName;
  }

  public void setHighestTierName(String highestTierName) {
    this.highestTierName = highestTierName;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NetworkTopologySpec that
        && mode == that.mode
        && Objects.equals(highestTierAllowed, that.highestTierAllowed)
        && Objects.equals(highestTierName, that.highestTierName);
  }

  @Override
  public int hashCode() {
    return Objects.hash(mode, highestTierAllowed, highestTierName);
  }

  @Override
  public String toString() {
    return "NetworkTopologySpec{mode="
        + mode
        + ", highestTierAllowed="
        + highestTierAllowed
        + ", highestTierName="
        + highestTierName
        + "}";
  }
}
