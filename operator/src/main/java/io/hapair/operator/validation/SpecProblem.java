package io.hapair.operator.validation;

/**
 * One thing wrong with a HAPair spec.
 *
 * @param field the offending field, as a path a user can find (spec.nodes[1].name)
 * @param reason a CamelCase word for the condition's reason
 * @param message a sentence that starts with the field
 */
public record SpecProblem(String field, String reason, String message) {
  public static SpecProblem of(String field, String reason, String detail) {
    return new SpecProblem(field, reason, field + ": " + detail);
  }
}
