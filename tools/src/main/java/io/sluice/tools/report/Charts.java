package io.sluice.tools.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The report's charts, drawn headless with JFreeChart into PNG bytes: throughput, deferred depth
 * and channel fill, latency, and the rate admitted per sender. Each is a function of tallies
 * already made; none reads a file.
 */
public final class Charts {

  static {
    // No display on the machines a report runs on; must be set before AWT first loads.
    System.setProperty("java.awt.headless", "true");
  }

  public static final int WIDTH = 1000;
  public static final int HEIGHT = 400;
  /** Beyond this many senders, the admitted-rate chart shows their min, mean and max. */
  static final int SENDER_LINES = 12;

  /** One chart: its file name, its title, its PNG. */
  public record Png(String file, String title, byte[] bytes) {}

  private Charts() {}

  /** Offered (seconds.csv) against what the agent decided and wrote, per second. */
  public static Png throughput(RunFiles.Seconds seconds, MetricSeries m, long startMillis) {
    XYSeriesCollection data = new XYSeriesCollection();
    XYSeries offered = new XYSeries("offered (sent)");
    for (int s = 0; s < seconds.sent().length; s++) {
      offered.add(s, seconds.sent()[s]);
    }
    data.addSeries(offered);
    for (String d : List.of("processed", "batched", "throttled")) {
      data.addSeries(series(d, m.rate("sluice_events_total",
          l -> d.equals(l.get("disposition")), startMillis)));
    }
    data.addSeries(series("written", m.rate("sluice_sink_written_events_total", l -> true,
        startMillis)));
    return png("throughput.png", "Events per second: offered and decided",
        chart("Events per second: offered and decided", "events/s", data));
  }

  /** Deferred (batched, not yet due) events and the channel's fill over time. */
  public static Png depth(MetricSeries m, long startMillis) {
    XYSeriesCollection depth = new XYSeriesCollection();
    depth.addSeries(series("channel deferred lane", m.gauge("sluice_channel_depth",
        l -> "deferred".equals(l.get("lane")), startMillis)));
    depth.addSeries(series("governor deferred", m.gauge("sluice_deferred_events", l -> true,
        startMillis)));
    JFreeChart c = chart("Deferred events and channel fill", "events", depth);
    XYSeriesCollection fill = new XYSeriesCollection();
    String fam = m.has("flume_channel_fill_ratio") ? "flume_channel_fill_ratio"
        : "sluice_channel_fill_ratio";
    fill.addSeries(series("channel fill (ratio)", m.gauge(fam, l -> true, startMillis)));
    XYPlot plot = c.getXYPlot();
    NumberAxis ratio = new NumberAxis("fill ratio");
    ratio.setAutoRangeIncludesZero(true);
    plot.setRangeAxis(1, ratio);
    plot.setDataset(1, fill);
    plot.mapDatasetToRangeAxis(1, 1);
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
    r.setSeriesPaint(0, Color.GRAY);
    r.setSeriesStroke(0, new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f,
        new float[] {6f, 4f}, 0f));
    plot.setRenderer(1, r);
    return png("depth.png", "Deferred events and channel fill", c);
  }

  /** Mean and maximum latency of the events sent in each second; acks beside when there are. */
  public static Png latency(Latency received, Latency acked) {
    XYSeriesCollection data = new XYSeriesCollection();
    addLatency(data, "send→received", received);
    if (acked != null) {
      addLatency(data, "send→ack", acked);
    }
    JFreeChart c = ChartFactory.createXYLineChart("Latency by second sent",
        "second of the run (sent)", "milliseconds", data, PlotOrientation.VERTICAL, true, false,
        false);
    style(c);
    return png("latency.png", "Latency by second sent", c);
  }

  /** Written events per second by sender (by receivedAt), against the limit when given. */
  public static Png admitted(AdmittedRate a, Double limit) {
    XYSeriesCollection data = new XYSeriesCollection();
    int n = a.senders();
    if (n <= SENDER_LINES) {
      for (int sender = 0; sender < n; sender++) {
        XYSeries s = new XYSeries("sender " + sender);
        for (int t = 0; t < a.seconds(); t++) {
          s.add(t, a.at(sender, t));
        }
        data.addSeries(s);
      }
    } else {
      XYSeries min = new XYSeries("min over senders");
      XYSeries mean = new XYSeries("mean over senders");
      XYSeries max = new XYSeries("max over senders");
      for (int t = 0; t < a.seconds(); t++) {
        long lo = Long.MAX_VALUE;
        long hi = 0;
        long sum = 0;
        for (int sender = 0; sender < n; sender++) {
          int v = a.at(sender, t);
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
          sum += v;
        }
        min.add(t, lo);
        mean.add(t, (double) sum / n);
        max.add(t, hi);
      }
      data.addSeries(min);
      data.addSeries(mean);
      data.addSeries(max);
    }
    JFreeChart c = chart("Admitted (written) events per second by sender", "events/s", data);
    if (limit != null) {
      ValueMarker m = new ValueMarker(limit, Color.RED, new BasicStroke(2f));
      m.setLabel("limit " + limit);
      c.getXYPlot().addRangeMarker(m);
    }
    return png("admitted.png", "Admitted events per second by sender", c);
  }

  private static void addLatency(XYSeriesCollection data, String name, Latency l) {
    XYSeries mean = new XYSeries(name + " mean");
    XYSeries max = new XYSeries(name + " max");
    for (int s = 0; s < l.seconds(); s++) {
      if (!Double.isNaN(l.meanAt(s))) {
        mean.add(s, l.meanAt(s));
        max.add(s, l.maxAt(s));
      }
    }
    data.addSeries(mean);
    data.addSeries(max);
  }

  private static XYSeries series(String name, List<MetricSeries.Point> points) {
    XYSeries s = new XYSeries(name);
    for (MetricSeries.Point p : points) {
      s.add(p.second(), p.value());
    }
    return s;
  }

  private static JFreeChart chart(String title, String yLabel, XYSeriesCollection data) {
    JFreeChart c = ChartFactory.createXYLineChart(title, "seconds since the run's start", yLabel,
        data, PlotOrientation.VERTICAL, true, false, false);
    style(c);
    return c;
  }

  /** Okabe and Ito's colour-blind-safe palette, without its yellow (unreadable on white). */
  private static final Color[] PALETTE = {
      new Color(0x000000), new Color(0x0072B2), new Color(0xE69F00), new Color(0xD55E00),
      new Color(0x009E73), new Color(0xCC79A7), new Color(0x56B4E9)};

  private static void style(JFreeChart c) {
    c.setBackgroundPaint(Color.WHITE);
    XYPlot p = c.getXYPlot();
    p.setBackgroundPaint(Color.WHITE);
    p.setDomainGridlinePaint(Color.LIGHT_GRAY);
    p.setRangeGridlinePaint(Color.LIGHT_GRAY);
    var r = p.getRenderer();
    for (int i = 0; i < PALETTE.length; i++) {
      r.setSeriesPaint(i, PALETTE[i]);
      r.setSeriesStroke(i, new BasicStroke(2f));
    }
  }

  private static Png png(String file, String title, JFreeChart c) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ChartUtils.writeChartAsPNG(out, c, WIDTH, HEIGHT);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Png(file, title, out.toByteArray());
  }
}
