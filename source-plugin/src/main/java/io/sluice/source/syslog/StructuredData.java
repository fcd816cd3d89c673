package io.sluice.source.syslog;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 5424 STRUCTURED-DATA as a list, for code that needs more than the raw {@code structuredData}
 * header (interceptors, sinks, tests). The parser itself never builds this: it only validates.
 */
public final class StructuredData {

  private StructuredData() {}

  /** One SD-ELEMENT: its SD-ID and its parameters in the order sent. */
  public record Element(String id, List<Param> params) {
    public Element {
      params = List.copyOf(params);
    }

    /** The first value of the named parameter, or null (a PARAM-NAME may repeat). */
    public String param(String name) {
      for (Param p : params) {
        if (p.name().equals(name)) {
          return p.value();
        }
      }
      return null;
    }
  }

  /** One SD-PARAM with its value unescaped. */
  public record Param(String name, String value) {}

  /**
   * The elements of a STRUCTURED-DATA text, e.g. the {@code structuredData} header. Null or the
   * NILVALUE {@code -} give an empty list.
   *
   * @throws IllegalArgumentException if {@code raw} is not valid STRUCTURED-DATA
   */
  public static List<Element> parse(String raw) {
    if (raw == null || raw.equals("-")) {
      return List.of();
    }
    byte[] b = raw.getBytes(StandardCharsets.UTF_8);
    Collector collector = new Collector();
    if (SdScanner.scan(b, 0, b.length, collector) != b.length) {
      throw new IllegalArgumentException("not RFC 5424 STRUCTURED-DATA: " + raw);
    }
    return collector.finish();
  }

  /** Undoes §6.3.3 escaping: {@code \"}, {@code \\} and {@code \]}; other backslashes stay. */
  static String unescape(byte[] b, int from, int to) {
    byte[] out = new byte[to - from];
    int n = 0;
    for (int i = from; i < to; i++) {
      if (b[i] == '\\' && i + 1 < to && SdScanner.isEscapable(b[i + 1])) {
        i++;
      }
      out[n++] = b[i];
    }
    return new String(out, 0, n, StandardCharsets.UTF_8);
  }

  private static final class Collector implements SdScanner.Visitor {
    private final List<Element> elements = new ArrayList<>();
    private String id;
    private List<Param> params;

    @Override
    public void element(byte[] b, int idFrom, int idTo) {
      flush();
      id = Ascii.string(b, idFrom, idTo);
      params = new ArrayList<>();
    }

    @Override
    public void param(byte[] b, int nameFrom, int nameTo, int valueFrom, int valueTo) {
      params.add(new Param(Ascii.string(b, nameFrom, nameTo), unescape(b, valueFrom, valueTo)));
    }

    List<Element> finish() {
      flush();
      return List.copyOf(elements);
    }

    private void flush() {
      if (id != null) {
        elements.add(new Element(id, params));
      }
    }
  }
}
