package io.hapair.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a custom resource against a CRD's openAPIV3Schema as the API server does, without one:
 * defaults first, then the structural schema (unknown fields rejected, as kubectl's strict field
 * validation does), then every x-kubernetes-validations CEL rule at its level.
 */
public final class CrdSchemaValidator {
  private static final String RULES = "x-kubernetes-validations";
  private static final String PRESERVE = "x-kubernetes-preserve-unknown-fields";

  private final JsonNode openApiSchema;
  private final JsonSchema strictSchema;
  private final CelCompiler celCompiler =
      CelCompilerFactory.standardCelCompilerBuilder()
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          .addVar("self", SimpleType.DYN)
          .build();
  private final CelRuntime celRuntime = CelRuntimeFactory.standardCelRuntimeBuilder().build();
  private final Map<String, CelRuntime.Program> programs = new HashMap<>();

  public CrdSchemaValidator(JsonNode crd) {
    this.openApiSchema = crd.at("/spec/versions/0/schema/openAPIV3Schema");
    if (openApiSchema.isMissingNode()) {
      throw new IllegalArgumentException("not a CRD with an openAPIV3Schema");
    }
    ObjectNode strict = openApiSchema.deepCopy();
    forbidUnknownFields(strict.path("properties").path("spec"));
    this.strictSchema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(strict);
  }

  /** The errors the API server would report; empty when the object is accepted. */
  public List<String> validate(JsonNode resource) {
    JsonNode object = resource.deepCopy();
    applyDefaults(openApiSchema, object);
    List<String> errors = new ArrayList<>();
    for (ValidationMessage message : strictSchema.validate(object)) {
      errors.add(message.getMessage());
    }
    if (errors.isEmpty()) {
      checkRules(openApiSchema, object, "", errors);
    }
    return errors;
  }

  private static void forbidUnknownFields(JsonNode schema) {
    if (!(schema instanceof ObjectNode node)) {
      return;
    }
    if (node.has("properties") && !node.path(PRESERVE).asBoolean(false)) {
      node.put("additionalProperties", false);
      node.get("properties").forEach(CrdSchemaValidator::forbidUnknownFields);
    }
    forbidUnknownFields(node.path("items"));
  }

  /** Structural defaulting: a missing property with a default gets it, in objects present. */
  static void applyDefaults(JsonNode schema, JsonNode value) {
    if (value instanceof ObjectNode object && schema.has("properties")) {
      Iterator<Map.Entry<String, JsonNode>> properties = schema.get("properties").fields();
      while (properties.hasNext()) {
        Map.Entry<String, JsonNode> property = properties.next();
        if (!object.has(property.getKey()) && property.getValue().has("default")) {
          object.set(property.getKey(), property.getValue().get("default").deepCopy());
        }
        if (object.has(property.getKey())) {
          applyDefaults(property.getValue(), object.get(property.getKey()));
        }
      }
    } else if (value instanceof ArrayNode array && schema.has("items")) {
      array.forEach(item -> applyDefaults(schema.get("items"), item));
    }
  }

  private void checkRules(JsonNode schema, JsonNode value, String path, List<String> errors) {
    for (JsonNode rule : schema.path(RULES)) {
      if (!Boolean.TRUE.equals(evaluate(rule.get("rule").asText(), toCel(value)))) {
        errors.add(path + rule.path("fieldPath").asText("") + ": " + rule.get("message").asText());
      }
    }
    if (value.isObject() && schema.has("properties")) {
      schema
          .get("properties")
          .fields()
          .forEachRemaining(
              p -> {
                if (value.has(p.getKey())) {
                  checkRules(p.getValue(), value.get(p.getKey()), path + "." + p.getKey(), errors);
                }
              });
    } else if (value.isArray() && schema.has("items")) {
      for (int i = 0; i < value.size(); i++) {
        checkRules(schema.get("items"), value.get(i), path + "[" + i + "]", errors);
      }
    }
  }

  private Object evaluate(String rule, Object self) {
    try {
      CelRuntime.Program program = programs.get(rule);
      if (program == null) {
        CelAbstractSyntaxTree ast = celCompiler.compile(rule).getAst();
        program = celRuntime.createProgram(ast);
        programs.put(rule, program);
      }
      return program.eval(Map.of("self", self));
    } catch (CelValidationException e) {
      throw new IllegalStateException("CEL rule does not compile: " + rule, e);
    } catch (CelEvaluationException e) {
      return "error: " + e.getMessage();
    }
  }

  private static Object toCel(JsonNode node) {
    if (node.isObject()) {
      Map<String, Object> map = new LinkedHashMap<>();
      node.fields().forEachRemaining(f -> map.put(f.getKey(), toCel(f.getValue())));
      return map;
    }
    if (node.isArray()) {
      List<Object> list = new ArrayList<>();
      node.forEach(item -> list.add(toCel(item)));
      return list;
    }
    if (node.isIntegralNumber()) {
      return node.asLong();
    }
    if (node.isNumber()) {
      return node.asDouble();
    }
    if (node.isBoolean()) {
      return node.asBoolean();
    }
    return node.asText();
  }
}
