package io.sluice.source.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

/**
 * What must hold for every parse result, whatever the input: shared by the jqwik properties and the
 * Jazzer fuzz test, so random and coverage-guided inputs are judged alike.
 */
final class ParserInvariants {

  /** Epoch millis of 0000-01-01T00:00 minus a day and of 10000-01-01 plus a day (any offset). */
  private static final long MIN_MILLIS = -62_167_219_200_000L - 86_400_000L;

  private static final long MAX_MILLIS = 253_402_300_800_000L + 86_400_000L;

  private ParserInvariants() {}

  static void check(byte[] buf, int off, int len, SyslogMessage m, FieldLimits limits) {
    int end = off + len;
    String what = m.toString();
    assertTrue(m.priority() >= -1 && m.priority() <= 191, what);
    assertEquals(m.priority() < 0 ? -1 : m.priority() / 8, m.facility(), what);
    assertEquals(m.priority() < 0 ? -1 : m.priority() % 8, m.severity(), what);
    assertTrue(
        m.bodyLength() >= 0 && m.bodyOffset() >= off && m.bodyOffset() + m.bodyLength() <= end,
        what);

    if (m.status() != null) {
      assertEquals(SyslogMessage.STATUS_INVALID, m.status());
      assertEquals(SyslogFormat.UNKNOWN, m.format(), what);
      assertEquals(off, m.bodyOffset(), what);
      assertEquals(len, m.bodyLength(), what);
      assertEquals(-1, m.version(), what);
      assertEquals(SyslogMessage.NO_TIMESTAMP, m.timestampMillis(), what);
      assertNull(m.hostname(), what);
      assertNull(m.appName(), what);
      assertNull(m.structuredData(), what);
      return;
    }
    assertTrue(m.format() == SyslogFormat.RFC5424 || m.format() == SyslogFormat.RFC3164, what);
    assertTrue(m.priority() >= 0, what);

    if (m.timestampMillis() == SyslogMessage.NO_TIMESTAMP) {
      assertFalse(m.tzAssumed(), what);
    } else {
      assertTrue(m.timestampMillis() >= MIN_MILLIS && m.timestampMillis() <= MAX_MILLIS, what);
      assertTrue(m.timestampTextLength() > 0, what);
    }
    if (m.timestampTextLength() > 0) {
      assertTrue(
          m.timestampTextOffset() >= off
              && m.timestampTextOffset() + m.timestampTextLength() <= end,
          what);
    }
    assertWithin(m.hostname(), limits.hostname(), what);
    assertWithin(m.appName(), limits.appName(), what);
    assertWithin(m.procId(), limits.procId(), what);

    if (m.format() == SyslogFormat.RFC5424) {
      assertTrue(m.version() >= 1 && m.version() <= 999, what);
      assertWithin(m.msgId(), limits.msgId(), what);
      if (m.structuredData() != null) {
        assertFalse(StructuredData.parse(m.structuredData()).isEmpty(), what);
      }
    } else {
      assertEquals(-1, m.version(), what);
      assertNull(m.msgId(), what);
      assertNull(m.structuredData(), what);
    }

    byte[] whole = KeepFields.ALL.body(buf, off, len, m);
    assertTrue(Arrays.equals(whole, Arrays.copyOfRange(buf, off, end)), what);
    byte[] rebuilt = KeepFields.parse("priority version timestamp hostname").body(buf, off, len, m);
    assertTrue(rebuilt.length >= m.bodyLength(), what);
  }

  private static void assertWithin(String field, int limit, String what) {
    if (field != null) {
      assertTrue(!field.isEmpty() && field.length() <= limit, what);
      assertFalse(field.equals("-"), what);
    }
  }
}
