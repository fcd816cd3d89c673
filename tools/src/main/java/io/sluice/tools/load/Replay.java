package io.sluice.tools.load;

import java.util.Arrays;

/**
 * {@code replay FILE}: second k of the run sends {@code perSecond[k]} events, spread evenly within
 * the second; the pattern ends with the file.
 */
final class Replay implements LoadPattern {

  private final long[] perSecond;
  private final long[] before; // before[k]: the events of seconds 0..k-1

  Replay(long[] perSecond) {
    if (perSecond.length == 0) {
      throw new IllegalArgumentException("replay: the file has no seconds");
    }
    this.perSecond = perSecond.clone();
    this.before = new long[perSecond.length + 1];
    for (int k = 0; k < perSecond.length; k++) {
      if (perSecond[k] < 0) {
        throw new IllegalArgumentException("replay: second " + k + " has a negative count");
      }
      before[k + 1] = before[k] + perSecond[k];
    }
  }

  long[] perSecond() {
    return perSecond.clone();
  }

  @Override
  public long dueBy(long elapsedNanos) {
    if (elapsedNanos <= 0) {
      return 0;
    }
    long second = elapsedNanos / NANOS_PER_SECOND;
    if (second >= perSecond.length) {
      return before[perSecond.length];
    }
    return before[(int) second] + Steady.at(perSecond[(int) second], elapsedNanos % NANOS_PER_SECOND);
  }

  @Override
  public long endNanos() {
    return perSecond.length * NANOS_PER_SECOND;
  }

  @Override
  public String toString() {
    return "Replay" + Arrays.toString(perSecond);
  }
}
