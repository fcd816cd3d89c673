package io.sluice.source.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** The calendar and zone arithmetic agrees with java.time, which the parser avoids for speed. */
class TimeArithmeticTest {

  /**
   * Zones with DST gaps and overlaps, a 30-minute DST shift, a half-hour offset, and a fixed one.
   */
  private static final List<ZoneId> ZONES =
      List.of(
          ZoneId.of("America/New_York"),
          ZoneId.of("Europe/Berlin"),
          ZoneId.of("Australia/Lord_Howe"),
          ZoneId.of("Asia/Kolkata"),
          ZoneId.of("Pacific/Apia"), // skipped 2011-12-30 entirely
          ZoneOffset.ofHours(-7));

  /** Epoch days of 0000-01-01 and 9999-12-31, the range of RFC 3339 dates. */
  private static final long YEAR_0 = -719_528;

  private static final long YEAR_9999 = 2_932_896;

  @Test
  void rangeConstantsAreThoseDates() {
    assertEquals(LocalDate.of(0, 1, 1).toEpochDay(), YEAR_0);
    assertEquals(LocalDate.of(9999, 12, 31).toEpochDay(), YEAR_9999);
  }

  @Property(tries = 5000, seed = "1970")
  void civilDaysMatchLocalDate(@ForAll @LongRange(min = YEAR_0, max = YEAR_9999) long epochDay) {
    LocalDate date = LocalDate.ofEpochDay(epochDay);
    assertEquals(
        epochDay,
        CivilTime.daysFromCivil(date.getYear(), date.getMonthValue(), date.getDayOfMonth()));
    assertEquals(
        date.getYear() * 10_000 + date.getMonthValue() * 100 + date.getDayOfMonth(),
        CivilTime.civilFromDays(epochDay));
    assertEquals(date.lengthOfMonth(), CivilTime.daysInMonth(date.getYear(), date.getMonthValue()));
  }

  @Property(tries = 3000, seed = "2038")
  void wallClockTimeConvertsLikeZonedDateTime(
      @ForAll("zones") ZoneId zone, @ForAll("localSeconds") List<Long> localSeconds) {
    LocalZone localZone = new LocalZone(zone);
    for (long local : localSeconds) { // several in a row, so the cache is exercised warm and cold
      long expected =
          ZonedDateTime.ofLocal(LocalDateTime.ofEpochSecond(local, 0, ZoneOffset.UTC), zone, null)
              .toEpochSecond();
      assertEquals(
          expected,
          localZone.toEpochSecond(local),
          () -> zone + " " + LocalDateTime.ofEpochSecond(local, 0, ZoneOffset.UTC));
      assertEquals(
          zone.getRules().getOffset(java.time.Instant.ofEpochSecond(local)).getTotalSeconds(),
          localZone.offsetAtInstant(local));
    }
  }

  @Test
  void dstGapMovesForwardAndOverlapTakesTheEarlierInstant() {
    ZoneId newYork = ZoneId.of("America/New_York");
    LocalZone zone = new LocalZone(newYork);
    long gap = LocalDateTime.parse("2026-03-08T02:30:00").toEpochSecond(ZoneOffset.UTC);
    assertEquals(
        LocalDateTime.parse("2026-03-08T07:30:00").toEpochSecond(ZoneOffset.UTC),
        zone.toEpochSecond(gap));
    long overlap = LocalDateTime.parse("2026-11-01T01:30:00").toEpochSecond(ZoneOffset.UTC);
    assertEquals(
        LocalDateTime.parse("2026-11-01T05:30:00").toEpochSecond(ZoneOffset.UTC),
        zone.toEpochSecond(overlap));
  }

  @Provide
  Arbitrary<ZoneId> zones() {
    return Arbitraries.of(ZONES);
  }

  /** Wall-clock seconds from 1900 to 2100, clustered around DST changes now and then. */
  @Provide
  Arbitrary<List<Long>> localSeconds() {
    long from = LocalDateTime.parse("1900-01-01T00:00:00").toEpochSecond(ZoneOffset.UTC);
    long to = LocalDateTime.parse("2100-01-01T00:00:00").toEpochSecond(ZoneOffset.UTC);
    Arbitrary<Long> anywhere = Arbitraries.longs().between(from, to);
    Arbitrary<Long> nearDstChanges =
        Arbitraries.of(
                "2026-03-08T02:00:00",
                "2026-11-01T01:00:00",
                "2026-03-29T02:00:00",
                "2026-10-25T02:00:00",
                "2026-04-05T01:45:00",
                "2026-10-04T02:00:00",
                "2011-12-29T23:00:00")
            .flatMap(
                t ->
                    Arbitraries.longs()
                        .between(-7200, 7200)
                        .map(d -> LocalDateTime.parse(t).toEpochSecond(ZoneOffset.UTC) + d));
    return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(3, anywhere), net.jqwik.api.Tuple.of(2, nearDstChanges))
        .list()
        .ofMinSize(1)
        .ofMaxSize(8);
  }

  /**
   * Rfc3339 remembers the last minute it read: a parser reused over timestamps that mostly share
   * their minute (valid or not: a bad day, a leap second, a bad separator) reads each one as a
   * parser that has seen nothing does.
   */
  @Property(tries = 300, seed = "1123")
  void theRememberedMinuteChangesNoResult(@ForAll("timestamps") List<String> timestamps) {
    LocalZone zone = new LocalZone(ZoneId.of("Europe/Berlin"));
    Rfc3339 reused = new Rfc3339(zone);
    for (String t : timestamps) {
      byte[] b = t.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      SyslogMessage.Builder fresh = new SyslogMessage.Builder();
      SyslogMessage.Builder again = new SyslogMessage.Builder();
      int end = new Rfc3339(zone).parse(b, 0, b.length, fresh);
      assertEquals(end, reused.parse(b, 0, b.length, again), t);
      assertEquals(fresh.timestampMillis, again.timestampMillis, t);
      assertEquals(fresh.tzAssumed, again.tzAssumed, t);
    }
  }

  @Provide
  Arbitrary<List<String>> timestamps() {
    Arbitrary<String> minute = Arbitraries.of("2026-11-23T07:14", "2026-11-23T07:15", "2024-02-29T23:59",
        "2025-02-29T10:00", "2026-13-01T00:00", "2026-11-23t07:14", "2026-11-23T24:00");
    Arbitrary<String> second = Arbitraries.of(":00", ":59", ":60", ":7x", ":05.123", ":05.5Z", ":05+01:00",
        ":05.999999-08:30", ":05Z");
    return net.jqwik.api.Combinators.combine(minute, second).as(String::concat).list().ofMinSize(1).ofMaxSize(30);
  }
}
