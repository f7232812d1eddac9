package dev.modelserving.controller.conversion;

import dev.modelserving.api.lws.v1.LeaderWorkerSet;
import dev.modelserving.api.lws.v1.LeaderWorkerSetStatus;
import dev.modelserving.api.lws.v1.LwsKeys;
import dev.modelserving.api.v1alpha1.ModelServing;
import dev.modelserving.api.v1alpha1.ModelServingKeys;
import dev.modelserving.api.v1alpha1.ModelServingStatus;
import io.fabric8.kubernetes.api.model.Condition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The LeaderWorkerSet status written back from its ModelServing (pure), with upstream's fields,
 * condition types, reasons, messages and merge rules (LWS.md §3.12): a True condition is added or
 * replaced; Available is exclusive with Progressing and UpdateInProgress, and flipping one to False
 * changes only its status and times; conditions are never removed. Beyond upstream: pods that
 * cannot be scheduled are named with the scheduler's reason in the Progressing message, and a
 * problem that stops the LWS (invalid spec, a ModelServing it does not own) sets Progressing=False
 * with its reason.
 */
public final class LwsStatusFromModelServing {
  private LwsStatusFromModelServing() {}

  /** Why nothing is done for an LWS; {@code reason} is CamelCase, {@code message} a sentence. */
  public record Problem(String reason, String message) {}

  public static LeaderWorkerSetStatus compute(
      LeaderWorkerSet lws,
      Optional<ModelServing> ms,
      LwsGroups.Counts groups,
      Optional<Problem> problem,
      List<String> ignoredFields,
      Instant now) {
    LeaderWorkerSetStatus previous =
        lws.getStatus() == null ? new LeaderWorkerSetStatus() : lws.getStatus();
    long generation =
        lws.getMetadata().getGeneration() == null ? 0 : lws.getMetadata().getGeneration();
    int desired = lws.getSpec().getReplicas() == null ? 1 : lws.getSpec().getReplicas();
    ModelServingStatus msStatus = ms.map(ModelServing::getStatus).orElse(null);

    LeaderWorkerSetStatus status = new LeaderWorkerSetStatus();
    status.setObservedGeneration(generation);
    status.setReplicas(groups.leaders());
    status.setReadyReplicas(groups.ready());
    status.setUpdatedReplicas(groups.updated());
    status.setHpaPodSelector(
        LwsKeys.Labels.NAME
            + "="
            + lws.getMetadata().getName()
            + ","
            + LwsKeys.Labels.WORKER_INDEX
            + "=0");

    List<Condition> conditions = copy(previous.getConditions());
    String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
    if (problem.isPresent()) {
      put(
          conditions,
          condition(
              LwsKeys.Conditions.PROGRESSING,
              "False",
              problem.get().reason(),
              problem.get().message(),
              generation,
              time),
          time);
    } else {
      // Upstream's rules: surge groups never make the LWS Available, and only the groups at or
      // above the partition must be updated.
      String progressing = progressingMessage(msStatus);
      if (groups.updating()) {
        setTrue(
            conditions,
            LwsKeys.Conditions.UPDATE_IN_PROGRESS,
            LwsKeys.Conditions.REASON_GROUPS_UPDATING,
            LwsKeys.Conditions.MESSAGE_GROUPS_UPDATING,
            generation,
            time);
        setTrue(
            conditions,
            LwsKeys.Conditions.PROGRESSING,
            LwsKeys.Conditions.REASON_GROUPS_PROGRESSING,
            progressing,
            generation,
            time);
      } else if (groups.available(desired)) {
        setTrue(
            conditions,
            LwsKeys.Conditions.AVAILABLE,
            LwsKeys.Conditions.REASON_ALL_GROUPS_READY,
            LwsKeys.Conditions.MESSAGE_ALL_GROUPS_READY,
            generation,
            time);
      } else {
        setTrue(
            conditions,
            LwsKeys.Conditions.PROGRESSING,
            LwsKeys.Conditions.REASON_GROUPS_PROGRESSING,
            progressing,
            generation,
            time);
      }
    }
    putIgnoredFields(conditions, ignoredFields, generation, time);
    for (Condition c : conditions) {
      c.setObservedGeneration(generation);
    }
    status.setConditions(conditions);
    return status;
  }

  /** The message of the {@code UnsupportedFields} condition for these ignored fields. */
  public static String ignoredFieldsMessage(List<String> ignoredFields) {
    return "fields this controller does not implement are ignored (the LeaderWorkerSet CRD is newer than the"
        + " v0.10.0 API served here): "
        + String.join(", ", ignoredFields);
  }

