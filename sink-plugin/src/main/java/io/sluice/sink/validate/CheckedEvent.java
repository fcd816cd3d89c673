package io.sluice.sink.validate;

import io.sluice.sink.document.EventDocument;

/**
 * One event checked: its document (or why it has none) and the verdict. When {@link #isValid},
 * {@link #json} is what to write; otherwise {@link #validation} says why, for the dead letter.
 */
public record CheckedEvent(EventDocument document, Validation validation) {

  public boolean isValid() {
    return validation.isValid();
  }

  /** The document's JSON (one line, no line end); only when the event has a document. */
  public byte[] json() {
    return document.json();
  }
}
