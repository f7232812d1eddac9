package dev.modelserving.controller.validation;

/**
 * One thing wrong with a ModelServing or a LeaderWorkerSet.
 *
 * @param field JSON path of the offending field as Kubernetes prints it, e.g. {@code
 *     spec.template.roles[1].workerTemplate}
 * @param message what is wrong and what is allowed, in plain English
 */
public record Violation(String field, String message) {

  /** {@code field: message}, the form Kubernetes uses in admission errors. */
  @Override
  public String toString() {
    return field + ": " + message;
  }
}
