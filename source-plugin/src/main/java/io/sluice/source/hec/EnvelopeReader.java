package io.sluice.source.hec;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads an {@code /event} body: JSON objects one after the other (with white space between them, or
 * nothing), each an envelope with {@code event} (required) and optionally {@code time}, {@code
 * host}, {@code source}, {@code sourcetype}, {@code index} and {@code fields}. Other keys are
 * ignored, as Splunk does.
 *
 * <p>Reading stops at the first envelope that is not right, and the body says which and why
 * (Splunk's partial batch); those before it are kept. Bounded: at most {@code maxEvents}
 * envelopes, {@code maxEventBytes} of body each, JSON nested at most {@code maxNestingDepth}
 * inside {@code event} or {@code fields}. Thread-safe.
 */
final class EnvelopeReader {

  /** The envelope's metadata keys, in the order of {@link Metadata}'s fields. */
  private static final String[] METADATA = {"host", "source", "sourcetype", "index"};

  private final JsonMapper json;
  private final BodyLimits limits;

  EnvelopeReader(BodyLimits limits) {
    this.limits = limits;
    this.json = JsonMapper.builder(JsonFactory.builder()
            // the envelope is one level: the limit applies to what is inside it
            .streamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(limits.maxNestingDepth() + 1).build())
            .build())
        .disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS) // the next envelope follows
        .build();
  }

  RequestBody read(byte[] body, Metadata defaults, HecToken token) {
    List<HecEvent> events = new ArrayList<>();
    try (JsonParser p = json.createParser(body)) {
      while (true) {
        JsonToken t = p.nextToken();
        if (t == null) {
          return RequestBody.whole(events);
        }
        if (t != JsonToken.START_OBJECT || events.size() >= limits.maxEvents()) {
          return RequestBody.partial(events, HecReply.INVALID_DATA_FORMAT);
        }
        Envelope e = new Envelope();
        e.read(p);
        HecReply wrong = add(e, defaults, token, events);
        if (wrong != null) {
          return RequestBody.partial(events, wrong);
        }
      }
    } catch (JacksonException e) {
      // malformed JSON, too deep, truncated: this envelope is the bad one
      return RequestBody.partial(events, HecReply.INVALID_DATA_FORMAT);
    }
  }

  /** Marks a key whose value has a type Splunk does not take there. */
  private static final Object WRONG = new Object();

  /**
   * One envelope's keys, read straight from the parser rather than through a tree (which cost a
   * map and a node per key for every event): the last value of a key counts, as in a tree, and
   * what is wrong is judged once the whole envelope is read, so that malformed JSON further on is
   * still what the answer names.
   */
  private final class Envelope {
    Object event; // String, byte[] (the JSON of any other value), or null
    Object time; // BigDecimal, String, WRONG, or null
    final Object[] meta = new Object[METADATA.length]; // String, WRONG, or null
    Object fields; // String (flat fields as JSON), WRONG, or null

    void read(JsonParser p) {
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        String key = p.currentName();
        JsonToken v = p.nextToken();
        switch (key) {
          case "event" -> event = v == JsonToken.VALUE_NULL ? null
              : v == JsonToken.VALUE_STRING ? p.getString() : copy(p);
          case "time" -> time = switch (v) {
            case VALUE_NULL -> null;
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> decimal(p);
            case VALUE_STRING -> p.getString();
            default -> skip(p);
          };
          case "host" -> meta[0] = metadata(p, v);
          case "source" -> meta[1] = metadata(p, v);
          case "sourcetype" -> meta[2] = metadata(p, v);
          case "index" -> meta[3] = metadata(p, v);
          case "fields" -> fields = v == JsonToken.VALUE_NULL ? null : fieldsOf(json.readTree(p));
          default -> p.skipChildren(); // other keys are ignored, as Splunk does
        }
      }
    }

    /** A number as a decimal; WRONG for one no decimal holds ({@code 1e-2147483648}). */
    private Object decimal(JsonParser p) {
      try {
        return p.getDecimalValue();
      } catch (RuntimeException e) {
        return WRONG;
      }
    }

    private Object metadata(JsonParser p, JsonToken v) {
      return v == JsonToken.VALUE_NULL ? null : v == JsonToken.VALUE_STRING ? p.getString() : skip(p);
    }

    private Object fieldsOf(JsonNode f) {
      return flat(f) ? json.writeValueAsString(f) : WRONG;
    }

    private Object skip(JsonParser p) {
      p.skipChildren();
      return WRONG;
    }

    /** The current value as compact JSON. */
    private byte[] copy(JsonParser p) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(64);
      try (tools.jackson.core.JsonGenerator g = json.createGenerator(out)) {
        g.copyCurrentStructure(p);
      }
      return out.toByteArray();
    }
  }

  /** Adds the event of {@code e} to {@code events}; or says why it is not one, in Splunk's order. */
  private HecReply add(Envelope e, Metadata d, HecToken token, List<HecEvent> events) {
    if (e.event == null) {
      return HecReply.EVENT_REQUIRED;
    }
    byte[] bodyBytes;
    boolean eventJson = e.event instanceof byte[];
    if (eventJson) {
      bodyBytes = (byte[]) e.event;
    } else if (((String) e.event).isEmpty()) {
      return HecReply.EVENT_BLANK;
    } else {
      bodyBytes = ((String) e.event).getBytes(StandardCharsets.UTF_8);
    }
    if (bodyBytes.length > limits.maxEventBytes()) {
      return HecReply.INVALID_DATA_FORMAT;
    }
    long time = d.timeMillis();
    if (e.time != null) {
      time = e.time instanceof BigDecimal n ? HecTime.of(n)
          : e.time instanceof String text ? HecTime.parse(text) : HecTime.INVALID;
      if (time == HecTime.INVALID) {
        return HecReply.INDEXED_FIELDS; // what Splunk answers for a time it cannot read
      }
    }
    String[] meta = new String[METADATA.length];
    String[] dflt = {d.host(), d.source(), d.sourcetype(), d.index()};
    for (int i = 0; i < METADATA.length; i++) {
      Object v = e.meta[i];
      if (v == WRONG) {
        return HecReply.INVALID_DATA_FORMAT;
      }
      meta[i] = v == null || ((String) v).isEmpty() ? dflt[i] : (String) v;
    }
    if (meta[3] != null && !token.allows(meta[3])) {
      return HecReply.INCORRECT_INDEX;
    }
    if (e.fields == WRONG) {
      return HecReply.INDEXED_FIELDS;
    }
    events.add(new HecEvent(bodyBytes, eventJson, time, meta[0], meta[1], meta[2], meta[3], (String) e.fields));
    return null;
  }

  /** Splunk's indexed fields: an object whose values are scalars or arrays of scalars. */
  private static boolean flat(JsonNode fields) {
    if (!fields.isObject()) {
      return false;
    }
    for (Map.Entry<String, JsonNode> field : fields.properties()) {
      JsonNode v = field.getValue();
      if (v.isArray()) {
        for (JsonNode item : v) {
          if (item.isContainer()) {
            return false;
          }
        }
      } else if (v.isObject()) {
        return false;
      }
    }
    return true;
  }
}
