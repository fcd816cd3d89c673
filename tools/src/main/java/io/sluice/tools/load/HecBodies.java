package io.sluice.tools.load;

import io.sluice.tools.RunLayout;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/**
 * The body of one HEC request. {@code /event}: one JSON object per event, {@code {"event":"sluice-id=ID
 * xxx","sourcetype":"sluice:load","time":SECONDS.MILLIS}}, one a line; {@code /raw}: the event texts,
 * one a line. An event's text is padded with {@code x} to {@code size} bytes. Gzipped when asked.
 * One per sender: not thread-safe.
 */
final class HecBodies {

  static final String SOURCETYPE = "sluice:load";

  private final boolean raw;
  private final boolean gzip;
  private final String runId;
  private final int sender;
  private final int size;
  private final StringBuilder b = new StringBuilder(64 * 1024);
  private final StringBuilder text = new StringBuilder(256);

  HecBodies(boolean raw, boolean gzip, String runId, int sender, int size) {
    this.raw = raw;
    this.gzip = gzip;
    this.runId = runId;
    this.sender = sender;
    this.size = size;
  }

  byte[] body(long firstSeq, int count, long epochMillis) {
    b.setLength(0);
    String time = epochMillis / 1000 + "." + String.format("%03d", epochMillis % 1000);
    for (long seq = firstSeq; seq < firstSeq + count; seq++) {
      text.setLength(0);
      Padding.pad(text.append(RunLayout.ID_TOKEN).append(RunLayout.id(runId, sender, seq)), size);
      if (raw) {
        b.append(text).append('\n');
      } else { // the text is ASCII letters, digits, '-', '=' and spaces: nothing to escape
        b.append("{\"event\":\"").append(text).append("\",\"sourcetype\":\"").append(SOURCETYPE)
            .append("\",\"time\":").append(time).append("}\n");
      }
    }
    byte[] plain = b.toString().getBytes(StandardCharsets.UTF_8);
    return gzip ? gzip(plain) : plain;
  }

  boolean gzipped() {
    return gzip;
  }

  String contentType() {
    return raw ? "text/plain; charset=utf-8" : "application/json";
  }

  static byte[] gzip(byte[] plain) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length / 4 + 64);
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(plain);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // in memory: cannot happen
    }
    return out.toByteArray();
  }
}
