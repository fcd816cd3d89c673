package io.sluice.sink.validate;

import io.sluice.core.config.ConfigValues;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flume.Context;

/**
 * The schema keys of ValidatingSink (DESIGN.md): {@code schema = PATH} for every event, or per kind
 * of event {@code schema.header = NAME} with {@code schemas.<value> = PATH} for events whose header
 * NAME has that value, falling back to {@code schema} for the others.
 *
 * <p>No schema key at all is allowed: then every document is valid, and the sink still enforces
 * its limits ({@code maxDocumentBytes}, nesting depth) and writes NDJSON. That keeps the sink
 * usable where a schema is not wanted yet (a first deployment, {@code writer = null} to measure),
 * and a user who wants one cannot forget it silently: the sink says at start that it has none.
 *
 * <p>Errors (each an IllegalArgumentException naming the key): a {@code schema.header} without any
 * {@code schemas.*}, or without {@code schema} for the events none of them matches (an event with
 * no schema would otherwise pass unchecked); {@code schemas.*} without {@code schema.header}; an
 * empty value; and whatever {@link SchemaFiles} finds wrong with a file.
 */
public record SchemaSettings(String schema, String header, Map<String, String> byValue) {

  public static final String SCHEMA = "schema";
  public static final String SCHEMA_HEADER = "schema.header";
  public static final String SCHEMAS_PREFIX = "schemas.";

  public SchemaSettings {
    byValue = Map.copyOf(byValue);
  }

  public static SchemaSettings from(Context context) {
    return from(context.getParameters());
  }

  /** Reads the keys from a sink's configuration (a Flume {@code Context}'s parameters). */
  public static SchemaSettings from(Map<String, String> config) {
    String schema = config.get(SCHEMA);
    if (schema != null && schema.isBlank()) {
      throw ConfigValues.invalid(SCHEMA, schema, "the path of a JSON Schema file");
    }
    String header = config.get(SCHEMA_HEADER);
    if (header != null && header.isBlank()) {
      throw ConfigValues.invalid(SCHEMA_HEADER, header, "a header name, such as sourcetype");
    }
    Map<String, String> byValue = new TreeMap<>(); // sorted: errors name the same key every time
    for (Map.Entry<String, String> e : config.entrySet()) {
      String key = e.getKey();
      if (!key.startsWith(SCHEMAS_PREFIX)) {
        continue;
      }
      if (key.length() == SCHEMAS_PREFIX.length()) {
        throw ConfigValues.invalid(key, e.getValue(),
            "a key schemas.<value>, naming the value of schema.header it applies to");
      }
      if (e.getValue() == null || e.getValue().isBlank()) {
        throw ConfigValues.invalid(key, String.valueOf(e.getValue()), "the path of a JSON Schema file");
      }
      byValue.put(key.substring(SCHEMAS_PREFIX.length()), e.getValue());
    }
    if (header == null && !byValue.isEmpty()) {
      String first = SCHEMAS_PREFIX + byValue.keySet().iterator().next();
      throw ConfigValues.invalid(first, byValue.values().iterator().next(),
          "a path given together with schema.header = <header name>, the header whose value "
              + "picks the schema");
    }
    if (header != null && byValue.isEmpty()) {
      throw ConfigValues.invalid(SCHEMA_HEADER, header,
          "a header name given together with at least one schemas.<value> = PATH (the schema for "
              + "events whose " + header + " header has that value)");
    }
    if (header != null && schema == null) {
      throw ConfigValues.invalid(SCHEMA, "",
          "the path of a JSON Schema file for the events no schemas.<value> matches (schema.header = "
              + header + " needs one: an event no schema matches would otherwise pass unchecked)");
    }
    return new SchemaSettings(schema, header, byValue);
  }

  /** True when no schema is configured. */
  public boolean isEmpty() {
    return schema == null;
  }

  /** Loads every schema named (each file once), or throws for the first that cannot be used. */
  public DocumentSchemas load() {
    if (schema == null) {
      return DocumentSchemas.none();
    }
    SchemaFiles files = new SchemaFiles();
    Map<String, DocumentSchema> byPath = new HashMap<>();
    DocumentSchema fallback = files.load(SCHEMA, schema);
    byPath.put(schema.trim(), fallback);
    Map<String, DocumentSchema> loaded = new HashMap<>();
    for (Map.Entry<String, String> e : byValue.entrySet()) {
      String path = e.getValue().trim();
      DocumentSchema s = byPath.get(path);
      if (s == null) {
        s = files.load(SCHEMAS_PREFIX + e.getKey(), e.getValue());
        byPath.put(path, s);
      }
      loaded.put(e.getKey(), s);
    }
    return new DocumentSchemas(fallback, header, loaded);
  }
}
