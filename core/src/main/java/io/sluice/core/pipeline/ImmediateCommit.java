package io.sluice.core.pipeline;

import org.apache.flume.Transaction;

/**
 * A channel whose put transactions can be committed without waiting for room.
 *
 * <p>Sluice's sources commit on Netty I/O threads, which serve many connections and must never
 * wait: a commit that waited {@code keep-alive} for room would freeze every connection of its
 * thread, TLS handshakes included. Into a channel with this capability a source commits on the
 * I/O thread and, when there is no room, pushes back at once (pauses the connection, answers
 * 503); into any other channel it commits on a separate delivery thread.
 */
public interface ImmediateCommit {

  /**
   * Commits {@code tx}, a put transaction of this channel begun by the calling thread, as {@link
   * Transaction#commit()} does, except that it never waits for room: when the events do not fit
   * now it throws {@link org.apache.flume.ChannelFullException} at once, and the caller rolls the
   * transaction back as after any failed commit.
   */
  void commitImmediately(Transaction tx);
}
