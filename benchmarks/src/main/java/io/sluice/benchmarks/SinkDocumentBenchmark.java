package io.sluice.benchmarks;

import io.sluice.benchmarks.syslog.SyslogLoad;
import io.sluice.core.Headers;
import io.sluice.sink.document.DocumentLimits;
import io.sluice.sink.document.DocumentMapper;
import io.sluice.sink.document.EventDocument;
import io.sluice.sink.validate.DocumentSchema;
import io.sluice.sink.validate.DocumentSchemas;
import io.sluice.sink.validate.EventValidator;
import io.sluice.sink.validate.SchemaSettings;
import io.sluice.sink.validate.Validation;
import io.sluice.source.SourceMetrics;
import io.sluice.source.SyslogEvents;
import io.sluice.source.syslog.Framing;
import io.sluice.source.syslog.KeepFields;
import io.sluice.source.syslog.SyslogParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.flume.Event;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import tools.jackson.databind.node.ObjectNode;

/**
 * What ValidatingSink spends per event before it writes: mapping the event to its document (the
 * Jackson tree), validating the document against the shipped syslog schema
 * (conf-examples/schemas/syslog-event.schema.json), each alone and both together, and both with
 * the valid document's one-line JSON written ({@code check}), for typical RFC 5424 and RFC 3164
 * events.
 *
 * <p>The events are what Sluice's sources make (SyslogEvents: its 16 headers, the body) plus the
 * TokenBucketInterceptor's two headers, of {@value #DISTINCT} distinct messages per format: the
 * RFC 5424 ones of the syslog benchmark ({@link SyslogLoad}, about 210 bytes), and RFC 3164 lines
 * of the same mix. Every one is valid against the schema (checked at setup): this is the cost of
 * the common path, not of dead-lettering.
 *
 * <p>Run from the source tree's root (the schema is read from conf-examples/schemas), or set
 * {@code -Dsluice.schema=PATH}; benchmarks/run-sink-documents.sh does it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SinkDocumentBenchmark {

  static final int DISTINCT = 64;

  @Param({"rfc5424", "rfc3164"})
  public String format;

  private Map<String, String>[] headers;
  private byte[][] bodies;
  private ObjectNode[] trees;
  private DocumentMapper mapper;
  private DocumentSchema schema;
  private EventValidator validator;

  @Setup
  @SuppressWarnings("unchecked")
  public void setup() {
    Path schemaFile = Path.of(System.getProperty("sluice.schema", "conf-examples/schemas/syslog-event.schema.json"));
    if (!Files.isRegularFile(schemaFile)) {
      throw new IllegalStateException("no schema at " + schemaFile.toAbsolutePath()
          + ": run from the source tree's root, or set -Dsluice.schema=PATH");
    }
    DocumentSchemas schemas = SchemaSettings.from(Map.of("schema", schemaFile.toString())).load();
    mapper = new DocumentMapper(DocumentLimits.DEFAULTS);
    schema = schemas.schemaFor(Map.of());
    validator = new EventValidator(mapper, schemas);

    Instant base = Instant.parse("2026-11-23T06:00:00Z");
    byte[][] messages = format.equals("rfc5424")
        ? SyslogLoad.messages(DISTINCT, -1, base, 7) : rfc3164(DISTINCT, base, 7);
    SyslogEvents events = new SyslogEvents(SyslogParser.builder().build(), KeepFields.NONE, "clientIp", "localPort");
    SourceMetrics.Tally tally = new SourceMetrics("bench", SourceMetrics.Kind.DATAGRAMS).tally();
    headers = new Map[DISTINCT];
    bodies = new byte[DISTINCT][];
    trees = new ObjectNode[DISTINCT];
    String receivedAt = Long.toString(base.toEpochMilli() + 5);
    for (int i = 0; i < DISTINCT; i++) {
      byte[] m = messages[i];
      Event e = events.event(m, 0, m.length, Framing.LF, false,
          new SyslogEvents.Origin("10.1.2." + (i % 200 + 1), "5514"), receivedAt, tally);
      String expected = format.equals("rfc5424") ? "rfc5424" : "rfc3164";
      if (!expected.equals(e.getHeaders().get("syslog.format"))) {
        throw new IllegalStateException("not " + expected + ": " + new String(m, StandardCharsets.US_ASCII));
      }
      // what the TokenBucketInterceptor adds to an event it lets through
      e.getHeaders().put(Headers.DISPOSITION, "processed");
      e.getHeaders().put(Headers.LIMIT_KEY, e.getHeaders().get("clientIp"));
      headers[i] = e.getHeaders();
      bodies[i] = e.getBody();
      EventDocument d = mapper.map(headers[i], bodies[i]);
      Validation v = schema.validate(d.tree());
      if (!v.isValid()) {
        throw new IllegalStateException("the benchmark's events must be valid: " + v + " " + d);
      }
      trees[i] = d.tree();
    }
  }

  /** RFC 3164 lines with the content of the syslog benchmark's mix. */
  static byte[][] rfc3164(int n, Instant base, long seed) {
    DateTimeFormatter ts = DateTimeFormatter.ofPattern("MMM d HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);
    SplittableRandom rnd = new SplittableRandom(seed);
    byte[][] out = new byte[n][];
    for (int i = 0; i < n; i++) {
      String time = ts.format(base.plusMillis(1000L * i));
      String host = SyslogLoad.host(i);
      String ip = "10." + rnd.nextInt(256) + "." + rnd.nextInt(256) + "." + (1 + rnd.nextInt(254));
      int pid = 1000 + rnd.nextInt(30000);
      String line = switch (i % 4) {
        case 0 -> String.format(Locale.ROOT, "<38>%s %s sshd[%d]: %s password for %s from %s port %d ssh2",
            time, host, pid, rnd.nextInt(3) == 0 ? "Failed" : "Accepted", "alice", ip, 1024 + rnd.nextInt(60000));
        case 1 -> String.format(Locale.ROOT, "<134>%s %s nginx[%d]: %s - - \"GET /api/v1/orders/%d HTTP/1.1\" %d %d",
            time, host, pid, ip, rnd.nextInt(100000), rnd.nextInt(10) == 0 ? 404 : 200, 200 + rnd.nextInt(50000));
        case 2 -> String.format(Locale.ROOT, "<86>%s %s CRON[%d]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)",
            time, host, pid);
        default -> String.format(Locale.ROOT, "<4>%s %s kernel: [%d.%06d] IN=eth0 OUT= SRC=%s DST=192.0.2.%d PROTO=TCP SPT=%d DPT=22",
            time, host, rnd.nextInt(100000), rnd.nextInt(1000000), ip, 1 + rnd.nextInt(254), 1024 + rnd.nextInt(60000));
      };
      out[i] = line.getBytes(StandardCharsets.US_ASCII);
    }
    return out;
  }

  /** The document's tree. */
  @Benchmark
  @OperationsPerInvocation(DISTINCT)
  public void map(Blackhole bh) {
    for (int i = 0; i < DISTINCT; i++) {
      bh.consume(mapper.map(headers[i], bodies[i]));
    }
  }

  /** The document, already mapped, against the shipped syslog schema. */
  @Benchmark
  @OperationsPerInvocation(DISTINCT)
  public void validate(Blackhole bh) {
    for (int i = 0; i < DISTINCT; i++) {
      bh.consume(schema.validate(trees[i]));
    }
  }

  /** Both: the "mapping and validation". */
  @Benchmark
  @OperationsPerInvocation(DISTINCT)
  public void mapAndValidate(Blackhole bh) {
    for (int i = 0; i < DISTINCT; i++) {
      bh.consume(schema.validate(mapper.map(headers[i], bodies[i]).tree()));
    }
  }

  /** Mapping, validation and the valid document's JSON: all ValidatingSink does per event before it appends to a file. */
  @Benchmark
  @OperationsPerInvocation(DISTINCT)
  public void check(Blackhole bh) {
    for (int i = 0; i < DISTINCT; i++) {
      bh.consume(validator.check(headers[i], bodies[i]).json());
    }
  }
}
