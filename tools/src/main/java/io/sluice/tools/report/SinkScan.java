package io.sluice.tools.report;

import io.sluice.tools.RunLayout;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads what the sink wrote — its NDJSON files and its dead letter, recursively, in-progress files
 * included, gzip or not — and feeds each id found to a {@link SinkTally}, and the timing of each of
 * this run's events to the latency and admitted-rate tallies.
 *
 * <p>Ids are found by scanning each line's text for {@code sluice-id=<id>}, not by reading fixed
 * fields: the id is wherever the event's text went ({@code message}, {@code event}, a dead letter's
 * {@code body}), and a scan is indifferent to escaping. JSON is parsed only for optional fields,
 * and only on lines holding one of this run's ids, so other traffic costs little.
 */
public final class SinkScan {

  /**
   * An id after its token, ending where the event's text goes on with a space, quote or escape;
   * a token followed by anything else (an id cut, or run into the next event's text) is mangled.
   */
  static final Pattern ID = Pattern.compile(Pattern.quote(RunLayout.ID_TOKEN)
      + "([0-9a-f]{8}-\\d+-\\d+)(?![0-9A-Za-z_-])");

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private final SinkTally tally;
  private final Latency latency;
  private final AdmittedRate admitted;
  private final List<String> warnings = new ArrayList<>();
  private long files;
  private long lines;

  public SinkScan(SinkTally tally, Latency latency, AdmittedRate admitted) {
    this.tally = tally;
    this.latency = latency;
    this.admitted = admitted;
  }

  /**
   * Scans {@code events} and {@code deadLetter} (may be null). A file under both (the same
   * directory, or one inside the other: the sink allows it, with other prefixes) is taken as a dead
   * letter when its first record is shaped like one.
   */
  public void scan(Path events, Path deadLetter) {
    Set<Path> eventFiles = files(events);
    Set<Path> deadFiles = deadLetter == null ? Set.of() : files(deadLetter);
    for (Path f : eventFiles) {
      SinkTally.Kind kind = deadFiles.contains(f) && looksDeadLettered(f)
          ? SinkTally.Kind.DEAD_LETTERED : SinkTally.Kind.WRITTEN;
      file(kind, f);
    }
    for (Path f : deadFiles) {
      if (!eventFiles.contains(f)) {
        file(SinkTally.Kind.DEAD_LETTERED, f);
      }
    }
  }

  private static Set<Path> files(Path root) {
    if (!Files.isDirectory(root)) {
      throw new BadInputException("not a directory: " + root);
    }
    try (Stream<Path> s = Files.walk(root)) {
      Set<Path> out = new TreeSet<>();
      s.filter(Files::isRegularFile).forEach(p -> out.add(p.toAbsolutePath().normalize()));
      return out;
    } catch (IOException e) {
      throw new BadInputException("cannot list " + root + ": " + e.getMessage());
    }
  }

