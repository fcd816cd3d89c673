package io.sluice.source.delivery;

import io.sluice.core.pipeline.ImmediateCommit;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.flume.Channel;
import org.apache.flume.ChannelException;
import org.apache.flume.ChannelFullException;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.Transaction;
import org.apache.flume.channel.MemoryChannel;
import org.apache.flume.conf.Configurables;

/**
 * Flume's MemoryChannel as a source meets it, with {@code keep-alive 0} (so its commits never
 * wait, which is what {@link ImmediateCommit} promises), and a fault a test can turn on: events
 * matching {@code failing} make the put throw, as a channel that cannot serialise an event does.
 */
public class TestChannel extends MemoryChannel implements ImmediateCommit {

  private static final AtomicInteger NAMES = new AtomicInteger();

  private volatile int capacity;
  private volatile Predicate<Event> failing = e -> false;
  private volatile Predicate<Event> noRoomFor = e -> false;
  final AtomicInteger failures = new AtomicInteger();

  public TestChannel(int capacity) {
    this.capacity = capacity;
    setName("test-channel-" + NAMES.incrementAndGet());
    Configurables.configure(this, new Context(Map.of("capacity", Integer.toString(capacity),
        "transactionCapacity", Integer.toString(capacity), "keep-alive", "0")));
    start();
  }

  /** From now on, a put of an event matching {@code p} throws. */
  public void failWhen(Predicate<Event> p) {
    failing = p;
  }

  /** Makes room: a running MemoryChannel takes a new capacity as Flume's reload gives it. */
  public void resize(int newCapacity) {
    capacity = newCapacity;
    Configurables.configure(this, new Context(Map.of("capacity", Integer.toString(newCapacity),
        "transactionCapacity", Integer.toString(newCapacity), "keep-alive", "0")));
  }

  /** From now on, a put of an event matching {@code p} fails as a full lane does. */
  public void noRoomFor(Predicate<Event> p) {
    noRoomFor = p;
  }

  @Override
  public void put(Event event) throws ChannelException {
    if (noRoomFor.test(event)) {
      throw new ChannelFullException("test: no room for " + body(event));
    }
    if (failing.test(event)) {
      failures.incrementAndGet();
      throw new ChannelException("test: cannot take " + body(event));
    }
    super.put(event);
  }

  @Override
  public void commitImmediately(Transaction tx) {
    tx.commit(); // keep-alive is 0: MemoryChannel's commit already fails at once when full
  }

  /** Takes up to {@code max} events now (at most the capacity), in one transaction. */
  public List<Event> take(int max) {
    return take(this, Math.min(max, capacity));
  }

  /** Takes up to {@code max} events from {@code channel} now, in one transaction. */
  public static List<Event> take(Channel channel, int max) {
    List<Event> out = new ArrayList<>();
    Transaction tx = channel.getTransaction();
    tx.begin();
    try {
      for (Event e; out.size() < max && (e = channel.take()) != null; ) {
        out.add(e);
      }
      tx.commit();
    } catch (RuntimeException e) {
      tx.rollback();
      throw e;
    } finally {
      tx.close();
    }
    return out;
  }

  public List<String> takeBodies(int max) {
    return take(max).stream().map(TestChannel::body).toList();
  }

  public static String body(Event e) {
    return new String(e.getBody(), StandardCharsets.UTF_8);
  }
}
