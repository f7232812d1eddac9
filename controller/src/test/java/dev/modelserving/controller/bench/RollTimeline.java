package dev.modelserving.controller.bench;

import dev.modelserving.api.lws.v1.LwsKeys;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * Where the time of a rolling update goes, per LWS: from the template edit to the first old pod
 * marked for deletion, to the last old pod gone from the API server, to every new pod created (seen
 * by a watch), to every new pod Ready. Fed by a pod informer's events; times are the moments the
 * events arrive here, in seconds since the update started.
 */
final class RollTimeline implements ResourceEventHandler<Pod> {
  /** The stages of one group, in order; a group is in the first stage it has not passed. */
  static final List<String> STAGES =
      List.of("edited", "oldDeleting", "oldGone", "newCreated", "newReady");

  private final long start;
  private final int size;
  private final LongSupplier clock;
  private final Predicate<Pod> isNew;
  private final Function<Pod, Boolean> isReady;
  private final Map<String, Group> groups = new ConcurrentHashMap<>();

  private static final class Group {
    final Set<String> old = new HashSet<>();
    final Set<String> created = new HashSet<>();
    final Set<String> ready = new HashSet<>();
    final long[] at = new long[STAGES.size()];

    Group() {
      java.util.Arrays.fill(at, -1);
    }

    void mark(int stage, long now) {
      if (at[stage] < 0) {
        at[stage] = now;
      }
    }
  }

  /**
   * @param existing the pods before the update (all old)
   */
  RollTimeline(
      long start,
      int size,
      LongSupplier clock,
      Collection<Pod> existing,
      Predicate<Pod> isNew,
      Function<Pod, Boolean> isReady) {
    this.start = start;
    this.size = size;
    this.clock = clock;
    this.isNew = isNew;
    this.isReady = isReady;
    for (Pod p : existing) {
      if (!isNew.test(p)) {
        group(p).old.add(p.getMetadata().getUid());
      }
    }
  }

  private Group group(Pod p) {
    var labels = p.getMetadata().getLabels();
    String name = labels == null ? null : labels.get(LwsKeys.Labels.NAME);
    return groups.computeIfAbsent(name == null ? "?" : name, k -> new Group());
  }

  void edited(String lws) {
    Group g = groups.computeIfAbsent(lws, k -> new Group());
    synchronized (g) {
      g.mark(0, clock.getAsLong());
    }
  }

  @Override
  public void onAdd(Pod p) {
    observe(p, false);
  }

  @Override
  public void onUpdate(Pod before, Pod p) {
    observe(p, false);
  }

  @Override
  public void onDelete(Pod p, boolean finalStateUnknown) {
    observe(p, true);
  }

  private void observe(Pod p, boolean gone) {
    long now = clock.getAsLong();
    Group g = group(p);
    String uid = p.getMetadata().getUid();
    synchronized (g) {
      if (g.old.contains(uid)) {
        if (gone || p.getMetadata().getDeletionTimestamp() != null) {
          g.mark(1, now);
        }
        if (gone) {
          g.old.remove(uid);
          if (g.old.isEmpty()) {
            g.mark(2, now);
          }
        }
      } else if (isNew.test(p) && !gone) {
        g.created.add(uid);
        if (g.created.size() >= size) {
          g.mark(3, now);
        }
        if (p.getMetadata().getDeletionTimestamp() == null && isReady.apply(p)) {
          g.ready.add(uid);
          if (g.ready.size() >= size) {
            g.mark(4, now);
          }
        }
      }
    }
  }

  /** How many groups are in each stage now (the first stage they have not reached). */
  String stages() {
    int[] in = new int[STAGES.size() + 1];
    for (Group g : groups.values()) {
      synchronized (g) {
        int s = 0;
        while (s < g.at.length && g.at[s] >= 0) {
          s++;
        }
        in[s]++;
      }
    }
    return String.format(
        "groups waiting for: edit %d, old deleted %d, old gone %d, new created %d, new Ready %d;"
            + " done %d",
        in[0], in[1], in[2], in[3], in[4], in[5]);
  }

  /**
   * Per interval between stages (and overall), p50/p90/max seconds over the groups; and when 10,
   * 50, 90 and 100% of the groups were done, in seconds since the start.
   */
  Map<String, Object> summary() {
    Map<String, Object> out = new LinkedHashMap<>();
    List<List<Double>> spans = new ArrayList<>();
    for (int i = 0; i < STAGES.size(); i++) {
      spans.add(new ArrayList<>());
    }
    List<Double> done = new ArrayList<>();
    for (Group g : groups.values()) {
      synchronized (g) {
        for (int i = 1; i < STAGES.size(); i++) {
          if (g.at[i] >= 0 && g.at[i - 1] >= 0) {
            spans.get(i).add((g.at[i] - g.at[i - 1]) / 1e9);
          }
        }
        if (g.at[0] >= 0 && g.at[4] >= 0) {
          spans.get(0).add((g.at[4] - g.at[0]) / 1e9);
        }
        if (g.at[4] >= 0) {
          done.add((g.at[4] - start) / 1e9);
        }
      }
    }
    for (int i = 1; i < STAGES.size(); i++) {
      out.put(STAGES.get(i - 1) + "->" + STAGES.get(i), percentiles(spans.get(i)));
    }
    out.put("edited->newReady", percentiles(spans.get(0)));
    out.put("groupsDoneAtSeconds", percentiles(done, 10, 50, 90, 100));
    return out;
  }

  private static Map<String, Double> percentiles(List<Double> samples, double... ps) {
    double[] wanted = ps.length == 0 ? new double[] {50, 90, 100} : ps;
    Map<String, Double> out = new LinkedHashMap<>();
    for (double p : wanted) {
      out.put(
          "p" + (int) p,
          Math.round(BenchMath.percentile(samples, p).orElse(Double.NaN) * 100) / 100.0);
    }
    return out;
  }
}
