package io.sluice.source;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.management.ObjectName;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.EventDrivenSource;
import org.apache.flume.channel.ChannelProcessor;
import org.apache.flume.channel.MemoryChannel;
import org.apache.flume.channel.ReplicatingChannelSelector;
import org.apache.flume.conf.Configurable;
import org.apache.flume.conf.Configurables;
import io.sluice.source.delivery.TestChannel;

/**
 * A source wired as an agent wires it, without the agent: a real {@link MemoryChannel} behind a
 * real {@link ChannelProcessor} (with the interceptors its context names), so tests send over real
 * sockets and take what the channel got.
 */
final class SourceTestRig implements AutoCloseable {

  private static final AtomicInteger NAMES = new AtomicInteger();

  final String name = "src" + NAMES.incrementAndGet();
  final MemoryChannel channel = new MemoryChannel();
  final EventDrivenSource source;
  final int port;

  /** {@code channelProps}: MemoryChannel's keys; {@code processorProps}: e.g. interceptors. */
  SourceTestRig(EventDrivenSource source, Map<String, String> sourceProps,
      Map<String, String> channelProps, Map<String, String> processorProps) throws IOException {
    this.source = source;
    this.port = sourceProps.containsKey("port") ? Integer.parseInt(sourceProps.get("port")) : freePort();
    Map<String, String> ch = new HashMap<>(Map.of("capacity", "100000", "transactionCapacity", "10000",
        "keep-alive", "0"));
    ch.putAll(channelProps);
    channel.setName(name + "-ch");
    Configurables.configure(channel, new Context(ch));
    channel.start();
    ReplicatingChannelSelector selector = new ReplicatingChannelSelector();
    selector.setChannels(List.of(channel));
    ChannelProcessor processor = new ChannelProcessor(selector);
    processor.configure(new Context(processorProps));
    Map<String, String> props = new HashMap<>(Map.of("host", "127.0.0.1", "port", Integer.toString(port)));
    props.putAll(sourceProps);
    source.setName(name);
    source.setChannelProcessor(processor);
    ((Configurable) source).configure(new Context(props));
    source.start();
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Takes whatever the channel holds now, up to {@code max} events (in transactions of 50). */
  List<Event> take(int max) {
    return TestChannel.take(channel, Math.min(max, TAKE_BATCH));
  }

  private static final int TAKE_BATCH = 50;

  /** Takes events until {@code n} came or {@code timeoutMillis} passed. */
  List<Event> takeAll(int n, long timeoutMillis) throws InterruptedException {
    List<Event> out = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (out.size() < n && System.nanoTime() < deadline) {
      List<Event> got = take(n - out.size());
      out.addAll(got);
      if (got.isEmpty()) {
        Thread.sleep(5);
      }
    }
    return out;
  }

  /** A Sluice metric of this source ({@code source.<name>.<metric>}), read over JMX. */
  long metric(String metric) throws Exception {
    ObjectName on = new ObjectName("org.apache.flume.sluice", "name", "source." + name + "." + metric);
    javax.management.MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
    boolean gauge = java.util.Arrays.stream(jmx.getMBeanInfo(on).getAttributes())
        .anyMatch(a -> a.getName().equals("Value"));
    Object v = jmx.getAttribute(on, gauge ? "Value" : "Count");
    return ((Number) v).longValue();
  }

  /** The names of this source's Sluice metrics over JMX, without {@code source.<name>.}. */
  java.util.SortedSet<String> metricNames() throws Exception {
    java.util.SortedSet<String> out = new java.util.TreeSet<>();
    String prefix = "source." + name + ".";
    for (ObjectName on : ManagementFactory.getPlatformMBeanServer().queryNames(
        new ObjectName("org.apache.flume.sluice:name=" + prefix + "*"), null)) {
      out.add(on.getKeyProperty("name").substring(prefix.length()));
    }
    return out;
  }

  /** Flume's SourceCounter attribute, read over JMX. */
  long flumeCounter(String attribute) throws Exception {
    ObjectName on = new ObjectName("org.apache.flume.source", "type", name);
    return ((Number) ManagementFactory.getPlatformMBeanServer().getAttribute(on, attribute)).longValue();
  }

  static void await(String what, long timeoutMillis, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(10);
    }
  }

  static String body(Event e) {
    return new String(e.getBody(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    source.stop();
    channel.stop();
  }
}
