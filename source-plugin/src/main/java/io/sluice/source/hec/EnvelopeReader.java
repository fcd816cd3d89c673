package io.sluice.source.hec;

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
        JsonNode envelope = json.readTree(p);
        HecReply wrong = add(envelope, defaults, token, events);
        if (wrong != null) {
          return RequestBody.partial(events, wrong);
        }
      }
    } catch (JacksonException e) {
      // malformed JSON, too deep, truncated: this envelope is the bad one
      return RequestBody.partial(events, HecReply.INVALID_DATA_FORMAT);
    }
  }

  /** Adds the event of {@code e} to {@code events}; or says why it is not one. */
  private HecReply add(JsonNode e, Metadata d, HecToken token, List<HecEvent> events) {
    JsonNode event = e.get("event");
    if (event == null || event.isNull()) {
      return HecReply.EVENT_REQUIRED;
    }
    byte[] bodyBytes;
    boolean eventJson = !event.isString();
    if (eventJson) {
      bodyBytes = json.writeValueAsBytes(event);
    } else if (event.stringValue().isEmpty()) {
      return HecReply.EVENT_BLANK;
    } else {
      bodyBytes = event.stringValue().getBytes(StandardCharsets.UTF_8);
    }
    if (bodyBytes.length > limits.maxEventBytes()) {
      return HecReply.INVALID_DATA_FORMAT;
    }
    long time = d.timeMillis();
    JsonNode t = e.get("time");
    if (t != null && !t.isNull()) {
      time = t.isNumber() ? HecTime.of(t.decimalValue()) : t.isString() ? HecTime.parse(t.stringValue()) : HecTime.INVALID;
      if (time == HecTime.INVALID) {
        return HecReply.INDEXED_FIELDS; // what Splunk answers for a time it cannot read
      }
    }
    String[] meta = new String[METADATA.length];
    String[] dflt = {d.host(), d.source(), d.sourcetype(), d.index()};
    for (int i = 0; i < METADATA.length; i++) {
      JsonNode v = e.get(METADATA[i]);
      if (v == null || v.isNull()) {
        meta[i] = dflt[i];
      } else if (v.isString()) {
        meta[i] = v.stringValue().isEmpty() ? dflt[i] : v.stringValue();
      } else {
        return HecReply.INVALID_DATA_FORMAT;
      }
    }
    if (meta[3] != null && !token.allows(meta[3])) {
      return HecReply.INCORRECT_INDEX;
    }
    String fields = null;
    JsonNode f = e.get("fields");
    if (f != null && !f.isNull()) {
      if (!flat(f)) {
        return HecReply.INDEXED_FIELDS;
      }
      fields = json.writeValueAsString(f);
    }
    events.add(new HecEvent(bodyBytes, eventJson, time, meta[0], meta[1], meta[2], meta[3], fields));
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
