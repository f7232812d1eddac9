package dev.modelserving.controller.kube;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides what becomes of each Event the controller records, and which write to the API server is
 * due when; the semantics of client-go's EventCorrelator (tools/record), in our own terms:
 *
 * <ul>
 *   <li><b>Duplicates</b>: an Event equal to one seen within {@link Settings#window()} (same
 *       involved object with its UID, type, reason and message) raises that Event's {@code count}
 *       and {@code lastTimestamp} with a PATCH instead of a new POST.
 *   <li><b>Similar Events</b>: the first {@link Settings#maxSimilarMessages()} distinct messages of
 *       one object, type and reason within the window get Events of their own; further messages
 *       fold into one Event per object, type and reason whose message is {@link #COMBINED_PREFIX}
 *       plus the latest message, and whose count grows.
 *   <li><b>Coalescing</b> (ours, not client-go's): an Event is written at most once per {@link
 *       Settings#coalesce()}; what arrives meanwhile only raises the count in memory, and the next
 *       write carries it. A burst of N identical Events costs one POST and one PATCH per coalesce
 *       interval the burst lasts.
 *   <li><b>Spam filter</b>: each write (not each recording, as client-go does: coalesced recordings
 *       cost nothing) takes a token from a bucket per involved object and type ({@link
 *       Settings#spamBurst()}, one more per {@link Settings#spamRefill()}). A write without a token
 *       is skipped: a new Event is lost, a count update waits for the next write.
 * </ul>
 *
 * <p>The number of Events waiting for a write is bounded ({@link Settings#maxPending()}): past it a
 * new Event is dropped rather than queued. Time comes in as an argument, so the tests drive it with
 * fixed instants. Not thread-safe: {@link EventRecorder} calls it under its lock.
 */
public final class EventCorrelator {
  /** Prefix of the message of the Event that similar Events fold into (client-go's words). */
  public static final String COMBINED_PREFIX = "(combined from similar events): ";

  /** The knobs; {@link #DEFAULTS} follows client-go except for the coalescing it lacks. */
  public record Settings(
      int cacheSize,
      int maxPending,
      int maxSimilarMessages,
      Duration window,
      Duration coalesce,
      int spamBurst,
      Duration spamRefill) {
    public static final Settings DEFAULTS =
        new Settings(
            4096,
            4096,
            10,
            Duration.ofMinutes(10),
            Duration.ofSeconds(1),
            25,
            Duration.ofMinutes(5));
  }

  /** The object an Event is about. */
  public record Involved(
      String apiVersion, String kind, String namespace, String name, String uid) {}

  /** One Event as a reconciler records it. */
  public record Occurrence(Involved object, String type, String reason, String message) {}

  /** Events of one object, type and reason: the unit of aggregation. */
  public record SimilarKey(Involved object, String type, String reason) {}

  /**
   * What the spam filter counts writes by: the object and the type, so that a flood of Normal
   * Events does not silence a Warning.
   */
  record SpamKey(Involved object, String type) {}

  /**
   * Identifies one Event on the API server: its similar key and its message, or no message for the
   * Event that similar ones fold into.
   */
  public record Key(SimilarKey similar, String message) {
    boolean combined() {
      return message == null;
    }
  }

  /** What {@link #observe} made of an occurrence. */
  public enum Observed {
    /** A new Event, to be created. */
    NEW,
    /** Equal to a recent Event: raises its count. */
    DUPLICATE,
    /** Folded into the combined Event of its object, type and reason. */
    COMBINED,
    /** Too many Events wait for a write already: lost. */
    DROPPED_FULL
  }

  /** What is due next: a write, or a write the spam filter suppressed. */
  public sealed interface Step permits Write, Suppressed {}

  /**
   * A write of the Event {@code key}: a create when {@code name} is null, else a patch of count,
   * lastTimestamp and message of the Event {@code name}.
   */
  public record Write(
      Key key, String name, String message, int count, Instant firstSeen, Instant lastSeen)
      implements Step {
    public boolean create() {
      return name == null;
    }
  }

  /** A write the spam filter refused. */
  public record Suppressed(Key key) implements Step {}

  private static final class Logged {
    String name;
    String message;
    int count;
    Instant firstSeen;
    Instant lastSeen;
    Instant lastWrite; // null: never written
    Instant due; // null: nothing to write
  }

  private static final class Similar {
    final Set<String> messages = new HashSet<>();
    Instant lastSeen;
  }

  private final Settings settings;
  private final LinkedHashMap<Key, Logged> logged = new LinkedHashMap<>(64, 0.75f, true);
  private final LinkedHashMap<SimilarKey, Similar> similar =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<SimilarKey, Similar> eldest) {
          return size() > settings.cacheSize();
        }
      };
  private final LinkedHashMap<SpamKey, TokenBucket> buckets =
      new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<SpamKey, TokenBucket> eldest) {
          return size() > settings.cacheSize();
        }
      };
  private final LinkedHashMap<Key, Logged> pending = new LinkedHashMap<>();

  /**
   * The pending writes by due time, then in the order they became due: the next write is found
   * without walking every pending one (a burst of 1,000 Events drained one by one was quadratic).
   */
  private final TreeSet<Due> dueOrder =
      new TreeSet<>(Comparator.comparing(Due::at).thenComparingLong(Due::seq));

  private long dueSeq;

  private record Due(Instant at, long seq, Key key) {}

  public EventCorrelator(Settings settings) {
    this.settings = settings;
  }

  /** Takes in one recorded Event at {@code now}. */
  public Observed observe(Occurrence o, Instant now) {
    SimilarKey sk = new SimilarKey(o.object(), o.type(), o.reason());
    Similar s = similar.get(sk);
    if (s == null || expired(s.lastSeen, now)) {
      s = new Similar();
      similar.put(sk, s);
    }
    s.lastSeen = now;
    boolean own =
        s.messages.contains(o.message()) || s.messages.size() < settings.maxSimilarMessages();
    if (own) {
      s.messages.add(o.message());
    }
    Key key = new Key(sk, own ? o.message() : null);
    String message = own ? o.message() : COMBINED_PREFIX + o.message();
    Logged e = logged.get(key);
    if (e != null && expired(e.lastSeen, now) && e.due == null) {
      logged.remove(key); // long quiet: a new Event, as the API server may have expired the old
      e = null;
    }
    if (e == null) {
      if (pending.size() >= settings.maxPending()) {
        return Observed.DROPPED_FULL;
      }
      e = new Logged();
      e.message = message;
      e.count = 1;
      e.firstSeen = now;
      e.lastSeen = now;
      logged.put(key, e);
      markDue(key, e, now);
      trimLogged();
      return own ? Observed.NEW : Observed.COMBINED;
    }
    if (e.due == null && pending.size() >= settings.maxPending()) {
      return Observed.DROPPED_FULL;
    }
    e.count++;
    e.lastSeen = now;
    e.message = message;
    if (e.due == null) {
      Instant due = e.lastWrite == null ? now : e.lastWrite.plus(settings.coalesce());
      markDue(key, e, due.isAfter(now) ? due : now);
    }
    return own ? Observed.DUPLICATE : Observed.COMBINED;
  }

  /** When the next write is due, if any. */
  public Optional<Instant> nextDue() {
    return dueOrder.isEmpty() ? Optional.empty() : Optional.of(dueOrder.first().at());
  }

  /** How many Events wait for a write. */
  public int pending() {
    return pending.size();
  }

  /**
   * The write due at {@code now}, the earliest first; with {@code flush} (the recorder closes)
   * every waiting write is due. The caller reports a create that succeeded with {@link #created}, a
   * patch of an Event that is gone with {@link #gone}. After any other failure nothing is retried
   * at once: the entry keeps its count, and the next occurrence writes again (a create if none
   * succeeded yet).
   */
  public Optional<Step> takeDue(Instant now, boolean flush) {
    Due first = dueOrder.isEmpty() ? null : dueOrder.first();
    if (first == null || (!flush && first.at().isAfter(now))) {
      return Optional.empty();
    }
    dueOrder.pollFirst();
    Key next = first.key();
    Logged e = pending.remove(next);
    e.due = null;
    SpamKey spamKey = new SpamKey(next.similar().object(), next.similar().type());
    TokenBucket bucket =
        buckets.computeIfAbsent(
            spamKey, k -> new TokenBucket(settings.spamBurst(), settings.spamRefill(), now));
    if (!bucket.tryTake(now)) {
      trimLogged();
      return Optional.of(new Suppressed(next));
    }
    e.lastWrite = now;
    return Optional.of(new Write(next, e.name, e.message, e.count, e.firstSeen, e.lastSeen));
  }

  /** The create of {@code key} succeeded: later writes patch the Event {@code name}. */
  public void created(Key key, String name) {
    Logged e = logged.get(key);
    if (e != null) {
      e.name = name;
    }
    trimLogged(); // pending writes may have held the cache past its size
  }

  /** The Event to patch is gone (expired, deleted): create it anew, with the count so far. */
  public void gone(Key key, Instant now) {
    Logged e = logged.get(key);
    if (e != null) {
      e.name = null;
      if (e.due == null) {
        markDue(key, e, now);
      }
    }
  }

  /** Only for an entry with nothing pending ({@code e.due == null}): each is due once. */
  private void markDue(Key key, Logged e, Instant due) {
    e.due = due;
    pending.put(key, e);
    dueOrder.add(new Due(due, dueSeq++, key));
  }

  private boolean expired(Instant lastSeen, Instant now) {
    return Duration.between(lastSeen, now).compareTo(settings.window()) > 0;
  }

  /** Least recently used first; an Event that waits for a write stays until written. */
  private void trimLogged() {
    Iterator<Logged> it = logged.values().iterator();
    while (logged.size() > settings.cacheSize() && it.hasNext()) {
      if (it.next().due == null) {
        it.remove();
      }
    }
  }
}
