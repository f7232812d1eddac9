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

  /**
   * Whether {@code object} is left by a deleted predecessor of {@code owner} (its controller has
   * {@code owner}'s kind and name but another UID), or is being deleted anyway: either way it goes
   * by itself, through the garbage collector, and its name is free after that.
   */
  public static boolean isLeftByPredecessor(HasMetadata object, HasMetadata owner) {
    if (object.getMetadata().getDeletionTimestamp() != null) {
      return true;
    }
    String uid = owner.getMetadata().getUid();
    return object.getMetadata().getOwnerReferences() != null
        && object.getMetadata().getOwnerReferences().stream()
            .anyMatch(
                r ->
                    Boolean.TRUE.equals(r.getController())
                        && owner.getKind().equals(r.getKind())
                        && owner.getMetadata().getName().equals(r.getName())
                        && uid != null
                        && !uid.equals(r.getUid()));
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
