package io.sluice.source.syslog;

/**
 * RFC 3339 timestamps as RFC 5424 uses them: {@code YYYY-MM-DDThh:mm:ss[.frac](Z|+hh:mm|-hh:mm)}.
 *
 * <p>Lenient where senders are known to stray, strict elsewhere: any number of fraction digits is
 * accepted and truncated to milliseconds ({@code .5} is 500 ms, {@code .000003} is 0 ms, {@code
 * .9999} is 999 ms); a missing offset means the configured zone (and {@code tzAssumed}). {@code T}
 * and {@code Z} must be upper case and leap seconds are rejected, as RFC 5424 §6.2.3 says.
 */
final class Rfc3339 {

  private static final int MIN_LENGTH = "YYYY-MM-DDThh:mm:ss".length();
  private static final long INVALID = Long.MIN_VALUE;

  /**
   * The last minute read: its text ({@code YYYY-MM-DDThh:mm}, 16 bytes as two words) and its
   * local seconds. A stream's timestamps mostly share their minute, so the date arithmetic is done
   * once a minute instead of once a message.
   */
  private record Minute(long head, long tail, long localSeconds) {}

  private final LocalZone zone;
  /**
   * Shared by the I/O threads without a lock: a Minute is immutable, so a thread sees a whole one
   * (maybe not the newest); a miss only costs the full reading.
   */
  private Minute last;

  /** @param zone the zone of timestamps without an offset */
  Rfc3339(LocalZone zone) {
    this.zone = zone;
  }

  /** True when the bytes at {@code p} start like a full date: four digits and a dash. */
  static boolean startsAt(byte[] b, int p, int end) {
    return Ascii.digits(b, p, 4, end) >= 0 && p + 4 < end && b[p + 4] == '-';
  }

  /**
   * Reads a timestamp at {@code p} into {@code out} (time, {@code tzAssumed}, text span). Returns
   * the position after it, or -1 without touching {@code out} when it is not a valid timestamp.
   */
  int parse(byte[] b, int p, int end, SyslogMessage.Builder out) {
    if (end - p < MIN_LENGTH || b[p + 16] != ':') {
      return -1;
    }
    long minuteStart = minuteStart(b, p);
    int second = Ascii.twoDigits(b, p + 17);
    if (minuteStart == INVALID || second < 0 || second > 59) { // no leap seconds (RFC 5424 6.2.3)
      return -1;
    }
    int q = p + MIN_LENGTH;
    int millis = 0;
    if (q < end && b[q] == '.') {
      int digitsFrom = ++q;
      int weight = 100;
      while (q < end && Ascii.isDigit(b[q])) {
        millis += (b[q] - '0') * weight;
        weight /= 10; // 0 after the third digit: further digits are read and ignored
        q++;
      }
      if (q == digitsFrom) {
        return -1;
      }
    }
    long local = minuteStart + second;
    long epochSecond;
    boolean assumed = false;
    if (q < end && b[q] == 'Z') {
      epochSecond = local;
      q++;
    } else if (q < end && (b[q] == '+' || b[q] == '-')) {
      int offsetHours = Ascii.digits(b, q + 1, 2, end);
      int offsetMinutes = Ascii.digits(b, q + 4, 2, end);
      if (offsetHours < 0
          || offsetMinutes < 0
          || b[q + 3] != ':'
          || offsetHours > 23
          || offsetMinutes > 59) {
        return -1;
      }
      int offset = offsetHours * 3600 + offsetMinutes * 60;
      epochSecond = b[q] == '-' ? local + offset : local - offset;
      q += 6;
    } else {
      epochSecond = zone.toEpochSecond(local);
      assumed = true;
    }
    out.timestampMillis = epochSecond * 1000 + millis;
    out.tzAssumed = assumed;
    out.timestampText(p, q);
    return q;
  }

  /**
   * The local seconds at the start of the minute {@code YYYY-MM-DDThh:mm} at {@code p} (16 bytes
   * the caller has checked are there), or {@link #INVALID}.
   */
  private long minuteStart(byte[] b, int p) {
    long head = WordScan.longAt(b, p);
    long tail = WordScan.longAt(b, p + 8);
    Minute m = last;
    if (m != null && m.head() == head && m.tail() == tail) {
      return m.localSeconds();
    }
    if (b[p + 4] != '-' || b[p + 7] != '-' || b[p + 10] != 'T' || b[p + 13] != ':') {
      return INVALID;
    }
    int century = Ascii.twoDigits(b, p);
    int yearOfCentury = Ascii.twoDigits(b, p + 2);
    int month = Ascii.twoDigits(b, p + 5);
    int day = Ascii.twoDigits(b, p + 8);
    int hour = Ascii.twoDigits(b, p + 11);
    int minute = Ascii.twoDigits(b, p + 14);
    int year = century * 100 + yearOfCentury;
    if ((century | yearOfCentury | month | day | hour | minute) < 0
        || !CivilTime.isValid(year, month, day, hour, minute, 0)) {
      return INVALID;
    }
    long seconds = CivilTime.localSeconds(year, month, day, hour, minute, 0);
    last = new Minute(head, tail, seconds);
    return seconds;
  }
}
