package dev.modelserving.controller.kube;

import io.fabric8.kubernetes.client.CustomResource;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Shares one immutable empty list and map for every empty collection of a cached model object, and
 * one copy of each string of it. Every fabric8 model object (and every API type of this project)
 * starts with its own empty {@code additionalProperties} map, and most of them with empty lists and
 * maps for fields the JSON did not carry (a pod: finalizers, volumes, tolerations, init containers
 * and so on): about a hundred per pod, 24 to 64 bytes each. Cached objects are only read (writes
 * are built objects, builders copy collections, and a pass never changes its primary, which is the
 * cached object itself: {@link PrimaryCloner}), so the shared empties are never written to.
 */
final class SharedValues {
  private SharedValues() {}

  private static final ClassValue<List<Field>> COLLECTION_OR_MODEL_FIELDS =
      new ClassValue<>() {
        @Override
        protected List<Field> computeValue(Class<?> type) {
          List<Field> fields = new ArrayList<>();
          for (Class<?> c = type; c != null && isModel(c); c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
              if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                continue;
              }
              Class<?> t = f.getType();
              if (t == String.class
                  || List.class.isAssignableFrom(t)
                  || Map.class.isAssignableFrom(t)
                  || isModel(t)
                  || t == Object.class) {
                f.setAccessible(true);
                fields.add(f);
              }
            }
          }
          return List.copyOf(fields);
        }
      };

  /** {@code object}, changed in place: each empty list and map field is the shared empty one. */
  static <T> T shared(T object) {
    visit(object);
    return object;
  }

  private static void visit(Object value) {
    if (value == null) {
      return;
    }
    if (value instanceof List<?> items) {
      internStrings(items);
      items.forEach(SharedValues::visit);
      return;
    }
    if (value instanceof Map<?, ?> map) {
      internStrings(map);
      map.forEach((k, v) -> visit(v));
      return;
    }
    if (!isModel(value.getClass()) || value.getClass().isEnum()) {
      return;
    }
    for (Field f : COLLECTION_OR_MODEL_FIELDS.get(value.getClass())) {
      try {
        Object v = f.get(value);
        if (v instanceof String text) {
          f.set(value, text.intern());
        } else if (v instanceof List<?> l
            && l.isEmpty()
            && List.class.isAssignableFrom(f.getType())) {
          f.set(value, List.of());
        } else if (v instanceof Map<?, ?> m
            && m.isEmpty()
            && Map.class.isAssignableFrom(f.getType())) {
          f.set(value, Map.of());
        } else {
          visit(v);
        }
      } catch (IllegalAccessException e) {
        throw new IllegalStateException("cannot read " + f, e);
      }
    }
  }

  /**
   * Most strings of cached objects repeat from object to object (label keys and values, owners,
   * images, condition types, reasons, timestamps of the same second): one copy of each.
   */
  @SuppressWarnings("unchecked")
  private static void internStrings(List<?> items) {
    if (!items.isEmpty() && items.get(0) instanceof String) {
      ((List<Object>) items).replaceAll(v -> v instanceof String t ? t.intern() : v);
    }
  }

  @SuppressWarnings("unchecked")
  private static void internStrings(Map<?, ?> map) {
    if (!map.isEmpty()) {
      ((Map<Object, Object>) map).replaceAll((k, v) -> v instanceof String t ? t.intern() : v);
    }
  }

  /**
   * fabric8's model classes and this project's API types: the classes whose fields are walked.
   * fabric8's {@code CustomResource} is one too: it declares the metadata, spec and status fields
   * of every custom resource (without it, a cached ModelServing or LeaderWorkerSet kept all its
   * empties, ~7 KB of its ~8 KB).
   */
  private static boolean isModel(Class<?> type) {
    String name = type.getName();
    return name.startsWith("io.fabric8.kubernetes.api.model.")
        || name.startsWith("dev.modelserving.api.")
        || type == CustomResource.class;
  }
}
