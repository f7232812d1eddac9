package dev.modelserving.controller.lws;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;

/**
 * A LeaderWorkerSet with upstream's defaults applied ({@link LwsDefaults}), made once where an LWS
 * enters (the reconciler, the offline preview). Validation, the unsupported-field checks and the
 * conversion all read this value, so the defaults are applied once and the same way for all. Only
 * {@link #of} makes one, so holding one means the defaults are in.
 */
public final class DefaultedLeaderWorkerSet {
  private final LeaderWorkerSet lws;

  private DefaultedLeaderWorkerSet(LeaderWorkerSet lws) {
    this.lws = lws;
  }

  /** Defaults a deep copy of {@code raw} (an LWS as stored); {@code raw} is not changed. */
  public static DefaultedLeaderWorkerSet of(LeaderWorkerSet raw) {
    return new DefaultedLeaderWorkerSet(LwsDefaults.apply(raw));
  }

  /**
   * As {@link #of}, sharing with {@code raw} every part the defaults do not set ({@link
   * LwsDefaults#sharing}): for a reader that changes neither {@code raw} nor the result, such as a
   * reconcile pass, whose LWS is the informer's cached object.
   */
  public static DefaultedLeaderWorkerSet sharing(LeaderWorkerSet raw) {
    return new DefaultedLeaderWorkerSet(LwsDefaults.sharing(raw));
  }

  /** The defaulted object; readers must not change it. */
  public LeaderWorkerSet get() {
    return lws;
  }
}
