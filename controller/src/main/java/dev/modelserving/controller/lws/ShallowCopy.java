package dev.modelserving.controller.lws;

import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * A new object of the same class whose fields hold the same values (references, not copies): what
 * {@link LwsDefaults#sharing} copies on the way to a field it sets. Every instance field is copied,
 * so a field added to an API class later is not lost. The class needs a no-argument constructor
 * (the API types have one, Jackson needs it too).
 */
final class ShallowCopy {
  private record Shape(Constructor<?> constructor, List<Field> fields) {}

  private static final ClassValue<Shape> SHAPES =
      new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
          List<Field> fields = new ArrayList<>();
          for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
              if (!Modifier.isStatic(f.getModifiers())) {
                f.setAccessible(true);
                fields.add(f);
              }
            }
          }
          try {
            Constructor<?> constructor = type.getDeclaredConstructor();
            constructor.setAccessible(true);
            return new Shape(constructor, List.copyOf(fields));
          } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(type + " has no no-argument constructor", e);
          }
        }
      };

  private ShallowCopy() {}

  @SuppressWarnings("unchecked")
  static <T> T of(T object) {
    Shape shape = SHAPES.get(object.getClass());
    try {
      T copy = (T) shape.constructor().newInstance();
      for (Field f : shape.fields()) {
        f.set(copy, f.get(object));
      }
      return copy;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot copy a " + object.getClass().getName(), e);
    }
  }
}