  private boolean looksDeadLettered(Path f) {
    try (BufferedReader r = open(f)) {
      String line;
      while ((line = r.readLine()) != null) {
        JsonNode doc = parse(line);
        if (doc != null) {
          return doc.has("errors") && doc.has("body") && !doc.has("sluice");
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  private void file(SinkTally.Kind kind, Path f) {
    files++;
    long n = 0;
    try (BufferedReader r = open(f)) {
      String line;
      while ((line = r.readLine()) != null) {
        n++;
        line(kind, line, f + ":" + n);
      }
    } catch (EOFException | ZipException e) {
      // An in-progress gzip file ends mid-member: what was read is kept.
      warnings.add(f + ": compressed data cut short after " + n + " lines (" + e.getMessage()
          + ")");
    } catch (IOException e) {
      throw new BadInputException("cannot read " + f + ": " + e.getMessage());
    }
    lines += n;
  }

  private static BufferedReader open(Path f) throws IOException {
    InputStream in = Files.newInputStream(f);
    String name = f.getFileName().toString();
    if (name.endsWith(".gz") || name.endsWith(".gz.inprogress")) {
      try {
        in = new GZIPInputStream(in, 1 << 16);
      } catch (IOException e) {
        in.close();
        if (Files.size(f) == 0) {
          return new BufferedReader(new java.io.StringReader(""));
        }
        throw e;
      }
    }
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE)), 1 << 16);
  }

  /** One line of a sink file; {@code where} names it (file:line) for the lists. */
  public void line(SinkTally.Kind kind, String line, String where) {
    int token = line.indexOf(RunLayout.ID_TOKEN);
    if (token < 0) {
      return;
    }
    Set<String> ids = new LinkedHashSet<>();
    Matcher m = ID.matcher(line);
    int from = token;
    while (from >= 0) {
      if (m.find(from) && m.start() == from) {
        ids.add(m.group(1));
      } else if (ofAnotherRun(line, from + RunLayout.ID_TOKEN.length())) {
        tally.otherRun(); // an old run's garbled line: not this run's to judge
      } else {
        int end = Math.min(line.length(), from + RunLayout.ID_TOKEN.length() + 24);
        tally.mangled(line.substring(from, end), where);
      }
      from = line.indexOf(RunLayout.ID_TOKEN, from + 1);
    }
    List<String> mine = new ArrayList<>();
    for (String id : ids) {
      if (id.startsWith(tally.runId() + "-")) {
        mine.add(id);
      }
    }
    if (mine.size() > 1) {
      tally.mergedLine(mine, where);
    }
    JsonNode doc = mine.isEmpty() ? null : parse(line);
    String disposition = doc == null ? null : text(doc.path("sluice").path("disposition"));
    long receivedAt = doc == null ? -1 : receivedAt(doc);
    for (String id : ids) {
      if (tally.record(kind, id, disposition, where) && receivedAt >= 0) {
        time(kind, id, receivedAt);
      }
    }
  }

  /** Whether the text at {@code i} starts with a run id (8 hex characters and a dash) not this run's. */
  private boolean ofAnotherRun(String line, int i) {
    if (line.length() < i + 9 || line.charAt(i + 8) != '-') {
      return false;
    }
    for (int k = i; k < i + 8; k++) {
      if (Character.digit(line.charAt(k), 16) < 0) {
        return false;
      }
    }
    return !line.startsWith(tally.runId(), i);
  }

  private void time(SinkTally.Kind kind, String id, long receivedAt) {
    int b = id.lastIndexOf('-');
    int a = id.lastIndexOf('-', b - 1);
    int sender = Integer.parseInt(id.substring(a + 1, b));
    long seq = Long.parseLong(id.substring(b + 1));
    SentLog sent = tally.sent();
    long sentAt = sent.sentMillis(sender, seq);
    latency.record(Math.floorDiv(sentAt - sent.baseMillis(), 1000), receivedAt - sentAt);
    if (kind == SinkTally.Kind.WRITTEN) {
      admitted.record(sender, receivedAt);
    }
  }

  /** {@code sluice.receivedAt} of a written event, the header of a dead letter; -1 when neither. */
  static long receivedAt(JsonNode doc) {
    long v = number(doc.path("sluice").path("receivedAt"));
    return v >= 0 ? v : number(doc.path("headers").path("sluice.receivedAt"));
  }

  private static long number(JsonNode n) {
    if (n.isNumber()) {
      return n.asLong();
    }
    if (n.isString()) {
      try {
        return Long.parseLong(n.stringValue().trim());
      } catch (NumberFormatException e) {
        return -1;
      }
    }
    return -1;
  }

  private static String text(JsonNode n) {
    return n.isString() ? n.stringValue() : null;
  }

  private static JsonNode parse(String line) {
    try {
      JsonNode n = JSON.readTree(line);
      return n != null && n.isObject() ? n : null;
    } catch (JacksonException e) {
      return null; // the last line of a file being written may be cut short
    }
  }

  public List<String> warnings() {
    return warnings;
  }

  public long files() {
    return files;
  }

  public long lines() {
    return lines;
  }
}
