package io.sluice.sink.document;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the JSON an event carries (an HEC {@code event} that was not a string, {@code hec.fields})
 * into a tree, within limits that Jackson enforces while it reads (its {@code
 * StreamReadConstraints}): nesting depth, and length. So a hostile value fails after reading at
 * most {@code maxNestingDepth} levels or {@code maxDocumentBytes} characters, before a deep tree or
 * a long string exists. Thread-safe.
 */
final class EmbeddedJson {

  /** Jackson's messages quote the input: keep reasons short enough to log and dead-letter. */
  private static final int MAX_REASON_CHARS = 200;

  private final ObjectReader reader;
  private final int maxNestingDepth;

  EmbeddedJson(DocumentLimits limits) {
    this.maxNestingDepth = limits.maxNestingDepth();
    StreamReadConstraints constraints = StreamReadConstraints.builder()
        .maxNestingDepth(limits.maxNestingDepth())
        .maxDocumentLength(limits.maxDocumentBytes())
        .maxStringLength(limits.maxDocumentBytes())
        .maxNameLength(limits.maxDocumentBytes())
        .build();
    JsonMapper mapper = JsonMapper.builder(JsonFactory.builder().streamReadConstraints(constraints).build())
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS) // "{} x" is not one value
        // a sender's 0.1 stays 0.1 and 1e400 stays 1e400 (a double would make it Infinity, which
        // JSON cannot say): the document carries the number the sender wrote
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .build();
    this.reader = mapper.reader();
  }

  /**
   * The value in {@code json} (a MissingNode when there is none, only white space); throws
   * JacksonException when it is not one value within the limits.
   */
  JsonNode read(byte[] json) {
    return reader.readTree(json);
  }

  JsonNode read(String json) {
    return reader.readTree(json);
  }

  /** A short reason for a refusal, naming the limit when one was hit. */
  String describe(JacksonException e) {
    if (e instanceof StreamConstraintsException && e.getOriginalMessage() != null
        && e.getOriginalMessage().contains("nesting depth")) {
      return "JSON nested deeper than maxNestingDepth (" + maxNestingDepth + ")";
    }
    String m = String.valueOf(e.getOriginalMessage());
    if (m.length() > MAX_REASON_CHARS) {
      m = m.substring(0, MAX_REASON_CHARS) + "...";
    }
    if (e instanceof StreamConstraintsException) {
      return "JSON beyond a limit: " + m;
    }
    return "not valid JSON: " + m;
  }
}
