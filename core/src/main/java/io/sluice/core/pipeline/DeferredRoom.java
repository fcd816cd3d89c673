package io.sluice.core.pipeline;

/**
 * What a component says of the room for {@code batched} events, so that a source can warn at
 * start when its interceptor may defer more events than a channel behind it can hold (those
 * events would be refused by the channel's deferred lane although the interceptor granted them).
 */
public interface DeferredRoom {

  /**
   * For an interceptor: the most events it holds deferred at once ({@code defer.maxEvents}); for
   * a channel: the most deferred events it can hold ({@code deferred.capacity}).
   */
  long deferredRoom();
}
