package dev.modelserving.controller.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;

/**
 * Controller ownership, by UID: an object of the same name from a deleted predecessor is not ours.
 */
public final class OwnerRefs {
  private OwnerRefs() {}

  /** Whether {@code owner} is {@code object}'s controller. */
  public static boolean isControlledBy(HasMetadata object, HasMetadata owner) {
    String uid = owner.getMetadata().getUid();
    return object.getMetadata().getOwnerReferences() != null
        && object.getMetadata().getOwnerReferences().stream()
            .anyMatch(
                r ->
                    Boolean.TRUE.equals(r.getController())
                        && uid != null
                        && uid.equals(r.getUid()));
  }

  /** The objects {@code owner} controls. */
  public static <T extends HasMetadata> List<T> controlledBy(
      Iterable<T> objects, HasMetadata owner) {
    List<T> owned = new ArrayList<>();
    for (T o : objects) {
      if (isControlledBy(o, owner)) {
        owned.add(o);
      }
    }
    return owned;
  }
}
