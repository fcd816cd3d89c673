package io.sluice.it.differential;

import io.sluice.it.harness.SinkFiles.Written;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One entry on one transport: Flume's event(s), Sluice's, and the event Flume should have made
 * according to Sluice's and the entry's named differences ({@link #expected}).
 *
 * <p>A side is seen as a map of fields: every header Flume sets (for Flume's event, all of its
 * headers; for Sluice's, those of Flume's names) and the body under {@link #BODY}.
 */
public final class Slot {

  public static final String FACILITY = "Facility";
  public static final String SEVERITY = "Severity";
  public static final String PRIORITY = "priority";
  public static final String VERSION = "version";
  public static final String TIMESTAMP = "timestamp";
  public static final String HOST = "host";
  public static final String STATUS = "flume.syslog.status";
  /** The body, under a name no header has. */
  public static final String BODY = "(body)";

  /** The headers of Flume's names, in the order they are shown. */
  static final List<String> FLUME_HEADERS =
      List.of(FACILITY, SEVERITY, PRIORITY, "Priority", VERSION, "Version", TIMESTAMP, HOST, STATUS);

  final Entry entry;
  final Transport transport;
  final Written sluice;
  final Map<String, String> sluiceView;
  /** Flume's first event for the entry, or null if it made none. */
  final Map<String, String> flume;
  /** Flume's further events for the entry (a line cut in two), for a difference to account for. */
  final List<Map<String, String>> flumeExtra;
  /** Flume's event before this one on the same source (for stale headers), or null. */
  final Map<String, String> previousFlume;
  /** When sending over this transport began, and when its events had all been seen (epoch ms). */
  final long sentFrom;
  final long seenBy;
  /** Flume's event as Sluice's and the declared differences predict it; null: no event. */
  Map<String, String> expected;
  int extraAccountedFor;

  Slot(Entry entry, Transport transport, Written sluice, List<Written> flume,
      Map<String, String> previousFlume, long sentFrom, long seenBy) {
    this.entry = entry;
    this.transport = transport;
    this.sluice = sluice;
    this.sluiceView = view(sluice, false);
    this.flume = flume.isEmpty() ? null : view(flume.get(0), true);
    this.flumeExtra = new ArrayList<>();
    for (Written w : flume.subList(Math.min(1, flume.size()), flume.size())) {
      flumeExtra.add(view(w, true));
    }
    this.previousFlume = previousFlume;
    this.sentFrom = sentFrom;
    this.seenBy = seenBy;
    this.expected = new LinkedHashMap<>(sluiceView);
  }

  /** Every header of a Flume event, or those of Flume's names of a Sluice event; and the body. */
  static Map<String, String> view(Written w, boolean allHeaders) {
    Map<String, String> v = new LinkedHashMap<>();
    if (allHeaders) {
      v.putAll(w.headers());
    } else {
      for (String h : FLUME_HEADERS) {
        if (w.header(h) != null) {
          v.put(h, w.header(h));
        }
      }
    }
    v.put(BODY, w.body());
    return v;
  }

  // ---- for the differences

  public Entry entry() {
    return entry;
  }

  public String expected(String field) {
    return expected.get(field);
  }

  /** Sets an expected field; null makes it absent. */
  public void expect(String field, String value) {
    if (value == null) {
      expected.remove(field);
    } else {
      expected.put(field, value);
    }
  }

  public void expectNoEvent() {
    expected = null;
  }

  /** A header of Sluice's event, any name (appName, structuredData, ...). */
  public String sluiceHeader(String name) {
    return sluice.header(name);
  }

  public String sluiceBody() {
    return sluice.body();
  }

  public String flume(String field) {
    return flume == null ? null : flume.get(field);
  }

  public String previousFlume(String field) {
    return previousFlume == null ? null : previousFlume.get(field);
  }

  public List<Map<String, String>> flumeExtra() {
    return flumeExtra;
  }

  public void accountForExtra(int n) {
    extraAccountedFor = n;
  }

  public long sentFrom() {
    return sentFrom;
  }

  public long seenBy() {
    return seenBy;
  }

  /** The first {@code n} bytes of {@code s} (UTF-8), as text. */
  public static String firstBytes(String s, int n) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return new String(Arrays.copyOf(b, Math.min(n, b.length)), StandardCharsets.UTF_8);
  }

  public static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  // ---- the verdict

  /** The fields where Flume's event differs from the expected one; empty when they agree. */
  List<String> mismatches() {
    List<String> out = new ArrayList<>();
    if (expected == null || flume == null) {
      if (expected != flume) {
        out.add(expected == null ? "Flume made an event where none was expected" : "Flume made no event");
      }
    } else {
      List<String> fields = new ArrayList<>(expected.keySet());
      flume.keySet().stream().filter(k -> !fields.contains(k)).forEach(fields::add);
      for (String f : fields) {
        if (!Objects.equals(expected.get(f), flume.get(f))) {
          out.add(f + ": Flume " + show(flume.get(f)) + ", expected " + show(expected.get(f)));
        }
      }
    }
    if (flumeExtra.size() != extraAccountedFor) {
      out.add("Flume made " + flumeExtra.size() + " more event(s) for it, " + extraAccountedFor
          + " accounted for: " + flumeExtra);
    }
    return out;
  }

  String describe(List<String> problems) {
    StringBuilder b = new StringBuilder()
        .append(entry).append(" over ").append(transport)
        .append(" (").append(transport.flumeSource()).append(" vs Sluice), declared ")
        .append(entry.differences(transport)).append('\n')
        .append("  sent:     ").append(show(entry.transportText(transport))).append('\n')
        .append("  Flume:    ").append(showMap(flume)).append('\n');
    for (Map<String, String> extra : flumeExtra) {
      b.append("     and:  ").append(showMap(extra)).append('\n');
    }
    b.append("  Sluice:   ").append(showMap(sluiceView)).append('\n')
        .append("  expected: ").append(showMap(expected)).append('\n');
    for (String p : problems) {
      b.append("  - ").append(p).append('\n');
    }
    return b.toString();
  }

  static String showMap(Map<String, String> m) {
    if (m == null) {
      return "(no event)";
    }
    StringBuilder b = new StringBuilder("{");
    m.forEach((k, v) -> b.append(b.length() > 1 ? ", " : "").append(k).append('=').append(show(v)));
    return b.append('}').toString();
  }

  static String show(String s) {
    if (s == null) {
      return "(absent)";
    }
    String shown = s.length() > 160 ? s.substring(0, 120) + "…(" + s.length() + " chars)…" + s.substring(s.length() - 20) : s;
    return '"' + shown.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0")
        .replace("\uFEFF", "\\uFEFF") + '"';
  }
}