  /** Not upstream: fields of a newer CRD that are ignored are named, never dropped silently. */
  private static void putIgnoredFields(
      List<Condition> conditions, List<String> ignoredFields, long generation, String time) {
    boolean present =
        conditions.stream()
            .anyMatch(c -> LwsKeys.Conditions.UNSUPPORTED_FIELDS.equals(c.getType()));
    if (!ignoredFields.isEmpty()) {
      put(
          conditions,
          condition(
              LwsKeys.Conditions.UNSUPPORTED_FIELDS,
              "True",
              LwsKeys.Conditions.REASON_FIELDS_IGNORED,
              ignoredFieldsMessage(ignoredFields),
              generation,
              time),
          time);
    } else if (present) {
      put(
          conditions,
          condition(
              LwsKeys.Conditions.UNSUPPORTED_FIELDS,
              "False",
              LwsKeys.Conditions.REASON_ALL_FIELDS_SUPPORTED,
              "every field set is implemented",
              generation,
              time),
          time);
    }
  }

  /**
   * Upstream's message, plus the ModelServing's word on pods the scheduler cannot place or on the
   * terminating pods of a previous LWS of this name it waits for.
   */
  static String progressingMessage(ModelServingStatus msStatus) {
    String base = LwsKeys.Conditions.MESSAGE_GROUPS_PROGRESSING;
    if (msStatus == null || msStatus.getConditions() == null) {
      return base;
    }
    return msStatus.getConditions().stream()
        .filter(
            c ->
                ModelServingKeys.Conditions.PROGRESSING.equals(c.getType())
                    && c.getMessage() != null)
        .map(
            c -> {
              String m = c.getMessage();
              if (ModelServingKeys.Conditions.REASON_WAITING_FOR_PREVIOUS_PODS.equals(
                  c.getReason())) {
                return base + "; " + m;
              }
              return m.contains(" cannot be scheduled: ")
                  ? base + "; " + m.substring(m.indexOf("pod "))
                  : null;
            })
        .filter(Objects::nonNull)
        .findFirst()
        .orElse(base);
  }

  /**
   * Adds or replaces the condition {@code type} of {@code status} (the transition time stays when
   * the status value does not change); used for conditions of our own beside upstream's.
   */
  public static void putCondition(
      LeaderWorkerSetStatus status,
      String type,
      String value,
      String reason,
      String message,
      Instant now) {
    List<Condition> conditions = copy(status.getConditions());
    String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
    Long generation = status.getObservedGeneration();
    put(
        conditions,
        condition(type, value, reason, message, generation == null ? 0 : generation, time),
        time);
    if (generation == null) {
      conditions.stream()
          .filter(c -> type.equals(c.getType()))
          .forEach(c -> c.setObservedGeneration(null));
    }
    status.setConditions(conditions);
  }

  /**
   * Upstream setCondition: add or replace a True condition and flip its exclusive partners to
   * False.
   */
  private static void setTrue(
      List<Condition> conditions,
      String type,
      String reason,
      String message,
      long generation,
      String time) {
    put(conditions, condition(type, "True", reason, message, generation, time), time);
    Set<String> exclusive =
        LwsKeys.Conditions.AVAILABLE.equals(type)
            ? Set.of(LwsKeys.Conditions.PROGRESSING, LwsKeys.Conditions.UPDATE_IN_PROGRESS)
            : Set.of(LwsKeys.Conditions.AVAILABLE);
    for (Condition c : conditions) {
      if (exclusive.contains(c.getType()) && "True".equals(c.getStatus())) {
        c.setStatus("False");
        c.setLastTransitionTime(time);
      }
    }
  }

  private static void put(List<Condition> conditions, Condition next, String time) {
    for (int i = 0; i < conditions.size(); i++) {
      Condition old = conditions.get(i);
      if (old.getType().equals(next.getType())) {
        if (old.getStatus().equals(next.getStatus()) && old.getLastTransitionTime() != null) {
          next.setLastTransitionTime(old.getLastTransitionTime());
        }
        conditions.set(i, next);
        return;
      }
    }
    conditions.add(next);
  }

  private static Condition condition(
      String type, String status, String reason, String message, long generation, String time) {
    Condition c = new Condition();
    c.setType(type);
    c.setStatus(status);
    c.setReason(reason);
    c.setMessage(message);
    c.setObservedGeneration(generation);
    c.setLastTransitionTime(time);
    return c;
  }

  private static List<Condition> copy(List<Condition> conditions) {
    List<Condition> copy = new ArrayList<>();
    if (conditions != null) {
      for (Condition c : conditions) {
        Condition d = new Condition();
        d.setType(c.getType());
        d.setStatus(c.getStatus());
        d.setReason(c.getReason());
        d.setMessage(c.getMessage());
        d.setObservedGeneration(c.getObservedGeneration());
        d.setLastTransitionTime(c.getLastTransitionTime());
        copy.add(d);
      }
    }
    return copy;
  }
}
