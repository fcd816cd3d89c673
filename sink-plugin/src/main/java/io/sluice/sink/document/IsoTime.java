package io.sluice.sink.document;

import java.nio.charset.StandardCharsets;

/**
 * Epoch milliseconds as ISO-8601 UTC text with milliseconds, always in the same 24 characters:
 * {@code 2026-11-23T06:00:00.000Z}.
 *
 * <p>Why not {@link java.time.format.DateTimeFormatter#ISO_INSTANT}: it drops the fraction when it
 * is zero ({@code 06:00:00Z}), so the text would change shape from one event to the next, which
 * SIEM date parsers and schema patterns dislike; and it costs an Instant, a formatter walk and a
 * StringBuilder per event. This writes the digits straight into 24 bytes, using Howard Hinnant's
 * days-to-civil algorithm (https://howardhinnant.github.io/date_algorithms.html#civil_from_days).
 *
 * <p>Only years 0000 to 9999 have this form; {@link #inRange} tells whether a time is one of them.
 */
public final class IsoTime {

  /** 0000-01-01T00:00:00.000Z. */
  public static final long MIN_MILLIS = -62_167_219_200_000L;
  /** 9999-12-31T23:59:59.999Z. */
  public static final long MAX_MILLIS = 253_402_300_799_999L;

  private static final long MILLIS_PER_DAY = 86_400_000L;

  private IsoTime() {}

  public static boolean inRange(long epochMillis) {
    return epochMillis >= MIN_MILLIS && epochMillis <= MAX_MILLIS;
  }

  /** The text of {@code epochMillis}, which must be {@link #inRange}. */
  public static String format(long epochMillis) {
    if (!inRange(epochMillis)) {
      throw new IllegalArgumentException("not a time of years 0000 to 9999: " + epochMillis);
    }
    long days = Math.floorDiv(epochMillis, MILLIS_PER_DAY);
    int msOfDay = (int) Math.floorMod(epochMillis, MILLIS_PER_DAY);

    // civil_from_days: days since 1970-01-01 to year, month, day (proleptic Gregorian)
    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097);
    int doe = (int) (z - era * 146_097);
    int yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int mp = (5 * doy + 2) / 153;
    int day = doy - (153 * mp + 2) / 5 + 1;
    int month = mp < 10 ? mp + 3 : mp - 9;
    int year = (int) (yoe + era * 400) + (month <= 2 ? 1 : 0);

    byte[] t = new byte[24];
    digits(t, 0, year, 4);
    t[4] = '-';
    digits(t, 5, month, 2);
    t[7] = '-';
    digits(t, 8, day, 2);
    t[10] = 'T';
    digits(t, 11, msOfDay / 3_600_000, 2);
    t[13] = ':';
    digits(t, 14, msOfDay / 60_000 % 60, 2);
    t[16] = ':';
    digits(t, 17, msOfDay / 1000 % 60, 2);
    t[19] = '.';
    digits(t, 20, msOfDay % 1000, 3);
    t[23] = 'Z';
    // Latin-1 bytes become a compact String with one copy and no decoding
    return new String(t, StandardCharsets.ISO_8859_1);
  }

  private static void digits(byte[] t, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      t[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
  }
}
