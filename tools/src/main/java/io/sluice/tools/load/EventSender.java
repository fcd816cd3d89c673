package io.sluice.tools.load;

import java.io.Closeable;

/**
 * Sends a sender's events over one protocol and records what came of each. The pacer hands it runs
 * of consecutive sequence numbers; a call that blocks (TCP pushback, a HEC Retry-After) simply
 * slows the sender.
 */
interface EventSender extends Closeable {

  /** Sends the events {@code firstSeq .. firstSeq + count - 1} of this sender. */
  void send(long firstSeq, int count) throws InterruptedException;

  /** The most events to hand over in one call (HEC: a batch, one request). */
  int chunk();

  /**
   * How long due events may wait for a full chunk (HEC: batches fill at low rates rather than
   * going one event a request); 0 to send what is due at once.
   */
  default long lingerNanos() {
    return 0;
  }

  @Override
  void close();

  /**
   * Ends a send blocked in another thread (a receiver that stopped reading): closes the
   * connection without flushing, which would block too. The blocked call then fails as an error.
   */
  default void abort() {
    close();
  }
}
