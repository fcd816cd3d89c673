package io.sluice.sink.document;

import java.util.Objects;
import tools.jackson.databind.node.ObjectNode;

/**
 * An event's document: the tree (what a schema validates) and, written from it when first asked
 * for, its JSON (what a writer writes: UTF-8, one line, no line end); or the reason the event has
 * none, when it is beyond a limit.
 *
 * <p>The JSON is written only when asked for, as a writer does for valid documents alone: an
 * invalid one goes to the dead letter as the event came, and the {@code null} writer writes
 * nothing. Not thread-safe (a sink's one thread uses it). Do not modify the tree.
 */
public final class EventDocument {

  private final ObjectNode tree;
  private final Writing writing; // how to write the JSON; null once written, or when refused
  private byte[] json;
  private String refusal;

  /** What writing the tree as JSON needs, kept from the mapping. */
  record Writing(DocumentMapper mapper, byte[] messageUtf8, int expectedBytes) {}

  private EventDocument(ObjectNode tree, Writing writing, String refusal) {
    this.tree = tree;
    this.writing = writing;
    this.refusal = refusal;
  }

  static EventDocument of(ObjectNode tree, Writing writing) {
    return new EventDocument(Objects.requireNonNull(tree), Objects.requireNonNull(writing), null);
  }

  static EventDocument refused(String reason) {
    return new EventDocument(null, null, Objects.requireNonNull(reason));
  }

  /** False when the event is beyond a limit: then only {@link #refusal} is there. */
  public boolean isMapped() {
    return tree != null;
  }

  public ObjectNode tree() {
    if (tree == null) {
      throw new IllegalStateException("no document: " + refusal);
    }
    return tree;
  }

  /**
   * UTF-8 JSON text, one line, without its line end; written on the first call. Null when the
   * text is longer than {@code maxDocumentBytes}: then {@link #refusal} says so.
   */
  public byte[] json() {
    if (tree == null) {
      throw new IllegalStateException("no document: " + refusal);
    }
    if (json == null && refusal == null) {
      byte[] written = writing.mapper().write(tree, writing.messageUtf8(), writing.expectedBytes());
      long max = writing.mapper().limits().maxDocumentBytes();
      if (written.length > max) {
        refusal = "document of " + written.length + " bytes is larger than maxDocumentBytes ("
            + max + ")";
      } else {
        json = written;
      }
    }
    return json;
  }

  /** Why the event has no document (or no JSON, once {@link #json} found it too long); else null. */
  public String refusal() {
    return refusal;
  }

  @Override
  public String toString() {
    return tree == null ? "refused: " + refusal : tree.toString();
  }
}
