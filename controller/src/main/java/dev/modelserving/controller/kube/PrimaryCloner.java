package dev.modelserving.controller.kube;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.javaoperatorsdk.operator.api.config.Cloner;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What JOSDK hands a reconcile pass as its primary: the informer's cached object itself, not a
 * copy. JOSDK 5.3.2 deep-copies the primary (a JSON round trip) before every pass so that a
 * reconciler may change it; ours never do, and the copy was about 5% of the controller's CPU during
 * a 200 x 4 bench (JFR, issue #10).
 *
 * <p>Why handing out the cached object is safe here, from JOSDK 5.3.2's uses of the cloner: (1)
 * before each pass (the copy this avoids); (2) before a JSON-patch status update of {@code
 * UpdateControl.patchStatus} without server-side apply, and (3) in {@code
 * PrimaryUpdateAndCacheUtils} — neither is used: every pass returns {@code
 * UpdateControl.noUpdate()} and writes status itself ({@code StatusWrite}, a server-side apply of a
 * built object); (4) secondaries from a cache, only with {@code
 * cloneSecondaryResourcesWhenGettingFromCache}, which is off (they were never copied). No finalizer
 * is added or removed (no {@code Cleaner}), the other path where JOSDK changes the primary it
 * passed in. So the one condition is that no pass changes its primary or anything reachable from it
 * (spec, metadata maps and lists, status); cached empties are immutable ({@link SharedValues}), so
 * some such changes fail at once.
 *
 * <p>With the JVM system property {@value #CHECK_PROPERTY}{@code =true} (the ITs set it, see {@code
 * ControllerProcess}) the cloner also checks that condition: it keeps the JSON of the primary each
 * reconcile thread was handed and compares it with the object when that thread starts its next pass
 * (a thread runs one pass at a time) and when the controllers stop; a difference is logged as an
 * error containing {@value #CHANGED}, naming the object and the first field that differs.
 */
public final class PrimaryCloner {
  /** JVM system property that turns the check on. */
  public static final String CHECK_PROPERTY = "modelserving.checkPrimaryUnchanged";

  /** Part of the error logged when a pass changed its primary; the ITs look for it. */
  public static final String CHANGED = "a reconcile pass changed its primary in place";

  private static final Cloner SHARED =
      new Cloner() {
        @Override
        public <R extends HasMetadata> R clone(R object) {
          return object;
        }
      };

  private static final Cloner FOR_THIS_PROCESS =
      Boolean.getBoolean(CHECK_PROPERTY) ? new Checking(Serialization.SHARED) : SHARED;

  private PrimaryCloner() {}

  /** The cloner of both operators of this process. */
  public static Cloner forThisProcess() {
    return FOR_THIS_PROCESS;
  }

  /** With the check on: checks the primaries of the last passes (after the reconciles ended). */
  public static void checkLastPasses() {
    if (FOR_THIS_PROCESS instanceof Checking checking) {
      checking.checkAll();
    }
  }

  /** Hands out the cached object and checks that the pass left it as it was. */
  static final class Checking implements Cloner {
    private static final Logger log = LoggerFactory.getLogger(PrimaryCloner.class);

    private record Handed(HasMetadata object, String json) {}

    private final KubernetesSerialization serialization;
    private final Map<Long, Handed> lastByThread = new ConcurrentHashMap<>();
    private final AtomicLong changed = new AtomicLong();

    Checking(KubernetesSerialization serialization) {
      this.serialization = serialization;
    }

    @Override
    public <R extends HasMetadata> R clone(R object) {
      // The previous pass of this thread has ended: it is checked before the next one starts.
      Handed previous =
          lastByThread.put(
              Thread.currentThread().threadId(), new Handed(object, serialization.asJson(object)));
      if (previous != null) {
        check(previous);
      }
      return object;
    }

    /** Checks the primary of every thread's last pass and forgets them. */
    void checkAll() {
      for (Iterator<Handed> it = lastByThread.values().iterator(); it.hasNext(); ) {
        Handed handed = it.next();
        it.remove();
        check(handed);
      }
    }

    /** How many changed primaries were found. */
    long changed() {
      return changed.get();
    }

    private void check(Handed handed) {
      String now = serialization.asJson(handed.object());
      if (now.equals(handed.json())) {
        return;
      }
      changed.incrementAndGet();
      HasMetadata o = handed.object();
      log.error(
          "{} (the informer's cached object): {} {}/{}: {}",
          CHANGED,
          o.getKind(),
          o.getMetadata().getNamespace(),
          o.getMetadata().getName(),
          firstDifference(
              "",
              serialization.unmarshal(handed.json(), JsonNode.class),
              serialization.unmarshal(now, JsonNode.class)));
    }

    /** The path of the first field that differs, with both values. */
    static String firstDifference(String path, JsonNode before, JsonNode after) {
      if (before != null && after != null && before.isObject() && after.isObject()) {
        TreeSet<String> names = new TreeSet<>();
        before.fieldNames().forEachRemaining(names::add);
        after.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
          if (!Objects.equals(before.get(name), after.get(name))) {
            return firstDifference(
                path.isEmpty() ? name : path + "." + name, before.get(name), after.get(name));
          }
        }
      }
      if (before != null
          && after != null
          && before.isArray()
          && after.isArray()
          && before.size() == after.size()) {
        for (int i = 0; i < before.size(); i++) {
          if (!before.get(i).equals(after.get(i))) {
            return firstDifference(path + "[" + i + "]", before.get(i), after.get(i));
          }
        }
      }
      return (path.isEmpty() ? "the object" : path)
          + " was "
          + shown(before)
          + ", is "
          + shown(after);
    }

    private static String shown(JsonNode value) {
      String text = value == null ? "absent" : value.toString();
      return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
  }
}
