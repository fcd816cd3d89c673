package io.sluice.source.syslog;

import io.sluice.core.time.ManualClock;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** Parsers on a fixed clock, and the conversions the parser tests keep needing. */
final class Fixtures {

  /** "Now" for every test that does not choose its own: a Monday in late November. */
  static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

  private Fixtures() {}

  static SyslogParser parser() {
    return parserAt(NOW, ZoneOffset.UTC);
  }

  static SyslogParser parserAt(Instant now, ZoneId zone3164) {
    return SyslogParser.builder()
        .clock(new ManualClock(0, now.toEpochMilli()))
        .zone3164(zone3164)
        .build();
  }

  static Parsed parse(String text) {
    return parse(parser(), text);
  }

  static Parsed parse(SyslogParser parser, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return new Parsed(bytes, parser.parse(bytes));
  }

  static long utc(String isoInstant) {
    return Instant.parse(isoInstant).toEpochMilli();
  }

  /** Epoch millis of a wall-clock time ({@code 2026-02-05T17:32:18}) in a zone. */
  static long local(String isoLocal, ZoneId zone) {
    return LocalDateTime.parse(isoLocal).atZone(zone).toInstant().toEpochMilli();
  }

  /** A message and the bytes it was parsed from, to read the body and timestamp text back. */
  record Parsed(byte[] input, SyslogMessage message) {

    String body() {
      return new String(input, message.bodyOffset(), message.bodyLength(), StandardCharsets.UTF_8);
    }

    String timestampText() {
      return new String(
          input,
          message.timestampTextOffset(),
          message.timestampTextLength(),
          StandardCharsets.US_ASCII);
    }
  }
}
