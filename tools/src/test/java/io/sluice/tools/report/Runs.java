package io.sluice.tools.report;

import java.util.ArrayList;
import java.util.List;

/** Builds runs for the tests: a sent log, sink lines, metrics samples. */
final class Runs {

  static final String RUN = "0e8c5c40";
  static final long START = 1_796_389_314_000L;

  private Runs() {}

  /** {@code n} events of each of {@code senders} senders, sent ok 10 ms apart. */
  static SentLog sent(int senders, int n) {
    SentLog log = new SentLog(START);
    for (int s = 0; s < senders; s++) {
      for (int i = 0; i < n; i++) {
        log.add(i, s, START + 10L * i, "ok");
      }
    }
    return log;
  }

  static String id(int sender, long seq) {
    return RUN + "-" + sender + "-" + seq;
  }

  /** A document as the ValidatingSink writes it. */
  static String written(String id, String disposition, long receivedAt) {
    return "{\"@timestamp\":\"2026-12-04T13:01:54.778Z\",\"host\":\"vm\",\"clientIp\":\"127.0.0.1\","
        + "\"message\":\"sluice-id=" + id + " xxxx\",\"sluice\":{\"eventId\":\"e\",\"disposition\":\""
        + disposition + "\",\"limitKey\":\"127.0.0.1\",\"receivedAt\":" + receivedAt + "},"
        + "\"headers\":{\"h\":\"v\"}}";
  }

  /** A dead-letter line as the ValidatingSink writes it (the body is JSON-escaped text). */
  static String deadLettered(String id, long receivedAt) {
    return "{\"time\":\"2026-12-04T13:01:54.860Z\",\"sink\":\"valid\",\"schema\":\"s\","
        + "\"errorCount\":1,\"errors\":[\"$.x: required\"],\"headers\":{\"sluice.receivedAt\":\""
        + receivedAt + "\"},\"body\":\"<13>Dec  4 13:01:54 vm app: \\\"sluice-id=" + id
        + "\\\" xxxx\"}";
  }

  /** A tally of {@code sent} fed the lines given (written, then dead-lettered). */
  static SinkTally tally(SentLog sent, List<String> written, List<String> dead) {
    SinkTally t = new SinkTally(RUN, sent);
    SinkScan scan = new SinkScan(t, new Latency(), new AdmittedRate(START));
    int n = 0;
    for (String l : written) {
      scan.line(SinkTally.Kind.WRITTEN, l, "events:" + ++n);
    }
    for (String l : dead) {
      scan.line(SinkTally.Kind.DEAD_LETTERED, l, "dead:" + ++n);
    }
    return t;
  }

  /** Every event of {@code sent}'s sender 0 written once but those listed. */
  static List<String> allWrittenBut(int n, int... except) {
    List<String> out = new ArrayList<>();
    outer:
    for (int i = 0; i < n; i++) {
      for (int e : except) {
        if (e == i) {
          continue outer;
        }
      }
      out.add(written(id(0, i), "processed", START + 10L * i + 3));
    }
    return out;
  }

  /** Metrics samples one second apart. */
  static MetricSeries metrics(String... expositions) {
    long[] t = new long[expositions.length];
    for (int i = 0; i < t.length; i++) {
      t[i] = START + 1000L * i;
    }
    return MetricSeries.of(t, List.of(expositions));
  }
}
