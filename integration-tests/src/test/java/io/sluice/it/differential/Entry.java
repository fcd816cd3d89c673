package io.sluice.it.differential;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One message of the corpus, as a sender writes it, and what the comparison expects of it on each
 * transport: the named {@link FlumeDifference}s by which Flume's event differs from Sluice's (none:
 * they must be equal).
 *
 * <p>Most messages carry a marker, {@code dtNNN} (NNN its index), where their text has {@code {m}}:
 * a word of their content, so the events of both sides can be checked against the entry they are
 * matched with by order. A message whose shape has no room for one (a header without a message)
 * is matched by order alone.
 */
public final class Entry {

  private static final Pattern MARKER = Pattern.compile("(?<![A-Za-z0-9])dt(\\d{3})(?![0-9])");

  private final int index;
  private final String family;
  private final String text;
  private final boolean marked;
  private final Map<Transport, EnumSet<FlumeDifference>> differences = new EnumMap<>(Transport.class);
  private final Map<Transport, Map<String, String>> flumeReads = new EnumMap<>(Transport.class);
  private final EnumSet<Transport> transports = EnumSet.allOf(Transport.class);
  private String datagramEnd = "";
  private String lineEnd = "\n";
  private String wire;
  private boolean ownConnection;

  Entry(int index, String family, String template) {
    this.index = index;
    this.family = family;
    this.marked = template.contains("{m}");
    this.text = template.replace("{m}", marker(index));
    for (Transport t : Transport.values()) {
      differences.put(t, EnumSet.noneOf(FlumeDifference.class));
    }
  }

  static String marker(int index) {
    return String.format("dt%03d", index);
  }

  /** The index of the marker in {@code text}, or -1. */
  public static int markerIn(String text) {
    Matcher m = MARKER.matcher(text == null ? "" : text);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  /** The differences Flume's event shows over UDP. */
  Entry udp(FlumeDifference... ds) {
    return declare(Transport.UDP, ds);
  }

  /** The differences Flume's event shows over TCP ({@link FlumeDifference#HEADER_CASE} is implied). */
  Entry tcp(FlumeDifference... ds) {
    return declare(Transport.TCP, ds);
  }

  private Entry declare(Transport t, FlumeDifference... ds) {
    for (FlumeDifference d : ds) {
      if (!d.on().contains(t)) {
        throw new IllegalArgumentException(d + " is not a difference over " + t);
      }
      differences.get(t).add(d);
    }
    return this;
  }

  /**
   * What Flume reads from this message over {@code t}, field by field ({@link Slot} field names;
   * a null value: absent; {@code {m}} stands for the marker), for the differences that need it
   * spelt out.
   */
  Entry flumeReads(Transport t, String... fieldsAndValues) {
    Map<String, String> reads = new LinkedHashMap<>();
    for (int i = 0; i < fieldsAndValues.length; i += 2) {
      String v = fieldsAndValues[i + 1];
      reads.put(fieldsAndValues[i], v == null ? null : v.replace("{m}", marker(index)));
    }
    flumeReads.put(t, reads);
    return this;
  }

  Entry only(Transport t) {
    transports.retainAll(EnumSet.of(t));
    return this;
  }

  /** What the datagram has after the message (e.g. a LF, as rsyslog and syslog-ng send). */
  Entry datagramEnd(String end) {
    this.datagramEnd = end;
    return this;
  }

  /** What ends the line over TCP (LF unless told). */
  Entry lineEnd(String end) {
    this.lineEnd = end;
    return this;
  }

  /** The exact TCP bytes, when they are not the message and its line end (octet counting). */
  Entry wire(String wire) {
    this.wire = wire;
    return this;
  }

  /** Sent over TCP on a connection of its own, after the others (what it does to Flume must not touch them). */
  Entry alone() {
    this.ownConnection = true;
    return this;
  }

  public int index() {
    return index;
  }

  public String family() {
    return family;
  }

  /** The message, without what ends it on the wire. */
  public String text() {
    return text;
  }

  public boolean marked() {
    return marked;
  }

  public boolean sentOver(Transport t) {
    return transports.contains(t);
  }

  public Set<FlumeDifference> differences(Transport t) {
    return Collections.unmodifiableSet(differences.get(t));
  }

  public Map<String, String> flumeReads(Transport t) {
    Map<String, String> reads = flumeReads.get(t);
    if (reads == null) {
      throw new IllegalStateException("entry " + index + " spells out no Flume reading over " + t);
    }
    return reads;
  }

  /** Sent over TCP on a connection of its own. */
  public boolean ownConnection() {
    return ownConnection;
  }

  /** What is sent over {@code t}. */
  public String transportText(Transport t) {
    return t == Transport.UDP ? text + datagramEnd : tcpWire();
  }

  public byte[] datagram() {
    return (text + datagramEnd).getBytes(StandardCharsets.UTF_8);
  }

  public String tcpWire() {
    return wire != null ? wire : text + lineEnd;
  }

  /** The line multiport_syslogtcp cuts from the TCP bytes: up to the first LF, excluded. */
  public String tcpLine() {
    String w = tcpWire();
    int lf = w.indexOf('\n');
    return lf < 0 ? w : w.substring(0, lf);
  }

  /** How many events Flume makes of it over TCP. */
  public int flumeTcpEvents() {
    Set<FlumeDifference> d = differences.get(Transport.TCP);
    return d.contains(FlumeDifference.BATCH_LOST) ? 0 : d.contains(FlumeDifference.LONG_LINE_SPLIT) ? 2 : 1;
  }

  @Override
  public String toString() {
    return "#" + index + " " + family;
  }
}
