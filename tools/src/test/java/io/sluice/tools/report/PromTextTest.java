package io.sluice.tools.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PromTextTest {

  @Test
  void readsSamplesSkippingCommentsAndBlankLines() {
    PromText.Exposition e = PromText.parse("""
        # HELP sluice_events_total Events the governor decided, by disposition
        # TYPE sluice_events_total counter

        sluice_events_total{component="gov",disposition="processed"} 1234
        sluice_events_total{component="gov",disposition="throttled",} 5.0 1796389314821
        up 1
        """);
    assertEquals(0, e.malformed());
    List<PromText.Sample> s = e.samples();
    assertEquals(3, s.size());
    assertEquals(new PromText.Sample("sluice_events_total",
        Map.of("component", "gov", "disposition", "processed"), 1234), s.get(0));
    assertEquals(5.0, s.get(1).value());
    assertEquals(Map.of(), s.get(2).labels());
  }

  @Test
  void unescapesLabelValues() {
    PromText.Sample s = PromText.parseLine(
        "m{a=\"say \\\"hi\\\"\", b=\"back\\\\slash\", c=\"two\\nlines\", d=\"{x=1, y}\"} 2");
    assertEquals("say \"hi\"", s.labels().get("a"));
    assertEquals("back\\slash", s.labels().get("b"));
    assertEquals("two\nlines", s.labels().get("c"));
    assertEquals("{x=1, y}", s.labels().get("d"));
  }

  @Test
  void readsHistogramLinesAndSpecialValues() {
    PromText.Exposition e = PromText.parse("""
        # TYPE sluice_sink_write_duration_seconds histogram
        sluice_sink_write_duration_seconds_bucket{component="k1",le="0.005"} 3
        sluice_sink_write_duration_seconds_bucket{component="k1",le="+Inf"} 7
        sluice_sink_write_duration_seconds_sum{component="k1"} 0.125
        sluice_sink_write_duration_seconds_count{component="k1"} 7
        g{x="a"} NaN
        g{x="b"} +Inf
        g{x="c"} -Inf
        g{x="d"} 1.5e3
        """);
    assertEquals(0, e.malformed());
    assertEquals("+Inf", e.samples().get(1).labels().get("le"));
    assertEquals(7, e.samples().get(1).value());
    assertTrue(Double.isNaN(e.samples().get(4).value()));
    assertEquals(Double.POSITIVE_INFINITY, e.samples().get(5).value());
    assertEquals(Double.NEGATIVE_INFINITY, e.samples().get(6).value());
    assertEquals(1500, e.samples().get(7).value());
  }

  @Test
  void skipsAndCountsMalformedLines() {
    PromText.Exposition e = PromText.parse("""
        ok 1
        cut{a="unterminated} 1
        novalue{a="b"}
        bad{a="b"} twelve
        sluice_events_total{component="gov",dispo
        """);
    assertEquals(1, e.samples().size());
    assertEquals(4, e.malformed());
    assertNull(PromText.parseLine("{a=\"b\"} 1"));
  }
}
