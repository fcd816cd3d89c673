package io.sluice.tools;

import java.nio.file.Path;

/**
 * What a run directory holds: the contract between {@code sluice load}, which writes it, and
 * {@code sluice report} and {@code sluice tune}, which read it. Every file is UTF-8 text, one record
 * a line, so a run can be read (and written by hand for a test) without this code.
 *
 * <ul>
 *   <li>{@value #RUN}: Java properties describing the run — {@code runId} (8 lowercase hex
 *       characters), {@code target} (e.g. {@code udp://127.0.0.1:5140}, {@code tcp://...},
 *       {@code tls://...}, {@code hec://127.0.0.1:8088/services/collector/event}), {@code pattern}
 *       (as given, e.g. {@code burst 1000 x10 2s then 30s silence}), {@code senders},
 *       {@code startEpochMillis}, {@code endEpochMillis}, {@code metricsUrl} (when sampled).
 *   <li>{@value #SENT}: one line per event sent, {@code seq,sender,sentEpochMillis,outcome}: seq
 *       counts from 0 within its sender (0-based sender index); outcome is {@code ok}, or for an
 *       event the target refused or that could not be sent {@code error} (connection failed, 5xx),
 *       {@code pushback} (HEC 429 or 503 after its retries; for TCP, never: pushback only slows
 *       the sender). Header line {@value #SENT_HEADER}.
 *   <li>{@value #SECONDS}: one line per second of the run, {@code second,sent,errors,pushback}
 *       (second counts from 0 at the start). Header line {@value #SECONDS_HEADER}.
 *   <li>{@value #ACKS}: HEC with acks only, {@code seq,sender,sentEpochMillis,ackedEpochMillis} for
 *       each event whose request's ack turned true. Header line {@value #ACKS_HEADER}.
 *   <li>{@value #METRICS}/: the agent's Prometheus exposition sampled during the run (every second
 *       by default), one file each, named by the epoch milliseconds of the sample:
 *       {@code 1796389314821.prom}.
 * </ul>
 *
 * <p>Every event carries its correlation id, {@link #id}, in its message text as
 * {@code sluice-id=<id>} ({@link #ID_TOKEN}), whatever the protocol, so that a report finds it in
 * whatever document a sink wrote (the ValidatingSink's {@code message}, {@code event} or {@code
 * body}).
 */
public final class RunLayout {

  public static final String RUN = "run.properties";
  public static final String SENT = "sent.csv";
  public static final String SENT_HEADER = "seq,sender,sentEpochMillis,outcome";
  public static final String SECONDS = "seconds.csv";
  public static final String SECONDS_HEADER = "second,sent,errors,pushback";
  public static final String ACKS = "acks.csv";
  public static final String ACKS_HEADER = "seq,sender,sentEpochMillis,ackedEpochMillis";
  public static final String METRICS = "metrics";
  /** What precedes an id in an event's text. */
  public static final String ID_TOKEN = "sluice-id=";

  private RunLayout() {}

  /** An event's correlation id: {@code <runId>-<sender>-<seq>}, e.g. {@code 0e8c5c40-3-1207}. */
  public static String id(String runId, int sender, long seq) {
    return runId + "-" + sender + "-" + seq;
  }

  public static Path file(Path runDir, String name) {
    return runDir.resolve(name);
  }
}
