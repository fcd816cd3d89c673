package io.sluice.benchmarks.syslog;

import io.sluice.source.SourceMetrics;
import io.sluice.source.SyslogEvents;
import io.sluice.source.syslog.Framing;
import io.sluice.source.syslog.KeepFields;
import io.sluice.source.syslog.SyslogParser;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Making one event from one received syslog message, in-process, with the messages of the source
 * benchmark ({@link SyslogLoad}: RFC 5424, about 210 bytes): Sluice's {@link SyslogEvents} (parse,
 * the contract's 16 headers, the body) beside what Flume's {@code multiport_syslogtcp} does for each
 * line (decode the bytes to a String, then {@code org.apache.flume.source.SyslogParser}; its events
 * carry 6 headers). The sources' other per-event work (framing, the channel) is not in here: this
 * is the part that differs most, measured without the noise of sockets and a second JVM.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SyslogEventBenchmark {

  private final byte[][] messages =
      SyslogLoad.messages(SyslogLoad.DISTINCT, -1, Instant.parse("2026-11-23T06:00:00Z"), 7);
  private final SyslogEvents sluice =
      new SyslogEvents(SyslogParser.builder().build(), KeepFields.NONE, "clientIp", "localPort");
  private final SyslogEvents.Origin origin = new SyslogEvents.Origin("127.0.0.11", "5141");
  private final SourceMetrics.Tally tally = new SourceMetrics("bench", SourceMetrics.Kind.DATAGRAMS).tally();
  private final org.apache.flume.source.SyslogParser flume = new org.apache.flume.source.SyslogParser();
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();

  @Benchmark
  @OperationsPerInvocation(SyslogLoad.DISTINCT)
  public void sluice(Blackhole bh) {
    String receivedAt = Long.toString(System.currentTimeMillis());
    for (byte[] m : messages) {
      bh.consume(sluice.event(m, 0, m.length, Framing.LF, false, origin, receivedAt, tally));
    }
  }

  @Benchmark
  @OperationsPerInvocation(SyslogLoad.DISTINCT)
  public void flumeMultiport(Blackhole bh) throws CharacterCodingException {
    for (byte[] m : messages) {
      String line = decoder.reset().decode(ByteBuffer.wrap(m)).toString();
      bh.consume(flume.parseMessage(line, StandardCharsets.UTF_8, Set.of()));
    }
  }
}
