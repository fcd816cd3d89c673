package io.sluice.source.syslog;

import io.sluice.core.time.Clock;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The timestamp of an RFC 3164 message, in the layouts senders really use:
 *
 * <pre>
 * Mmm dd hh:mm:ss             Oct 11 22:14:15, Feb  5 17:32:18, AUG 10 22:18:24  RFC 3164
 * Mmm dd hh:mm:ss yyyy        AUG 10 22:18:24 2009                               rsyslog tests
 * Mmm dd hh:mm:ss ZZZ yyyy    Aug 24 05:34:00 CST 1987                           RFC 3164 §5.4
 * Mmm dd yyyy hh:mm:ss        Mar 7 2008 19:06:53, Jan 05 2023 10:00:00          rsyslog, ASA
 * Mmm dd hh:mm:ss.fff [ZZZ]:  Feb 27 06:08:59.485:, Mar  1 18:46:11.123 UTC:     Cisco IOS
 * yyyy Mmm dd hh:mm:ss [ZZZ]: 2020 Apr  1 09:46:57 CET:                          Cisco NX-OS
 * RFC 3339                    2016-10-12T14:10:18Z, 2026-11-23T00:56:27          syslog4j, loggen
 * </pre>
 *
 * <p>Month names are case-insensitive; days may be space-padded; a colon may follow. A zone
 * abbreviation is recognised (from a fixed list, so an upper-case hostname is not mistaken for one)
 * only before a colon or a year, but only UTC and GMT are trusted: CST alone is US Central or China
 * Standard Time, so other zones are read in the configured zone and reported as assumed. The NX-OS
 * layout must end with its colon; without it {@code yyyy Mmm dd hh:mm:ss} is not recognised, which
 * is what RFC 3164 §5.4 says of its own example 4 ({@code <0>1990 Oct 22 10:52:01 TZ-6 ...}).
 *
 * <p>A date without a year gets the year that puts it within [now - 11 months, now + 1 month] in
 * the configured zone: Dec 31 received on Jan 1 is last year's, a date three months back is this
 * year's.
 */
final class BsdTimestamp {

  private static final int NO_YEAR = -1;
  private static final int MIN_YEAR = 1970;
  private static final int MAX_YEAR = 2099;
  private static final int MAX_ZONE_LETTERS = 5;

  /** Zone abbreviations seen in syslog headers, packed by {@link #packLetters}, sorted. */
  private static final int[] KNOWN_ZONES =
      packAll(
          "UTC", "GMT", "UT", "WET", "WEST", "CET", "CEST", "EET", "EEST", "BST", "IST", "MSK",
          "EST", "EDT", "CST", "CDT", "MST", "MDT", "PST", "PDT", "AKST", "AKDT", "HST", "JST",
          "KST", "HKT", "SGT", "AWST", "ACST", "ACDT", "AEST", "AEDT", "NZST", "NZDT");

  private static final int[] UTC_ZONES = packAll("UTC", "GMT", "UT");

  private final LocalZone zone;
  private final Clock clock;
  private final Rfc3339 rfc3339;

  BsdTimestamp(LocalZone zone, Clock clock) {
    this.zone = zone;
    this.clock = clock;
    this.rfc3339 = new Rfc3339(zone);
  }

  /**
   * Reads a timestamp at {@code p} into {@code out}; returns the position after it (and after a
   * trailing colon), which is a space or the end, or -1 without touching {@code out}.
   */
  int parse(byte[] b, int p, int end, SyslogMessage.Builder out) {
    if (Rfc3339.startsAt(b, p, end)) {
      int q = rfc3339.parse(b, p, end, out);
      if (q >= 0 && q < end && b[q] == ':') {
        q++;
      }
      if (q < 0 || !Ascii.atTokenEnd(b, q, end)) {
        out.clearTimestamp();
        return -1;
      }
      return q;
    }
    return parseBsd(b, p, end, out);
  }

