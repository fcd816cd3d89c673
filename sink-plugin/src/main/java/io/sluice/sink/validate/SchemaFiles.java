package io.sluice.sink.validate;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import com.networknt.schema.resource.SchemaLoader;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * Loads JSON Schema files (draft 2020-12 or draft-07) from the local file system into networknt's
 * validator, at configure time: everything that can be wrong with a schema (a missing or unreadable
 * file, malformed JSON, an unknown {@code $schema}, a {@code $ref} that cannot be resolved or would
 * need the network) is found here, and said in an IllegalArgumentException that names the key and
 * the path.
 *
 * <p>{@code $schema} may be left out (then the schema is read as draft 2020-12); when present it
 * must name one of the two drafts: {@code https://json-schema.org/draft/2020-12/schema} or {@code
 * http://json-schema.org/draft-07/schema#} (https, and the trailing {@code #} or its absence, are
 * accepted for both). {@code $ref}s may lead to other local files (relative to the schema's own
 * path, when it has no {@code $id} of its own) and within the file; never to the network (see
 * {@link LocalFiles}).
 */
final class SchemaFiles {

  /** A schema larger than this is not a hand-written schema for log events. */
  static final long MAX_SCHEMA_BYTES = 4L << 20;

  static final String DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema";
  static final String DRAFT_07 = "http://json-schema.org/draft-07/schema#";
  private static final String ACCEPTED = "a JSON Schema file (draft 2020-12 or draft-07) on this host";

  private final SchemaRegistry registry;
  private final JsonMapper json;

  SchemaFiles() {
    SchemaRegistryConfig config = SchemaRegistryConfig.builder()
        .pathType(PathType.JSON_PATH) // errors say "$.severity", not "/severity"
        .build();
    SchemaLoader loader = SchemaLoader.builder()
        .allow(LocalFiles::allowed)
        .resourceLoaders(r -> r.add(LocalFiles.loader()))
        .build();
    this.registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
        b -> b.schemaRegistryConfig(config).schemaLoader(loader));
    // schemas are configuration, not traffic: Jackson's default limits, bar the document length.
    // Property names interned (see internStrings): the validator compares them with documents'.
    this.json = JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxDocumentLength(MAX_SCHEMA_BYTES).build())
            .enable(TokenStreamFactory.Feature.INTERN_PROPERTY_NAMES)
            .build())
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .build();
  }

  /** The schema at {@code pathText}, the value of configuration key {@code key}. */
  DocumentSchema load(String key, String pathText) {
    String text = pathText.trim();
    if (text.isEmpty()) {
      throw problem(key, pathText, "no path given");
    }
    Path file;
    try {
      file = Path.of(text).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      throw problem(key, pathText, "not a path (" + e.getReason() + ")");
    }
    byte[] bytes;
    try {
      bytes = LocalFiles.read(file);
    } catch (IOException | SecurityException e) {
      throw problem(key, pathText, "cannot be read: " + e.getMessage());
    }
    JsonNode root;
    try {
      root = json.readTree(bytes);
    } catch (JacksonException e) {
      TokenStreamLocation at = e.getLocation();
      throw problem(key, pathText, "not valid JSON" + (at == null ? "" : " at line " + at.getLineNr()
          + ", column " + at.getColumnNr()) + ": " + e.getOriginalMessage() + " (" + file + ")");
    }
    if (!(root instanceof ObjectNode schemaObject)) {
      throw problem(key, pathText, "holds a JSON " + root.getNodeType().name().toLowerCase()
          + ", not a schema object (" + file + ")");
    }
    boolean draft07 = canonicalDraft(key, pathText, schemaObject);
    internStrings(schemaObject);
    try {
      Schema schema = registry.getSchema(SchemaLocation.of(file.toUri().toString()), schemaObject);
      schema.initializeValidators(); // resolves every $ref now, not on the first event
      return new DocumentSchema(text, schema, CompiledSchema.compile(schemaObject, draft07));
    } catch (RuntimeException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof LocalFiles.RemoteReference r) {
          throw problem(key, pathText, "refers to " + r.iri + ", which is not a local file: schemas "
              + "are never fetched over the network; save it on this host and refer to it by a "
              + "relative path (" + file + ")");
        }
      }
      throw problem(key, pathText, "not a usable schema: " + e.getMessage() + " (" + file + ")");
    }
  }

  /**
   * Checks {@code $schema} and writes the validator's own name of the draft into the tree, so that
   * the forms accepted here and the one the validator knows cannot disagree. True for draft-07.
   */
  private static boolean canonicalDraft(String key, String pathText, ObjectNode schema) {
    JsonNode declared = schema.get("$schema");
    if (declared == null) {
      return false; // the registry's default dialect: 2020-12
    }
    String id = declared.isString() ? declared.stringValue() : "";
    String bare = id.endsWith("#") ? id.substring(0, id.length() - 1) : id;
    bare = bare.startsWith("http://") ? "https://" + bare.substring("http://".length()) : bare;
    if (bare.equals("https://json-schema.org/draft/2020-12/schema")) {
      schema.put("$schema", DRAFT_2020_12);
      return false;
    } else if (bare.equals("https://json-schema.org/draft-07/schema")) {
      schema.put("$schema", DRAFT_07);
      return true;
    } else {
      throw problem(key, pathText, "declares \"$schema\": " + declared + ", a draft not accepted here ("
          + DRAFT_2020_12 + " or " + DRAFT_07 + " are)");
    }
  }

  /**
   * Interns the schema's short string values (the names listed by {@code required}, {@code
   * dependentRequired}, the values of {@code enum} and {@code const}); its property names are
   * interned as they are read. The validator looks these names up in documents whose own names are
   * constants (DocumentFields, the sources' header names), and String.equals answers at once for
   * the same instance: measured, about 4% of a validation with the shipped syslog schema.
   */
  private static void internStrings(JsonNode node) {
    if (node instanceof ObjectNode o) {
      for (Map.Entry<String, JsonNode> e : o.properties()) {
        JsonNode v = e.getValue();
        if (v.isString() && v.stringValue().length() <= MAX_INTERNED_CHARS) {
          e.setValue(StringNode.valueOf(v.stringValue().intern()));
        } else {
          internStrings(v);
        }
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        JsonNode v = a.get(i);
        if (v.isString() && v.stringValue().length() <= MAX_INTERNED_CHARS) {
          a.set(i, StringNode.valueOf(v.stringValue().intern()));
        } else {
          internStrings(v);
        }
      }
    }
  }

  /** Names are short; descriptions, which nothing compares, are not worth a place in the pool. */
  private static final int MAX_INTERNED_CHARS = 128;

  static IllegalArgumentException problem(String key, String pathText, String what) {
    return new IllegalArgumentException(
        "Invalid value for '" + key + "': '" + pathText + "': " + what + "; expected " + ACCEPTED);
  }
}
