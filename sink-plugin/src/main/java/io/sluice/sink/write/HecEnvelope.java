package io.sluice.sink.write;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.ByteArrayOutputStream;
import java.util.Map;
import tools.jackson.core.io.JsonStringEncoder;

/**
 * Writes one HEC {@code /event} envelope around a document: {@code {"time":1700000000.123,
 * "host":"…","source":"…","sourcetype":"…","index":"…","event":{…}}}.
 *
 * <p>{@code time} is the {@code timestamp} header (epoch milliseconds) as epoch seconds with a
 * millisecond fraction, written as a JSON number: Splunk's documented {@code <sec>.<ms>} form,
 * which it never mistakes for milliseconds. Each metadata key is there only when its header is:
 * Splunk then applies the token's defaults. The document, already valid compact JSON, is copied
 * in as bytes rather than parsed and written again; the header values are escaped as Jackson
 * escapes a String ({@link #writeString}), so a quote, a backslash, a control character or half a
 * surrogate pair in a host name cannot break the envelope.
 */
final class HecEnvelope {

  static final String TIMESTAMP = "timestamp";
  /** The metadata keys an envelope takes from the headers of the same name, in this order. */
  static final String[] METADATA = {"host", "source", "sourcetype", "index"};

  private static final byte[] TIME = "{\"time\":".getBytes(US_ASCII);
  private static final byte[] EVENT = "\"event\":".getBytes(US_ASCII);
  private static final JsonStringEncoder ESCAPES = JsonStringEncoder.getInstance();
  private static final byte[] HEX = "0123456789ABCDEF".getBytes(US_ASCII);

  private HecEnvelope() {}

  /** Appends the envelope of {@code document} (a JSON object) to {@code out}. */
  static void write(ByteArrayOutputStream out, byte[] document, Map<String, String> headers) {
    long millis = epochMillis(headers.get(TIMESTAMP));
    if (millis >= 0) {
      out.writeBytes(TIME);
      writeSeconds(out, millis);
      out.write(',');
    } else {
      out.write('{');
    }
    for (String key : METADATA) {
      String value = headers.get(key);
      if (value != null) {
        out.write('"');
        out.writeBytes(key.getBytes(US_ASCII));
        out.write('"');
        out.write(':');
        writeString(out, value);
        out.write(',');
      }
    }
    out.writeBytes(EVENT);
    out.writeBytes(document);
    out.write('}');
  }

  /**
   * {@code value} quoted, byte for byte as Jackson's generator writes a String: Jackson's encoder
   * escapes it, but for a lone half of a surrogate pair, which has no UTF-8 form and which the
   * encoder refuses by throwing (the batch would then fail on every try and wedge the sink). That
   * one is written as a six-character unicode escape, as the generator and DocumentJson do.
   */
  static void writeString(ByteArrayOutputStream out, String value) {
    out.write('"');
    int from = 0; // value[from, i) has no lone surrogate: the encoder's to write
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++; // a whole pair: four bytes of UTF-8, written by the encoder
      } else if (Character.isSurrogate(c)) {
        out.writeBytes(ESCAPES.quoteAsUTF8(value.subSequence(from, i)));
        unicodeEscape(out, c);
        from = i + 1;
      }
    }
    out.writeBytes(ESCAPES.quoteAsUTF8(from == 0 ? value : value.subSequence(from, value.length())));
    out.write('"');
  }

  /** A backslash, {@code u} and the char's four hex digits, upper case as Jackson writes them. */
  private static void unicodeEscape(ByteArrayOutputStream out, char c) {
    out.write('\\');
    out.write('u');
    for (int shift = 12; shift >= 0; shift -= 4) {
      out.write(HEX[c >> shift & 0xF]);
    }
  }

  /**
   * The header's epoch milliseconds, or -1 when absent or not a whole number of at least zero:
   * the envelope then has no {@code time} and Splunk uses its receive time, rather than the
   * batch failing on an event Splunk would refuse (negative times get code 6).
   */
  static long epochMillis(String header) {
    if (header == null) {
      return -1;
    }
    try {
      long v = Long.parseLong(header.trim());
      return v >= 0 ? v : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** {@code 1700000000123} as {@code 1700000000.123}: always three fraction digits. */
  static void writeSeconds(ByteArrayOutputStream out, long millis) {
    out.writeBytes(Long.toString(millis / 1000).getBytes(US_ASCII));
    long ms = millis % 1000;
    out.write('.');
    out.write('0' + (int) (ms / 100));
    out.write('0' + (int) (ms / 10 % 10));
    out.write('0' + (int) (ms % 10));
  }
}
