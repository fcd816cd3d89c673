package io.sluice.tools.load;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything a run needs, checked: what the command line said, resolved.
 *
 * @param sources each sender's source address (an element null: the system chooses)
 * @param tls for tls:// and hecs://, else null
 * @param hec for HEC targets, else null
 * @param metrics the agent's /metrics, or null
 */
record Plan(Target target, String patternText, LoadPattern pattern, long durationNanos, List<InetAddress> sources,
    Framing framing, Tls tls, int size, String hostname, HecSettings hec, Path runDir, String runId, URI metrics,
    long metricsIntervalNanos, long drainNanos) {

  int senders() {
    return sources.size();
  }

  boolean acks() {
    return hec != null && hec.ack();
  }
}
