package io.sluice.sink.document;

import java.util.Objects;
import tools.jackson.databind.node.ObjectNode;

/**
 * An event's document, as a tree (what a schema validates) and as its JSON (what a writer writes:
 * UTF-8, one line, no line end); or the reason the event has none, when it is beyond a limit.
 *
 * <p>The tree and the bytes are the same document: do not modify the tree.
 */
public final class EventDocument {

  private final ObjectNode tree;
  private final byte[] json;
  private final String refusal;

  private EventDocument(ObjectNode tree, byte[] json, String refusal) {
    this.tree = tree;
    this.json = json;
    this.refusal = refusal;
  }

  static EventDocument of(ObjectNode tree, byte[] json) {
    return new EventDocument(Objects.requireNonNull(tree), Objects.requireNonNull(json), null);
  }

  static EventDocument refused(String reason) {
    return new EventDocument(null, null, Objects.requireNonNull(reason));
  }

  /** False when the event is beyond a limit: then only {@link #refusal} is there. */
  public boolean isMapped() {
    return refusal == null;
  }

  public ObjectNode tree() {
    if (tree == null) {
      throw new IllegalStateException("no document: " + refusal);
    }
    return tree;
  }

  /** UTF-8 JSON text, one line, without its line end. */
  public byte[] json() {
    if (json == null) {
      throw new IllegalStateException("no document: " + refusal);
    }
    return json;
  }

  /** Why the event has no document, naming the limit; null when it has one. */
  public String refusal() {
    return refusal;
  }

  @Override
  public String toString() {
    return refusal == null ? tree.toString() : "refused: " + refusal;
  }
}
