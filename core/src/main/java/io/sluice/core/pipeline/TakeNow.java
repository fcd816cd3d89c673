package io.sluice.core.pipeline;

import org.apache.flume.Event;

/**
 * A channel that can hand a take transaction the events it holds without waiting for more.
 *
 * <p>Flume's sinks fill a batch by calling {@code take()} until it returns null, and several of
 * them ({@code file_roll}, {@code null}) then report {@code BACKOFF}, after which Flume's sink
 * runner sleeps one to five seconds. So a channel's {@code take()} must wait for events as
 * MemoryChannel's does (up to its {@code keep-alive}), or a stream that pauses for a microsecond
 * mid-batch stalls the sink for a second while events pile up. A sink that commits whatever it
 * has (ValidatingSink) asks with {@link #takeNow} after its first take instead, and commits
 * without lingering when the stream pauses.
 */
public interface TakeNow {

  /**
   * As {@link org.apache.flume.Channel#take()}, in a transaction of this channel begun by the
   * calling thread, except that it never waits: the next event if one is there now, else null.
   */
  Event takeNow();
}
