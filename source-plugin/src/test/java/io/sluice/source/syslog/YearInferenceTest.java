package io.sluice.source.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * RFC 3164 dates carry no year: the parser picks the one within [now - 11 months, now + 1 month].
 * Checked against java.time for any "now" and any date in that window, in zones with DST.
 */
class YearInferenceTest {

  private static final DateTimeFormatter BSD =
      DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH);

  @Property(tries = 3000, seed = "11")
  void dateWithinTheWindowGetsItsYear(
      @ForAll("zones") ZoneId zone,
      @ForAll @LongRange(min = 946_684_800L, max = 4_102_444_800L) long nowSecond, // 2000-2100
      @ForAll("offsetsInWindow") long offsetSeconds) {
    Instant now = Instant.ofEpochSecond(nowSecond);
    LocalDateTime nowLocal = LocalDateTime.ofInstant(now, zone);
    LocalDateTime sent = nowLocal.plusSeconds(offsetSeconds);
    if (sent.isBefore(nowLocal.minusMonths(11)) || sent.isAfter(nowLocal.plusMonths(1))) {
      return; // the offset overshot the calendar window near short months
    }
    String text = "<13>" + BSD.format(sent) + " host app: x";
    SyslogMessage m = Fixtures.parserAt(now, zone).parse(text.getBytes(StandardCharsets.US_ASCII));
    LocalDateTime parsed = LocalDateTime.ofInstant(Instant.ofEpochMilli(m.timestampMillis()), zone);
    // A wall-clock time in a DST gap does not exist: it reads as the instant after the gap.
    LocalDateTime expected = sent.atZone(zone).toLocalDateTime();
    assertEquals(expected, parsed, text + " at " + nowLocal);
  }

  @Test
  void leapDayFindsTheLeapYearInTheWindowOrNone() {
    assertEquals(
        Instant.parse("2028-02-29T12:00:00Z").toEpochMilli(),
        leapDayReceivedAt("2028-12-15T00:00:00Z"));
    assertEquals(
        Instant.parse("2028-02-29T12:00:00Z").toEpochMilli(),
        leapDayReceivedAt("2029-01-15T00:00:00Z"));
    // 11 months back is 2028-04-15 and 2029 has no Feb 29: not a date, so no timestamp.
    assertEquals(SyslogMessage.NO_TIMESTAMP, leapDayReceivedAt("2029-03-15T00:00:00Z"));
  }

  private static long leapDayReceivedAt(String now) {
    return Fixtures.parserAt(Instant.parse(now), ZoneId.of("UTC"))
        .parse("<13>Feb 29 12:00:00 host app: x".getBytes(StandardCharsets.US_ASCII))
        .timestampMillis();
  }

  @Provide
  Arbitrary<ZoneId> zones() {
    return Arbitraries.of(
        ZoneId.of("UTC"),
        ZoneId.of("America/Los_Angeles"),
        ZoneId.of("Pacific/Auckland"),
        ZoneId.of("Asia/Tokyo"));
  }

  /** Seconds from now, from 11 months back to 1 month ahead (jqwik adds the edges). */
  @Provide
  Arbitrary<Long> offsetsInWindow() {
    long elevenMonths = Duration.ofDays(334).toSeconds(); // at most 11 calendar months
    long oneMonth = Duration.ofDays(28).toSeconds();
    return Arbitraries.longs().between(-elevenMonths, oneMonth);
  }
}
