package io.sluice.channel;

/**
 * An event on its way through a lane: which lane holds its room, and (deferred lane) when it
 * comes due, in monotonic milliseconds ({@link DueTimes}).
 */
record Taken<E>(E event, boolean deferred, long dueMillis) {

  static <E> Taken<E> express(E event) {
    return new Taken<>(event, false, 0);
  }

  static <E> Taken<E> deferred(E event, long dueMillis) {
    return new Taken<>(event, true, dueMillis);
  }
}
