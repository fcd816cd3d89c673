package io.sluice.source.syslog;

/**
 * Proleptic Gregorian calendar arithmetic on plain numbers, so the parser can turn a date into
 * epoch seconds without allocating {@code java.time} objects per message.
 *
 * <p>The day-count conversions are Howard Hinnant's {@code days_from_civil} and {@code
 * civil_from_days} (http://howardhinnant.github.io/date_algorithms.html); they are exact for every
 * year an {@code int} holds.
 */
final class CivilTime {

  static final int SECONDS_PER_DAY = 86_400;

  private CivilTime() {}

  /** Days from 1970-01-01 to the given date; month 1-12, day 1-31 (not validated here). */
  static long daysFromCivil(int year, int month, int day) {
    long y = month <= 2 ? year - 1L : year;
    long era = Math.floorDiv(y, 400);
    long yearOfEra = y - era * 400;
    int shiftedMonth = month > 2 ? month - 3 : month + 9; // March = 0, so leap days come last
    long dayOfYear = (153L * shiftedMonth + 2) / 5 + day - 1;
    long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146_097 + dayOfEra - 719_468;
  }

  /** The date {@code days} after 1970-01-01, packed as {@code year * 10000 + month * 100 + day}. */
  static int civilFromDays(long days) {
    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long dayOfEra = z - era * 146_097;
    long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long shiftedMonth = (5 * dayOfYear + 2) / 153;
    int day = (int) (dayOfYear - (153 * shiftedMonth + 2) / 5 + 1);
    int month = (int) (shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9);
    long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    return (int) (year * 10_000 + month * 100 + day);
  }

  static boolean isLeapYear(int year) {
    return (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
  }

  static int daysInMonth(int year, int month) {
    switch (month) {
      case 2:
        return isLeapYear(year) ? 29 : 28;
      case 4:
      case 6:
      case 9:
      case 11:
        return 30;
      default:
        return 31;
    }
  }

  /** True for a real calendar date and time of day; leap seconds (:60) are not accepted. */
  static boolean isValid(int year, int month, int day, int hour, int minute, int second) {
    return month >= 1
        && month <= 12
        && day >= 1
        && day <= daysInMonth(year, month)
        && hour <= 23
        && minute <= 59
        && second <= 59;
  }

  /** Seconds from 1970-01-01T00:00 to the given wall-clock time, as if it were UTC. */
  static long localSeconds(int year, int month, int day, int hour, int minute, int second) {
    return daysFromCivil(year, month, day) * SECONDS_PER_DAY + hour * 3600L + minute * 60L + second;
  }
}
