package io.sluice.it.harness;

import io.sluice.it.harness.SinkFiles.Written;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

/**
 * A real agent for syslog end-to-end tests: the test's sources, all into one memory channel
 * {@code c1}, drained by a {@code file_roll} sink {@code k1} writing {@code header_and_text} into
 * {@code out/}; and typed access to what it wrote and to its metrics over JMX.
 *
 * <p>Heartbeat: Flume's sink runner sleeps 1 s, 2 s, ... up to 5 s after each poll that found the
 * channel empty (constants in {@code SinkRunner}), and {@code file_roll} reports an empty poll
 * whenever it takes less than its batch. Idle between two checks, the sink would add up to 5 s to
 * each. So the sink takes one event per transaction, and a heartbeat source {@code hb} (a UDP syslog
 * source fed four datagrams a second from this JVM) keeps it from backing off more than 1 s.
 * Heartbeat events are left out of everything this class returns.
 */
public final class SyslogPipeline implements AutoCloseable {

  private final FlumeAgent agent;
  private final Path out;
  private final int heartbeatPort;
  private final Thread heartbeat;

  private SyslogPipeline(FlumeAgent agent, Path out, int heartbeatPort) {
    this.agent = agent;
    this.out = out;
    this.heartbeatPort = heartbeatPort;
    this.heartbeat = new Thread(this::beat, "syslog-pipeline-heartbeat");
    heartbeat.setDaemon(true);
    heartbeat.start();
  }

  private void beat() {
    byte[] hb = "<15>1 - heartbeat sluice-it - - - heartbeat".getBytes(StandardCharsets.US_ASCII);
    try (DatagramSocket s = new DatagramSocket()) {
      DatagramPacket p = new DatagramPacket(hb, hb.length, InetAddress.getLoopbackAddress(), heartbeatPort);
      while (!Thread.currentThread().isInterrupted()) {
        s.send(p);
        Thread.sleep(250);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      System.err.println("heartbeat stopped: " + e);
    }
  }

  private boolean notHeartbeat(Written w) {
    return !Integer.toString(heartbeatPort).equals(w.header("localPort"));
  }

  /**
   * Starts agent {@code a1} in {@code target/agents/<test>} with the sources {@code sourceNames}
   * (space-separated), configured by {@code sourceProperties} ({@code a1.sources.<name>.*} lines;
   * each source's {@code channels} is set here).
   */
  public static SyslogPipeline start(String test, String sourceNames, String sourceProperties) {
    Path dir = FlumeAgent.cleanDir(FlumeAgent.workDir(test));
    Path out = FlumeAgent.cleanDir(dir.resolve("out"));
    int heartbeatPort = Ports.free();
    String names = sourceNames.trim() + " hb";
    StringBuilder conf = new StringBuilder()
        .append("a1.sources = ").append(names).append('\n')
        .append("a1.channels = c1\n")
        .append("a1.sinks = k1\n");
    for (String s : names.split("\\s+")) {
      conf.append("a1.sources.").append(s).append(".channels = c1\n");
    }
    conf.append(sourceProperties.strip()).append('\n')
        .append("""
            a1.sources.hb.type = io.sluice.source.SyslogUdpSource
            a1.sources.hb.host = 127.0.0.1
            a1.sources.hb.port = %d
            a1.sources.hb.readers = 1
            """.formatted(heartbeatPort))
        .append("""
            a1.channels.c1.type = memory
            a1.channels.c1.capacity = 100000
            a1.channels.c1.transactionCapacity = 1000
            a1.sinks.k1.type = file_roll
            a1.sinks.k1.channel = c1
            a1.sinks.k1.sink.directory = %s
            a1.sinks.k1.sink.rollInterval = 0
            a1.sinks.k1.sink.serializer = header_and_text
            a1.sinks.k1.sink.batchSize = 1
            """.formatted(out));
    return new SyslogPipeline(FlumeAgent.start("a1", dir, conf.toString()), out, heartbeatPort);
  }

  public FlumeAgent agent() {
    return agent;
  }

  public Path out() {
    return out;
  }

  /** The written events matching {@code filter}, now. */
  public List<Written> events(Predicate<Written> filter) {
    return SinkEvents.now(out, w -> notHeartbeat(w) && filter.test(w));
  }

  /** Waits (20 s at most) for {@code count} matching events, then for the sink to drain. */
  public List<Written> await(int count, String what, Predicate<Written> filter) {
    return await(count, what, filter, Duration.ofSeconds(20));
  }

  public List<Written> await(int count, String what, Predicate<Written> filter, Duration timeout) {
    return SinkEvents.await(agent, out, "c1", "k1", timeout, what, count,
        w -> notHeartbeat(w) && filter.test(w));
  }

  /** Waits until the sink has written everything the channel took so far. */
  public void awaitDrained() {
    SinkEvents.awaitDrained(agent, "c1", "k1", Duration.ofSeconds(20));
  }

  /** A Sluice Dropwizard counter, e.g. {@code source.t.connections.refused.tls}. */
  public long count(String metric) {
    return agent.counter("org.apache.flume.sluice:name=" + metric, "Count");
  }

  /** A Sluice Dropwizard gauge, e.g. {@code source.t.connections.open}. */
  public long gauge(String metric) {
    return ((Number) agent.attribute("org.apache.flume.sluice:name=" + metric, "Value")).longValue();
  }

  /** An attribute of Flume's SourceCounter for {@code source}, e.g. {@code EventAcceptedCount}. */
  public long sourceCounter(String source, String attribute) {
    return agent.counter("org.apache.flume.source:type=" + source, attribute);
  }

  /** Polls until {@code condition} holds; fails with the agent's log tail after {@code timeout}. */
  public void await(Duration timeout, String what, java.util.function.BooleanSupplier condition) {
    agent.await(timeout, what, condition);
  }

  @Override
  public void close() {
    heartbeat.interrupt();
    agent.close();
  }
}
