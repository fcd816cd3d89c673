package io.sluice.sink.document;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.BooleanNode;
import tools.jackson.databind.node.IntNode;
import tools.jackson.databind.node.LongNode;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * Writes a document tree as compact UTF-8 JSON, byte for byte the text Jackson's own writer gives
 * for it: the same escapes ({@code \"}, {@code \\}, the short forms such as {@code \n}, and a
 * six-character unicode escape for any other control character and for a lone surrogate), and
 * everything else as UTF-8.
 *
 * <p>Why not {@code ObjectWriter.writeValueAsBytes}: for a document of a dozen short strings it
 * spent half the mapping time (measured with JFR on SinkDocumentBenchmark's events) in per-call
 * setup (a serialization context, a generator, a pooled buffer) and in encoding each String char
 * by char through a char buffer. Here strings are copied straight into one byte array, and the
 * message, already known to be valid UTF-8, is copied from the body's bytes eight at a time, with
 * no escape needed in almost every log line. Values this writer does not know (floating point and
 * big numbers from an HEC event) are left to Jackson, so their text is Jackson's exactly.
 *
 * <p>One instance per document: it holds the buffer being written.
 */
final class DocumentJson {

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101_0101_0101_0101L;
  private static final long HIGHS = 0x8080_8080_8080_8080L;
  private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** For each ASCII byte: 0 when written as is, else the letter of its short escape, or 'u'. */
  private static final byte[] ESCAPE = new byte[128];

  static {
    for (int c = 0; c < 0x20; c++) {
      ESCAPE[c] = 'u';
    }
    ESCAPE['\b'] = 'b';
    ESCAPE['\f'] = 'f';
    ESCAPE['\n'] = 'n';
    ESCAPE['\r'] = 'r';
    ESCAPE['\t'] = 't';
    ESCAPE['"'] = '"';
    ESCAPE['\\'] = '\\';
  }

  /**
   * Each thread writes into one buffer it keeps, so that a document costs one array (its own, of
   * exactly its length) rather than two. A buffer grown beyond {@link #KEPT_BYTES} for a large
   * document is not kept: a thread holds at most that much between events.
   */
  private static final int KEPT_BYTES = 64 * 1024;
  private static final ThreadLocal<byte[]> BUFFERS = ThreadLocal.withInitial(() -> new byte[4096]);

  private final ObjectWriter fallback;
  private byte[] buf;
  private int pos;

  DocumentJson(int expectedBytes, ObjectWriter fallback) {
    byte[] kept = BUFFERS.get();
    this.buf = kept.length >= expectedBytes ? kept : new byte[expectedBytes];
    this.fallback = fallback;
  }

  /**
   * The JSON of {@code doc}; its top-level {@code message}, when there, is written from {@code
   * messageUtf8} (valid UTF-8, the same text) rather than from its String.
   */
  byte[] write(ObjectNode doc, byte[] messageUtf8) {
    byte open = '{';
    for (Map.Entry<String, JsonNode> e : doc.properties()) {
      ensure(1);
      buf[pos++] = open;
      open = ',';
      name(e.getKey());
      if (messageUtf8 != null && DocumentFields.MESSAGE.equals(e.getKey())) {
        utf8(messageUtf8);
      } else {
        value(e.getValue());
      }
    }
    ensure(2);
    if (open == '{') {
      buf[pos++] = '{';
    }
    buf[pos++] = '}';
    if (buf.length <= KEPT_BYTES) {
      BUFFERS.set(buf);
    }
    return Arrays.copyOf(buf, pos);
  }

  private void value(JsonNode v) {
    if (v instanceof StringNode s) {
      string(s.stringValue());
    } else if (v instanceof ObjectNode o) {
      object(o);
    } else if (v instanceof ArrayNode a) {
      array(a);
    } else if (v instanceof IntNode || v instanceof LongNode) {
      number(v.longValue());
    } else if (v instanceof BooleanNode) {
      ascii(v.booleanValue() ? "true" : "false");
    } else if (v instanceof NullNode) {
      ascii("null");
    } else {
      byte[] b = fallback.writeValueAsBytes(v); // doubles, big numbers: Jackson's own text
      ensure(b.length);
      System.arraycopy(b, 0, buf, pos, b.length);
      pos += b.length;
    }
  }

  private void object(ObjectNode o) {
    byte open = '{';
    for (Map.Entry<String, JsonNode> e : o.properties()) {
      ensure(1);
      buf[pos++] = open;
      open = ',';
      name(e.getKey());
      value(e.getValue());
    }
    ensure(2);
    if (open == '{') {
      buf[pos++] = '{';
    }
    buf[pos++] = '}';
  }

  private void array(ArrayNode a) {
    byte open = '[';
    for (Iterator<JsonNode> it = a.values().iterator(); it.hasNext(); ) {
      ensure(1);
      buf[pos++] = open;
      open = ',';
      value(it.next());
    }
    ensure(2);
    if (open == '[') {
      buf[pos++] = '[';
    }
    buf[pos++] = ']';
  }

  /** A property name and its colon: from {@link #NAMES} when it is a name seen before. */
  private void name(String n) {
    byte[] b = NAMES.get(n);
    if (b == null) {
      int start = pos;
      string(n);
      ensure(1);
      buf[pos++] = ':';
      if (n.length() <= MAX_NAME_CHARS && NAMES.size() < MAX_NAMES) {
        NAMES.put(n, Arrays.copyOfRange(buf, start, pos));
      }
      return;
    }
    ensure(b.length);
    System.arraycopy(b, 0, buf, pos, b.length);
    pos += b.length;
  }

  /**
   * Property names as written, quoted and with their colon: the document's own fields and the
   * header names under {@code headers}, which are the same few dozen from event to event. A
   * sender that makes up header names fills it once and is then written as before.
   */
  private static final Map<String, byte[]> NAMES = new java.util.concurrent.ConcurrentHashMap<>();
  private static final int MAX_NAMES = 4096;
  private static final int MAX_NAME_CHARS = 64;

  private void number(long v) {
    if (v >= 0 && v < 10) {
      ensure(1);
      buf[pos++] = (byte) ('0' + v); // severity, facility
    } else {
      ascii(Long.toString(v));
    }
  }

  private void ascii(String s) {
    int n = s.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      buf[pos++] = (byte) s.charAt(i);
    }
  }

  /** A String, quoted and escaped, as UTF-8. */
  private void string(String s) {
    int n = s.length();
    ensure(n + 2);
    byte[] b = buf;
    int p = pos;
    b[p++] = '"';
    int i = 0;
    // the common case, kept small so that it compiles to a tight loop: ASCII that needs no escape
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x80 || ESCAPE[c] != 0) {
        break;
      }
      b[p++] = (byte) c;
    }
    pos = p;
    if (i < n) {
      rest(s, i);
    }
    buf[pos++] = '"'; // room: ensured for the quote from the start, and by rest for its part
  }

  /** The rest of {@code s} from {@code i}, one char at a time. */
  private void rest(String s, int i) {
    int n = s.length();
    for (; i < n; i++) {
      char c = s.charAt(i);
      ensure(12 + (n - i)); // this char's longest form, a byte for each char after it, the quote
      if (c < 0x80) {
        if (ESCAPE[c] == 0) {
          buf[pos++] = (byte) c;
        } else {
          escape(c);
        }
      } else if (c < 0x800) {
        buf[pos++] = (byte) (0xC0 | c >> 6);
        buf[pos++] = (byte) (0x80 | c & 0x3F);
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        buf[pos++] = (byte) (0xF0 | cp >> 18);
        buf[pos++] = (byte) (0x80 | cp >> 12 & 0x3F);
        buf[pos++] = (byte) (0x80 | cp >> 6 & 0x3F);
        buf[pos++] = (byte) (0x80 | cp & 0x3F);
      } else if (Character.isSurrogate(c)) {
        unicodeEscape(c); // a lone half of a pair has no UTF-8 form: escaped, as Jackson does
      } else {
        buf[pos++] = (byte) (0xE0 | c >> 12);
        buf[pos++] = (byte) (0x80 | c >> 6 & 0x3F);
        buf[pos++] = (byte) (0x80 | c & 0x3F);
      }
    }
  }

  /** Valid UTF-8 text, quoted: copied as it is, but for the ASCII bytes JSON must escape. */
  private void utf8(byte[] b) {
    int n = b.length;
    ensure(n + 2);
    buf[pos++] = '"';
    int from = 0; // b[from, i) is copied when the next escape is found, or at the end
    int i = 0;
    while (i < n) {
      while (i + 8 <= n && !needsEscape((long) LONGS.get(b, i))) {
        i += 8;
      }
      int end = Math.min(n, i + 8);
      while (i < end && !escaped(b[i])) {
        i++;
      }
      if (i < end) {
        System.arraycopy(b, from, buf, pos, i - from);
        pos += i - from;
        ensure(6 + (n - i)); // the escape, and a byte for every byte after it and the quote
        escape(b[i]);
        from = ++i;
      }
    }
    System.arraycopy(b, from, buf, pos, n - from);
    pos += n - from;
    buf[pos++] = '"';
  }

  private static boolean escaped(byte b) {
    return b >= 0 && ESCAPE[b] != 0;
  }

  /** Whether any of the eight bytes is below 0x20, a quote or a backslash (exact, no false alarm). */
  private static boolean needsEscape(long x) {
    long quote = x ^ 0x2222_2222_2222_2222L;
    long backslash = x ^ 0x5C5C_5C5C_5C5C_5C5CL;
    long below20 = (x - 0x2020_2020_2020_2020L) & ~x;
    long zeroQuote = (quote - ONES) & ~quote;
    long zeroBackslash = (backslash - ONES) & ~backslash;
    return ((below20 | zeroQuote | zeroBackslash) & HIGHS) != 0;
  }

  private void escape(int c) {
    byte e = ESCAPE[c];
    if (e == 'u') {
      unicodeEscape(c);
    } else {
      buf[pos++] = '\\';
      buf[pos++] = e;
    }
  }

  private void unicodeEscape(int c) {
    buf[pos++] = '\\';
    buf[pos++] = 'u';
    buf[pos++] = HEX[c >> 12 & 0xF];
    buf[pos++] = HEX[c >> 8 & 0xF];
    buf[pos++] = HEX[c >> 4 & 0xF];
    buf[pos++] = HEX[c & 0xF];
  }

  private void ensure(int more) {
    if (pos + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(pos + more, 2 * buf.length));
    }
  }
}
