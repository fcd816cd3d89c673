package io.sluice.sink.document;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class IsoTimeTest {

  private static final DateTimeFormatter REFERENCE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  @Test
  void timesHaveTheirMillisecondsAlwaysWritten() {
    assertEquals("1970-01-01T00:00:00.000Z", IsoTime.format(0));
    assertEquals("2026-11-23T05:00:00.123Z", IsoTime.format(1_795_410_000_123L));
    assertEquals("2024-02-29T23:59:59.999Z", IsoTime.format(Instant.parse("2024-02-29T23:59:59.999Z").toEpochMilli()));
    assertEquals("2000-03-01T00:00:00.000Z", IsoTime.format(Instant.parse("2000-03-01T00:00:00Z").toEpochMilli()));
    assertEquals("1969-12-31T23:59:59.999Z", IsoTime.format(-1));
  }

  @Test
  void theFourDigitYearsAreTheRange() {
    assertEquals("0000-01-01T00:00:00.000Z", IsoTime.format(IsoTime.MIN_MILLIS));
    assertEquals("9999-12-31T23:59:59.999Z", IsoTime.format(IsoTime.MAX_MILLIS));
    assertTrue(IsoTime.inRange(IsoTime.MIN_MILLIS));
    assertFalse(IsoTime.inRange(IsoTime.MIN_MILLIS - 1));
    assertFalse(IsoTime.inRange(IsoTime.MAX_MILLIS + 1));
    assertThrows(IllegalArgumentException.class, () -> IsoTime.format(IsoTime.MAX_MILLIS + 1));
    assertThrows(IllegalArgumentException.class, () -> IsoTime.format(Long.MIN_VALUE));
  }

  @Property(tries = 3000, seed = "8601")
  void agreesWithJavaTime(@ForAll @LongRange(min = IsoTime.MIN_MILLIS, max = IsoTime.MAX_MILLIS) long millis) {
    assertEquals(REFERENCE.format(Instant.ofEpochMilli(millis)), IsoTime.format(millis));
  }
}
