package io.sluice.sink.validate;

import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The schemas a sink checks documents against, and which one applies to an event: the one of
 * {@code schemas.<value>} whose value is the event's {@code schema.header} header, else {@code
 * schema}; none at all when nothing is configured (then every document is valid). Built by {@link
 * SchemaSettings#load}. Thread-safe.
 */
public final class DocumentSchemas {

  private static final DocumentSchemas NONE = new DocumentSchemas(null, null, Map.of());

  private final DocumentSchema fallback;
  private final String header;
  private final Map<String, DocumentSchema> byValue;

  DocumentSchemas(DocumentSchema fallback, String header, Map<String, DocumentSchema> byValue) {
    this.fallback = fallback;
    this.header = header;
    this.byValue = Map.copyOf(byValue);
  }

  /** No schema: every document is valid. */
  public static DocumentSchemas none() {
    return NONE;
  }

  /** True when no schema is configured. */
  public boolean isEmpty() {
    return fallback == null;
  }

  /** The schema for an event with these headers; null when no schema is configured. */
  public DocumentSchema schemaFor(Map<String, String> headers) {
    if (header != null && headers != null) {
      String value = headers.get(header);
      if (value != null) {
        DocumentSchema s = byValue.get(value);
        if (s != null) {
          return s;
        }
      }
    }
    return fallback;
  }

  /** Checks {@code document}, the document of the event with these headers. Never throws. */
  public Validation validate(Map<String, String> headers, JsonNode document) {
    DocumentSchema s = schemaFor(headers);
    return s == null ? Validation.noSchema() : s.validate(document);
  }

  @Override
  public String toString() {
    if (fallback == null) {
      return "no schema";
    }
    return header == null ? fallback.name() : header + " -> " + byValue + ", else " + fallback.name();
  }
}
