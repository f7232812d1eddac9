package dev.modelserving.controller.reconciler;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Runs the creates (and deletes) of one reconcile pass a few at a time instead of one after the
 * other, so that a pass waits for about one API round trip per wave rather than one per object.
 * Each create runs on a virtual thread (fabric8's calls block). As a sequential loop would, it
 * stops starting new creates at the first refusal or failure; those already under way finish.
 * Returns the first refusal in the order of {@code items}; a failure (an exception of a create) is
 * thrown once every started create has finished.
 */
final class ParallelCreates {
  /** Creates in flight per wave: enough to hide the latency, few enough to spare the API server. */
  static final int PARALLELISM = 16;

  private static final ExecutorService THREADS =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("create-", 0).factory());

  private ParallelCreates() {}

  /**
   * Creates {@code items} with {@code create}, which returns why the API refused one, if it did.
   * With {@code stopAtRefusal} false, every item is tried whatever the others' answers.
   */
  static <T> Optional<String> run(
      List<T> items, Function<T, Optional<String>> create, boolean stopAtRefusal) {
    if (items.size() == 1) {
      return create.apply(items.get(0));
    }
    Semaphore slots = new Semaphore(PARALLELISM);
    AtomicBoolean stop = new AtomicBoolean();
    List<CompletableFuture<Optional<String>>> started = new ArrayList<>();
    for (T item : items) {
      slots.acquireUninterruptibly();
      if (stop.get()) {
        slots.release();
        break;
      }
      started.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  Optional<String> refused = create.apply(item);
                  if (refused.isPresent() && stopAtRefusal) {
                    stop.set(true);
                  }
                  return refused;
                } catch (RuntimeException | Error e) {
                  stop.set(true);
                  throw e;
                } finally {
                  slots.release();
                }
              },
              THREADS));
    }
    Optional<String> firstRefusal = Optional.empty();
    Throwable failure = null;
    for (CompletableFuture<Optional<String>> f : started) {
      try {
        Optional<String> refused = f.join();
        if (firstRefusal.isEmpty()) {
          firstRefusal = refused;
        }
      } catch (CompletionException e) {
        if (failure == null) {
          failure = e.getCause() == null ? e : e.getCause();
        }
      }
    }
    if (failure instanceof RuntimeException r) {
      throw r;
    }
    if (failure instanceof Error e) {
      throw e;
    }
    return firstRefusal;
  }
}
