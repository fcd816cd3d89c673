package io.sluice.sink.validate;

import com.networknt.schema.ExecutionConfig;
import com.networknt.schema.ExecutionContext;
import com.networknt.schema.Schema;
import com.networknt.schema.ValidationLimitExceededException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * One loaded JSON Schema, checking documents. Thread-safe: networknt's {@link Schema} is, once its
 * validators are initialised (which {@link SchemaFiles} does at load), and each call here has its
 * own execution context.
 *
 * <p>A document the {@link CompiledSchema} finds certainly valid is valid; any other is validated by
 * networknt, which decides and says why.
 *
 * <p>Bounded cost: a validation admits at most {@link #MAX_STEPS} keyword evaluations and nests at
 * most {@link #MAX_DEPTH} schema evaluations (networknt's evaluation limits); past either it stops
 * and the document is invalid, saying so. A typical event document takes well under a hundred
 * steps (a dozen fields, a few keywords each); the limit is reached only by documents with
 * thousands of properties or items, or by a schema that recurses without end.
 */
public final class DocumentSchema {

  static final long MAX_STEPS = 10_000;
  static final int MAX_DEPTH = 256;

  private static final ExecutionConfig LIMITS =
      ExecutionConfig.builder().maxEvaluationSteps(MAX_STEPS).maxEvaluationDepth(MAX_DEPTH).build();

  private final String name;
  private final Schema schema;
  private final CompiledSchema compiled;
  private final Validation valid;

  DocumentSchema(String name, Schema schema, CompiledSchema compiled) {
    this.name = name;
    this.schema = schema;
    this.compiled = compiled;
    this.valid = Validation.valid(name);
  }

  /** The schema's path as configured. */
  public String name() {
    return name;
  }

  /** Whether {@code document} is valid against this schema. Never throws for any document. */
  public Validation validate(JsonNode document) {
    if (compiled.test(document) == Verdict.VALID) {
      return valid; // certainly valid: networknt would say so too, at several times the cost
    }
    return validatedByNetworknt(document);
  }

  /** networknt's verdict alone, without the shortcut. */
  Validation validatedByNetworknt(JsonNode document) {
    ExecutionContext context = new ExecutionContext(LIMITS);
    try {
      schema.validate(context, document);
    } catch (ValidationLimitExceededException e) {
      return limitReached(e);
    } catch (RuntimeException e) {
      // a schema that loaded but cannot evaluate this document (e.g. a reference only this
      // document reaches): the document is not known to be valid, so it is not
      return Validation.invalid(name, List.of("the schema could not evaluate the document: "
          + e.getMessage()), 1);
    }
    if (context.isEvaluationAborted()) {
      return limitReached(context.getEvaluationAbort());
    }
    List<com.networknt.schema.Error> errors = context.getErrors();
    if (errors.isEmpty()) {
      return valid;
    }
    int n = Math.min(errors.size(), Validation.MAX_ERRORS);
    List<String> messages = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      // "$.severity: must have a maximum value of 7": where, then what
      messages.add(errors.get(i).toString());
    }
    return Validation.invalid(name, messages, errors.size());
  }

  private Validation limitReached(ValidationLimitExceededException e) {
    String which = e.getLimitKind() == ValidationLimitExceededException.LimitKind.EVALUATION_DEPTH
        ? "nested " + MAX_DEPTH + " schema evaluations deep"
        : "took more than " + MAX_STEPS + " evaluation steps";
    // the reason first: the location of a deep document is long, and errors are cut at 300 characters
    return Validation.invalid(name, List.of("validation stopped: the document " + which + ", at "
        + e.getInstanceLocation()), 1);
  }

  /** The shortcut's verdict alone. */
  Verdict shortcut(JsonNode document) {
    return compiled.test(document);
  }

  @Override
  public String toString() {
    return name;
  }
}
