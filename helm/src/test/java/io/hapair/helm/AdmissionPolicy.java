package io.hapair.helm;

import com.google.protobuf.NullValue;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A rendered ValidatingAdmissionPolicy evaluated as the API server does, with cel-java: the match
 * conditions, then the variables in order, then each validation; the first that is false denies
 * with its message. An evaluation error denies too (the chart's policies fail closed).
 */
final class AdmissionPolicy {
  private static final CelCompiler COMPILER =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("request", SimpleType.DYN)
          .addVar("object", SimpleType.DYN)
          .addVar("oldObject", SimpleType.DYN)
          .addVar("variables", SimpleType.DYN)
          .build();
  private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

  private final Map<String, Object> spec;

  AdmissionPolicy(HasMetadata policy) {
    this.spec = cast(asMap(policy).get("spec"));
  }

  /** Any object as the plain maps and lists of its JSON form. */
  static Map<String, Object> asMap(HasMetadata object) {
    return cast(Serialization.jsonMapper().convertValue(object, Map.class));
  }

  /** Whether the policy applies to this request (its match conditions). */
  boolean matches(Map<String, Object> request) {
    try {
      for (Map<String, Object> condition : list(spec.get("matchConditions"))) {
        Object matched = eval((String) condition.get("expression"), request, null, null, Map.of());
        if (!Boolean.TRUE.equals(matched)) {
          return false;
        }
      }
    } catch (CelEvaluationException e) {
      throw new AssertionError("a match condition failed to evaluate", e);
    }
    return true;
  }

  /**
   * The denial message, or empty when the request is allowed (or the policy does not apply).
   *
   * @param object the new object (null for DELETE)
   * @param oldObject the stored object (null for CREATE)
   */
  Optional<String> denial(
      Map<String, Object> request, Map<String, Object> object, Map<String, Object> oldObject) {
    if (!matches(request)) {
      return Optional.empty();
    }
    Map<String, Object> variables = new HashMap<>();
    try {
      for (Map<String, Object> variable : list(spec.get("variables"))) {
        variables.put(
            (String) variable.get("name"),
            eval((String) variable.get("expression"), request, object, oldObject, variables));
      }
      for (Map<String, Object> validation : list(spec.get("validations"))) {
        Object allowed =
            eval((String) validation.get("expression"), request, object, oldObject, variables);
        if (!Boolean.TRUE.equals(allowed)) {
          String message =
              validation.containsKey("messageExpression")
                  ? (String)
                      eval(
                          (String) validation.get("messageExpression"),
                          request,
                          object,
                          oldObject,
                          variables)
                  : (String) validation.get("message");
          return Optional.of(message);
        }
      }
    } catch (CelEvaluationException e) {
      return Optional.of("evaluation error: " + e.getMessage());
    }
    return Optional.empty();
  }

  private static Object eval(
      String expression,
      Map<String, Object> request,
      Map<String, Object> object,
      Map<String, Object> oldObject,
      Map<String, Object> variables)
      throws CelEvaluationException {
    try {
      CelRuntime.Program program = RUNTIME.createProgram(COMPILER.compile(expression).getAst());
      Map<String, Object> input = new HashMap<>();
      input.put("request", request);
      input.put("variables", variables);
      // CEL's null for the object a CREATE or DELETE does not have.
      input.put("object", object == null ? NullValue.NULL_VALUE : object);
      input.put("oldObject", oldObject == null ? NullValue.NULL_VALUE : oldObject);
      return program.eval(input);
    } catch (CelValidationException e) {
      throw new AssertionError("the policy's CEL does not compile: " + expression, e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Object o) {
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Object o) {
    return o == null ? List.of() : (List<Map<String, Object>>) o;
  }
}
