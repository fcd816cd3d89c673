package io.sluice.channel;

/**
 * An event on its way through a lane: which lane holds its room, and (deferred lane) when it
 * comes due. {@code seq} orders events of equal due time by arrival.
 */
record Taken<E>(E event, boolean deferred, long releaseAtMillis, long seq) {

  static <E> Taken<E> express(E event) {
    return new Taken<>(event, false, 0, 0);
  }
}
