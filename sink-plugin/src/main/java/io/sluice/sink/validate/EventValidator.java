package io.sluice.sink.validate;

import io.sluice.sink.document.DocumentMapper;
import io.sluice.sink.document.EventDocument;
import java.util.Map;

/**
 * What ValidatingSink does with each event before it writes: map it to its document, check the
 * document against the schema that applies, and write a valid one's JSON. An event beyond a limit
 * is invalid without being validated; a valid document whose JSON is beyond {@code
 * maxDocumentBytes} is invalid too. Thread-safe; never throws for any event.
 */
public final class EventValidator {

  private final DocumentMapper mapper;
  private final DocumentSchemas schemas;

  public EventValidator(DocumentMapper mapper, DocumentSchemas schemas) {
    this.mapper = mapper;
    this.schemas = schemas;
  }

  public CheckedEvent check(Map<String, String> headers, byte[] body) {
    EventDocument d = mapper.map(headers, body);
    if (!d.isMapped()) {
      return new CheckedEvent(d, Validation.refused(d.refusal()));
    }
    Validation v = schemas.validate(headers, d.tree());
    if (v.isValid() && d.json() == null) { // valid, but its JSON is beyond maxDocumentBytes
      return new CheckedEvent(d, Validation.refused(d.refusal()));
    }
    return new CheckedEvent(d, v);
  }

  public DocumentSchemas schemas() {
    return schemas;
  }
}