  private int parseBsd(byte[] b, int p, int end, SyslogMessage.Builder out) {
    // [yyyy] Mmm dd
    int q = p;
    int year = yearAt(b, q, end);
    boolean leadingYear = year != NO_YEAR;
    if (leadingYear) {
      q = Ascii.skipSpaces(b, q + 4, end);
    }
    int month = monthAt(b, q, end);
    if (month == 0) {
      return -1;
    }
    int dayFrom = Ascii.skipSpaces(b, q + 3, end);
    int dayTo = dayFrom;
    while (dayTo < end && dayTo - dayFrom < 2 && Ascii.isDigit(b[dayTo])) {
      dayTo++;
    }
    if (dayFrom == q + 3 || dayTo == dayFrom || !Ascii.atTokenEnd(b, dayTo, end)) {
      return -1;
    }
    int day = Ascii.digits(b, dayFrom, dayTo - dayFrom, end);
    q = Ascii.skipSpaces(b, dayTo, end);

    // [yyyy] hh:mm:ss[.fff]
    if (year == NO_YEAR) {
      year = yearAt(b, q, end);
      if (year != NO_YEAR) {
        q = Ascii.skipSpaces(b, q + 4, end);
      }
    }
    int hour = Ascii.digits(b, q, 2, end);
    int minute = Ascii.digits(b, q + 3, 2, end);
    int second = Ascii.digits(b, q + 6, 2, end);
    if (hour < 0 || minute < 0 || second < 0 || b[q + 2] != ':' || b[q + 5] != ':') {
      return -1;
    }
    q += 8;
    int millis = 0;
    if (q + 1 < end && b[q] == '.' && Ascii.isDigit(b[q + 1])) {
      int weight = 100;
      for (q++; q < end && Ascii.isDigit(b[q]); q++) {
        millis += (b[q] - '0') * weight;
        weight /= 10;
      }
    }

    // [yyyy | ZZZ: | ZZZ yyyy]: a zone counts only before a colon or a year
    boolean utc = false;
    int next = Ascii.skipSpaces(b, q, end);
    if (next > q && year == NO_YEAR && yearAt(b, next, end) != NO_YEAR) {
      year = yearAt(b, next, end);
      q = next + 4;
    } else if (next > q && zoneAt(b, next, end) > 0) {
      int zoneEnd = zoneAt(b, next, end);
      int yearFrom = Ascii.skipSpaces(b, zoneEnd, end);
      int yearAfter = yearFrom > zoneEnd && year == NO_YEAR ? yearAt(b, yearFrom, end) : NO_YEAR;
      if (yearAfter != NO_YEAR || (zoneEnd < end && b[zoneEnd] == ':')) {
        utc = isUtc(b, next, zoneEnd);
        year = yearAfter != NO_YEAR ? yearAfter : year;
        q = yearAfter != NO_YEAR ? yearFrom + 4 : zoneEnd;
      }
    }

    // [:] then a space or the end
    int textEnd = q;
    boolean colon = q < end && b[q] == ':';
    if (colon) {
      q++;
    }
    if ((leadingYear && !colon) || !Ascii.atTokenEnd(b, q, end)) {
      return -1;
    }

    if (year == NO_YEAR) {
      year = inferYear(month, day, hour, minute, second);
    }
    if (year == NO_YEAR || !CivilTime.isValid(year, month, day, hour, minute, second)) {
      return -1;
    }
    long local = CivilTime.localSeconds(year, month, day, hour, minute, second);
    long epochSecond = utc ? local : zone.toEpochSecond(local);
    out.timestampMillis = epochSecond * 1000 + millis;
    out.tzAssumed = !utc;
    out.timestampText(p, textEnd);
    return q;
  }

  /**
   * The year in [now - 11 months, now + 1 month] (in the configured zone) on which the date falls,
   * or {@link #NO_YEAR} if there is none (Feb 29 far from a leap year, or an invalid date).
   */
  private int inferYear(int month, int day, int hour, int minute, int second) {
    long nowSecond = Math.floorDiv(clock.currentTimeMillis(), 1000L);
    long nowLocal = nowSecond + zone.offsetAtInstant(nowSecond);
    long nowDays = Math.floorDiv(nowLocal, CivilTime.SECONDS_PER_DAY);
    long timeOfDay = nowLocal - nowDays * CivilTime.SECONDS_PER_DAY;
    int today = CivilTime.civilFromDays(nowDays);
    int thisYear = today / 10_000;
    long earliest = addMonths(today, -11) * CivilTime.SECONDS_PER_DAY + timeOfDay;
    long latest = addMonths(today, 1) * CivilTime.SECONDS_PER_DAY + timeOfDay;
    for (int year = thisYear - 1; year <= thisYear + 1; year++) {
      if (CivilTime.isValid(year, month, day, hour, minute, second)) {
        long t = CivilTime.localSeconds(year, month, day, hour, minute, second);
        if (t >= earliest && t <= latest) {
          return year;
        }
      }
    }
    return NO_YEAR;
  }

