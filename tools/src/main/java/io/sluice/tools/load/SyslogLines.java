package io.sluice.tools.load;

import io.sluice.tools.RunLayout;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The RFC 5424 line of an event: {@code <134>1 TIMESTAMP HOSTNAME sluice-load - - - sluice-id=ID
 * xxxx}, padded with {@code x} to {@code size} bytes (not counting framing; a line longer than that
 * is not cut). Facility local0, severity informational. One per sender: not thread-safe.
 */
final class SyslogLines {

  private static final DateTimeFormatter RFC3339 =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private final String prefixAfterTime;
  private final String runId;
  private final int sender;
  private final int size;
  private final StringBuilder b = new StringBuilder(256);
  private long cachedMillis = Long.MIN_VALUE;
  private String cachedTime;

  SyslogLines(String hostname, String runId, int sender, int size) {
    this.prefixAfterTime = " " + hostname + " sluice-load - - - " + RunLayout.ID_TOKEN;
    this.runId = runId;
    this.sender = sender;
    this.size = size;
  }

  byte[] line(long seq, long epochMillis) {
    if (epochMillis != cachedMillis) { // formatting a timestamp costs more than the rest of the line
      cachedMillis = epochMillis;
      cachedTime = RFC3339.format(Instant.ofEpochMilli(epochMillis));
    }
    b.setLength(0);
    b.append("<134>1 ").append(cachedTime).append(prefixAfterTime).append(RunLayout.id(runId, sender, seq));
    Padding.pad(b, size);
    return b.toString().getBytes(StandardCharsets.US_ASCII);
  }
}
