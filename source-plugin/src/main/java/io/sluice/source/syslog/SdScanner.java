package io.sluice.source.syslog;

/**
 * The RFC 5424 STRUCTURED-DATA grammar (§6.3), written once and used twice: the parser validates
 * with no visitor (no allocation), {@link StructuredData#parse} collects elements through one.
 *
 * <pre>
 * SD-ELEMENT = "[" SD-ID *(SP SD-PARAM) "]"
 * SD-PARAM   = PARAM-NAME "=" %d34 PARAM-VALUE %d34
 * SD-ID, PARAM-NAME = 1*32 PRINTUSASCII except '=', SP, ']', '"'
 * </pre>
 *
 * <p>In a PARAM-VALUE, {@code \"}, {@code \\} and {@code \]} are escapes and any other backslash is
 * a literal one (§6.3.3). Two leniencies, both unambiguous: an unescaped {@code ]} inside a value
 * is accepted (the value ends only at an unescaped quote), and values are not checked to be UTF-8.
 * A repeated SD-ID, which §6.3.2 forbids senders, is kept rather than failing the whole message.
 */
final class SdScanner {

  static final int MAX_NAME_LENGTH = 32;

  /** Receives the spans of each element and parameter, in order; values are still escaped. */
  interface Visitor {
    void element(byte[] b, int idFrom, int idTo);

    void param(byte[] b, int nameFrom, int nameTo, int valueFrom, int valueTo);
  }

  private SdScanner() {}

  /**
   * Reads one or more SD-ELEMENTs at {@code p}; returns the position after the last one, or -1 when
   * the grammar is broken. {@code visitor} may be null.
   */
  static int scan(byte[] b, int p, int end, Visitor visitor) {
    if (p >= end || b[p] != '[') {
      return -1;
    }
    int i = p;
    while (i < end && b[i] == '[') {
      int idFrom = i + 1;
      i = name(b, idFrom, end);
      if (i < 0) {
        return -1;
      }
      if (visitor != null) {
        visitor.element(b, idFrom, i);
      }
      i = params(b, i, end, visitor);
      if (i < 0) {
        return -1;
      }
    }
    return i;
  }

  /** Reads {@code *(SP SD-PARAM) "]"}; returns the position after the bracket, or -1. */
  private static int params(byte[] b, int i, int end, Visitor visitor) {
    while (i < end && b[i] == ' ') {
      int nameFrom = i + 1;
      int nameTo = name(b, nameFrom, end);
      if (nameTo < 0 || nameTo + 1 >= end || b[nameTo] != '=' || b[nameTo + 1] != '"') {
        return -1;
      }
      int valueFrom = nameTo + 2;
      int valueTo = closingQuote(b, valueFrom, end);
      if (valueTo < 0) {
        return -1;
      }
      if (visitor != null) {
        visitor.param(b, nameFrom, nameTo, valueFrom, valueTo);
      }
      i = valueTo + 1;
    }
    return i < end && b[i] == ']' ? i + 1 : -1;
  }

  /** Reads an SD-NAME at {@code p}; returns the position after it, or -1 if empty or too long. */
  private static int name(byte[] b, int p, int end) {
    int i = p;
    while (i < end && isNameByte(b[i])) {
      i++;
    }
    int length = i - p;
    return length >= 1 && length <= MAX_NAME_LENGTH ? i : -1;
  }

  private static boolean isNameByte(byte c) {
    return Ascii.isPrintUsAscii(c) && c != '=' && c != ']' && c != '"';
  }

  /** The position of the quote that ends a PARAM-VALUE starting at {@code p}, or -1. */
  private static int closingQuote(byte[] b, int p, int end) {
    int i = p;
    while (i < end) {
      byte c = b[i];
      if (c == '"') {
        return i;
      }
      i += c == '\\' && i + 1 < end && isEscapable(b[i + 1]) ? 2 : 1;
    }
    return -1;
  }

  static boolean isEscapable(byte c) {
    return c == '"' || c == '\\' || c == ']';
  }
}