  /** Days since the epoch of a packed {@code yyyymmdd} date moved by whole months (day clamped). */
  private static long addMonths(int packedDate, int months) {
    int year = packedDate / 10_000;
    int monthIndex = (packedDate / 100 % 100 - 1) + months;
    year += Math.floorDiv(monthIndex, 12);
    int month = Math.floorMod(monthIndex, 12) + 1;
    int day = Math.min(packedDate % 100, CivilTime.daysInMonth(year, month));
    return CivilTime.daysFromCivil(year, month, day);
  }

  /**
   * A plausible four-digit year at {@code p} that ends a token (or precedes a colon), else NO_YEAR.
   */
  private static int yearAt(byte[] b, int p, int end) {
    int year = Ascii.digits(b, p, 4, end);
    if (year < MIN_YEAR || year > MAX_YEAR) {
      return NO_YEAR;
    }
    // "2026 " or "2026: ", but not "2001:db8::", an IPv6 hostname after a time without a year
    boolean colonThenSpace = p + 4 < end && b[p + 4] == ':' && Ascii.atTokenEnd(b, p + 5, end);
    return Ascii.atTokenEnd(b, p + 4, end) || colonThenSpace ? year : NO_YEAR;
  }

  /** 1-12 for a three-letter English month name (any case) at {@code p}, else 0. */
  private static int monthAt(byte[] b, int p, int end) {
    if (end - p < 3) {
      return 0;
    }
    int key = (lower(b[p]) << 16) | (lower(b[p + 1]) << 8) | lower(b[p + 2]);
    switch (key) {
      case ('j' << 16) | ('a' << 8) | 'n':
        return 1;
      case ('f' << 16) | ('e' << 8) | 'b':
        return 2;
      case ('m' << 16) | ('a' << 8) | 'r':
        return 3;
      case ('a' << 16) | ('p' << 8) | 'r':
        return 4;
      case ('m' << 16) | ('a' << 8) | 'y':
        return 5;
      case ('j' << 16) | ('u' << 8) | 'n':
        return 6;
      case ('j' << 16) | ('u' << 8) | 'l':
        return 7;
      case ('a' << 16) | ('u' << 8) | 'g':
        return 8;
      case ('s' << 16) | ('e' << 8) | 'p':
        return 9;
      case ('o' << 16) | ('c' << 8) | 't':
        return 10;
      case ('n' << 16) | ('o' << 8) | 'v':
        return 11;
      case ('d' << 16) | ('e' << 8) | 'c':
        return 12;
      default:
        return 0;
    }
  }

  private static int lower(byte c) {
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c & 0xFF;
  }

  /** The end of a known zone abbreviation at {@code p}, or -1. */
  private static int zoneAt(byte[] b, int p, int end) {
    int i = p;
    while (i < end && i - p <= MAX_ZONE_LETTERS && b[i] >= 'A' && b[i] <= 'Z') {
      i++;
    }
    if (i == p || i - p > MAX_ZONE_LETTERS) {
      return -1;
    }
    return Arrays.binarySearch(KNOWN_ZONES, packLetters(b, p, i)) >= 0 ? i : -1;
  }

  private static boolean isUtc(byte[] b, int from, int to) {
    return Arrays.binarySearch(UTC_ZONES, packLetters(b, from, to)) >= 0;
  }

  /**
   * Up to five letters A-Z as one int, five bits each, so abbreviations compare without Strings.
   */
  private static int packLetters(byte[] b, int from, int to) {
    int packed = 0;
    for (int i = from; i < to; i++) {
      packed = (packed << 5) | (b[i] - 'A' + 1);
    }
    return packed;
  }

  private static int[] packAll(String... names) {
    int[] packed = new int[names.length];
    for (int i = 0; i < names.length; i++) {
      byte[] name = names[i].getBytes(StandardCharsets.US_ASCII);
      packed[i] = packLetters(name, 0, name.length);
    }
    Arrays.sort(packed);
    return packed;
  }
}
