package io.sluice.source;

/**
 * The text of a time in epoch milliseconds, made again only when the time changes: a reader stamps
 * every message of a read (or of a millisecond) with the same {@code sluice.receivedAt}. Confined
 * to one I/O thread.
 */
public final class MillisText {

  private long millis = Long.MIN_VALUE;
  private String text;

  public String of(long nowMillis) {
    if (nowMillis != millis) {
      millis = nowMillis;
      text = Long.toString(nowMillis);
    }
    return text;
  }
}
