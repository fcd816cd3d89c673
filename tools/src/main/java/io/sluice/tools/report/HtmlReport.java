package io.sluice.tools.report;

import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * The report as one self-contained HTML page: the verdict first, then the accounting, the lists
 * of duplicates, missing and mangled ids, latencies, the charts (PNG inlined as data URIs) and the
 * run's properties. Inline CSS, no script, nothing fetched: it opens the same on a machine with no
 * network, and can be mailed as it is.
 */
public final class HtmlReport {

  /** Everything the page shows. {@code acked} is null without acks.csv. */
  public record Content(RunInfo run, Verdict verdict, LossAccount account, Latency received,
      Latency acked, List<Charts.Png> charts, List<String> notes, long sinkFiles, long sinkLines) {}

  private static final String CSS = "body{font-family:sans-serif;margin:2em;max-width:1100px;"
      + "color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid "
      + "#ccc;padding:.25em .6em;text-align:left}td.n{text-align:right;font-variant-numeric:"
      + "tabular-nums}.pass{color:#fff;background:#2a7a2a;padding:.5em}.fail{color:#fff;"
      + "background:#b02020;padding:.5em}img{max-width:100%;border:1px solid #ddd}"
      + "code{font-size:90%}";

  private HtmlReport() {}

  public static String render(Content c) {
    StringBuilder h = new StringBuilder(1 << 16);
    LossAccount a = c.account();
    AgentCounts g = a.agent();
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
        .append(esc(c.verdict().line())).append("</title><style>").append(CSS)
        .append("</style></head><body>\n");
    h.append("<p class=\"").append(c.verdict().pass() ? "pass" : "fail").append("\">")
        .append(esc(c.verdict().line())).append("</p>\n");
    h.append("<h1>Sluice run ").append(esc(c.run().runId())).append("</h1>\n");

    h.append("<h2>Accounting</h2>\n<table>\n");
    row(h, "sent ok (accounted for)", a.sentOk());
    row(h, "written once", a.writtenOnce());
    row(h, "dead-lettered once", a.deadLetteredOnce());
    row(h, "duplicates (ids found more than once)", a.duplicates());
    row(h, "missing (sent ok, found nowhere)", a.missing());
    row(h, "throttled (agent, all components)", g.throttled());
    for (Map.Entry<String, Long> e : g.throttledByReason().entrySet()) {
      row(h, "&nbsp;&nbsp;throttled, reason " + esc(e.getKey()), e.getValue());
    }
    row(h, "throttled found written (disposition throttled)", a.throttledWritten());
    row(h, "throttled not written", a.throttledNotWritten());
    row(h, "&nbsp;&nbsp;of which dropped by the governor (throttled = drop)",
        g.throttledDropped());
    row(h, "dropped by sources", g.sourceDropped());
    for (Map.Entry<String, Long> e : g.sourceDroppedByReason().entrySet()) {
      row(h, "&nbsp;&nbsp;dropped, reason " + esc(e.getKey()), e.getValue());
    }
    row(h, "missing explained by the agent's counts", a.explained());
    row(h, "<b>unexplained</b>", a.unexplained());
    row(h, "mangled ids (never sent, cut, run together)", a.mangled());
    row(h, "not sent: error", a.sentError());
    row(h, "not sent: pushback", a.sentPushback());
    if (a.sentOther() > 0) {
      row(h, "not sent: other outcomes", a.sentOther());
    }
    row(h, "found though the sender saw error or pushback", a.foundNotOk());
    row(h, "batched events found written", a.batchedFound());
    row(h, "other runs' events found (ignored)", a.otherRuns());
    h.append("</table>\n<h3>What the agent counted</h3>\n<table>\n");
    row(h, "metrics samples", g.samples());
    row(h, "received by sources", g.received());
    row(h, "processed", g.processed());
    row(h, "batched", g.batched());
    row(h, "rejected (events of refused batches)", g.rejected());
    row(h, "written by sinks", g.written());
    row(h, "dead-lettered by sinks", g.deadLettered());
    row(h, "sink files read", c.sinkFiles());
    row(h, "sink lines read", c.sinkLines());
    h.append("</table>\n");

    if (!c.notes().isEmpty()) {
      h.append("<h3>Notes</h3>\n<ul>\n");
      c.notes().forEach(n -> h.append("<li>").append(esc(n)).append("</li>\n"));
      h.append("</ul>\n");
    }

    list(h, "Duplicates", a.duplicates(), a.duplicateList().stream()
        .map(d -> d.id() + " — written " + d.written() + ", dead-lettered " + d.deadLettered())
        .toList());
    list(h, "Missing", a.missing(), a.missingList());
    list(h, "Mangled ids", a.mangled(), a.mangledList().stream()
        .map(f -> f.text() + " — " + f.where()).toList());

    h.append("<h2>Latency (milliseconds)</h2>\n<table>\n<tr><th></th><th>count</th>");
    for (double p : Latency.PERCENTILES) {
      h.append("<th>p").append(p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p))
          .append("</th>");
    }
    h.append("<th>max</th></tr>\n");
    latencyRow(h, "send → received", c.received());
    if (c.acked() != null) {
      latencyRow(h, "send → ack", c.acked());
    }
    h.append("</table>\n");

    h.append("<h2>Charts</h2>\n");
    for (Charts.Png p : c.charts()) {
      h.append("<h3>").append(esc(p.title())).append("</h3>\n<img alt=\"").append(esc(p.title()))
          .append("\" src=\"data:image/png;base64,")
          .append(Base64.getEncoder().encodeToString(p.bytes())).append("\">\n");
    }

    h.append("<h2>Run</h2>\n<table>\n");
    c.run().properties().forEach((k, v) -> h.append("<tr><td>").append(esc(k))
        .append("</td><td><code>").append(esc(v)).append("</code></td></tr>\n"));
    h.append("</table>\n</body></html>\n");
    return h.toString();
  }

  private static void row(StringBuilder h, String label, long n) {
    h.append("<tr><td>").append(label).append("</td><td class=\"n\">").append(n)
        .append("</td></tr>\n");
  }

  private static void list(StringBuilder h, String title, long total, List<String> items) {
    if (total == 0) {
      return;
    }
    h.append("<h2>").append(title).append(" (").append(total);
    if (items.size() < total) {
      h.append(", first ").append(items.size()).append(" listed");
    }
    h.append(")</h2>\n<ul>\n");
    items.forEach(i -> h.append("<li><code>").append(esc(i)).append("</code></li>\n"));
    h.append("</ul>\n");
  }

  private static void latencyRow(StringBuilder h, String label, Latency l) {
    h.append("<tr><td>").append(esc(label)).append("</td><td class=\"n\">").append(l.total())
        .append("</td>");
    for (double p : Latency.PERCENTILES) {
      h.append("<td class=\"n\">").append(l.total() == 0 ? "–" : String.valueOf(l.percentile(p)))
          .append("</td>");
    }
    h.append("<td class=\"n\">").append(l.total() == 0 ? "–" : String.valueOf(l.max()))
        .append("</td></tr>\n");
  }

  static String esc(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
