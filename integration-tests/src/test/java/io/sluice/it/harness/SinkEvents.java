package io.sluice.it.harness;

import io.sluice.it.harness.SinkFiles.Written;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Reads what a {@code file_roll} sink wrote with {@code sink.serializer = header_and_text}, like
 * {@link SinkFiles}, but keeps bodies that contain line breaks whole: a line that does not open a
 * new record ({@code {...sluice.eventId=...} }) continues the previous body. Every event the Sluice
 * sources produce carries {@code sluice.eventId}, which is what marks a record's first line.
 *
 * <p>The sink writes through a buffer and flushes at the end of each batch, so a file read while the
 * sink is writing may end inside an event; {@link #await} therefore waits, once the wanted events
 * are seen, until the sink has drained everything the channel took and reads again.
 */
public final class SinkEvents {

  private SinkEvents() {}

  /**
   * Every event in every file of {@code dir}, files in the order {@code file_roll} made them: its
   * names are {@code <start millis>-<n>}, and {@code -10} comes after {@code -9}.
   */
  public static List<Written> read(Path dir) {
    List<Written> out = new ArrayList<>();
    for (Path f : files(dir)) {
      parse(text(f), out);
    }
    return out;
  }

  /**
   * Every event in every file of {@code dir}, in the same order as {@link #read(Path)}, one event
   * per line: for sources whose bodies never hold a line break (Flume's own syslog sources end a
   * message at its first LF), and whose events carry no {@code sluice.eventId}. Lines are split at
   * LF only, so a CR stays in the body it ended.
   */
  public static List<Written> readLines(Path dir) {
    List<Written> out = new ArrayList<>();
    for (Path f : files(dir)) {
      String[] lines = text(f).split("\n", -1);
      // The serializer ends every event with a newline: the text after the last one is no line
      // yet, but what the sink has written of the next event so far (it is read while running).
      for (int i = 0; i < lines.length - 1; i++) {
        out.add(SinkFiles.parse(lines[i]));
      }
    }
    return out;
  }

  /** What {@code f} holds now; nothing if the sink has just rolled it away. */
  private static String text(Path f) {
    try {
      return Files.readString(f, StandardCharsets.UTF_8);
    } catch (NoSuchFileException gone) {
      return "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Path> files(Path dir) {
    try (Stream<Path> list = Files.list(dir)) {
      return list.sorted(Comparator.comparing((Path p) -> rollPrefix(p)).thenComparingLong(SinkEvents::rollNumber)
          .thenComparing(Comparator.naturalOrder())).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String rollPrefix(Path p) {
    String name = p.getFileName().toString();
    int dash = name.lastIndexOf('-');
    return dash < 0 ? name : name.substring(0, dash);
  }

  private static long rollNumber(Path p) {
    String name = p.getFileName().toString();
    try {
      return Long.parseLong(name.substring(name.lastIndexOf('-') + 1));
    } catch (NumberFormatException notRolled) {
      return -1;
    }
  }

  static void parse(String text, List<Written> out) {
    String headerLine = null;
    StringBuilder body = null;
    String[] lines = text.split("\n", -1);
    // The serializer ends every event with a newline: the text after the last one is no line
    // yet, but what the sink has written of the next event so far (it is read while running).
    for (int i = 0; i < lines.length - 1; i++) {
      String line = lines[i];
      if (opensRecord(line)) {
        if (headerLine != null) {
          out.add(record(headerLine, body));
        }
        int close = line.indexOf("} ");
        headerLine = line.substring(0, close + 2);
        body = new StringBuilder(line.substring(close + 2));
      } else if (headerLine != null) {
        body.append('\n').append(line);
      }
    }
    if (headerLine != null) {
      out.add(record(headerLine, body));
    }
  }

  private static Written record(String headerLine, StringBuilder body) {
    return SinkFiles.parse(headerLine + body);
  }

  private static boolean opensRecord(String line) {
    if (!line.startsWith("{")) {
      return false;
    }
    int close = line.indexOf("} ");
    return close > 0 && line.lastIndexOf("sluice.eventId=", close) > 0;
  }

  /**
   * Waits until at least {@code count} written events match, then until the sink {@code sink} has
   * written (and flushed) all that the channel {@code channel} had taken in by then, and returns the
   * matching events.
   */
  public static List<Written> await(FlumeAgent agent, Path dir, String channel, String sink,
      Duration timeout, String what, int count, Predicate<Written> filter) {
    agent.await(timeout, count + " " + what + " to be written",
        () -> read(dir).stream().filter(filter).count() >= count);
    awaitDrained(agent, channel, sink, Duration.ofSeconds(20));
    return read(dir).stream().filter(filter).toList();
  }

  /**
   * Waits until the sink has written (and flushed) every event put into the channel before this
   * call; events put meanwhile (a heartbeat) are not waited for.
   */
  public static void awaitDrained(FlumeAgent agent, String channel, String sink, Duration timeout) {
    String ch = "org.apache.flume.channel:type=" + channel;
    String sk = "org.apache.flume.sink:type=" + sink;
    long put = agent.counter(ch, "EventPutSuccessCount");
    agent.await(timeout, "sink " + sink + " to drain channel " + channel,
        () -> agent.counter(sk, "EventDrainSuccessCount") >= put);
  }

  /** The written events matching {@code filter} now, without waiting. */
  public static List<Written> now(Path dir, Predicate<Written> filter) {
    return read(dir).stream().filter(filter).toList();
  }
}
