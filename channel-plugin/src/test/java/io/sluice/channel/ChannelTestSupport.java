package io.sluice.channel;

import io.sluice.core.Disposition;
import io.sluice.core.Headers;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.management.JMX;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import org.apache.flume.Channel;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.Transaction;
import org.apache.flume.conf.Configurables;
import org.apache.flume.event.EventBuilder;
import org.apache.flume.instrumentation.ChannelCounterMBean;

/** Events, transactions and counters for the channel tests. */
final class ChannelTestSupport {

  private static final AtomicInteger NAMES = new AtomicInteger();

  private ChannelTestSupport() {}

  /** A channel name no other test in this JVM uses (channel counters are JMX beans per name). */
  static String uniqueName(String prefix) {
    return prefix + "-" + NAMES.incrementAndGet();
  }

  static Context context(String... keyValues) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    return new Context(m);
  }

  static <C extends Channel> C configure(C channel, String name, Context ctx) {
    channel.setName(name);
    Configurables.configure(channel, ctx);
    return channel;
  }

  /** An express event (no disposition header). */
  static Event event(String body) {
    return EventBuilder.withBody(body, StandardCharsets.UTF_8);
  }

  /** A {@code batched} event due at {@code releaseAt} (epoch ms). */
  static Event batched(String body, long releaseAt) {
    Map<String, String> h = new HashMap<>();
    h.put(Headers.DISPOSITION, Disposition.BATCHED.value());
    h.put(Headers.RELEASE_AT, Long.toString(releaseAt));
    return EventBuilder.withBody(body.getBytes(StandardCharsets.UTF_8), h);
  }

  static String body(Event e) {
    return e == null ? null : new String(e.getBody(), StandardCharsets.UTF_8);
  }

  static List<String> bodies(String prefix, int from, int toExclusive) {
    List<String> out = new ArrayList<>();
    for (int i = from; i < toExclusive; i++) {
      out.add(prefix + i);
    }
    return out;
  }

  /** Puts {@code events} in one transaction and commits it; a failure rolls back and rethrows. */
  static void putAll(Channel ch, List<Event> events) {
    Transaction tx = ch.getTransaction();
    tx.begin();
    try {
      for (Event e : events) {
        ch.put(e);
      }
      tx.commit();
    } catch (RuntimeException | Error e) {
      tx.rollback();
      throw e;
    } finally {
      tx.close();
    }
  }

  static void putBodies(Channel ch, List<String> bodies) {
    List<Event> events = new ArrayList<>();
    for (String b : bodies) {
      events.add(event(b));
    }
    putAll(ch, events);
  }

  static void put(Channel ch, Event... events) {
    putAll(ch, List.of(events));
  }

  /** Takes up to {@code max} events in one transaction (stopping at the first null) and commits. */
  static List<String> take(Channel ch, int max) {
    Transaction tx = ch.getTransaction();
    tx.begin();
    try {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < max; i++) {
        Event e = ch.take();
        if (e == null) {
          break;
        }
        out.add(body(e));
      }
      tx.commit();
      return out;
    } catch (RuntimeException | Error e) {
      tx.rollback();
      throw e;
    } finally {
      tx.close();
    }
  }

  /** Takes everything available, one committed transaction of up to {@code batch} at a time. */
  static List<String> drain(Channel ch, int batch) {
    List<String> out = new ArrayList<>();
    while (true) {
      List<String> got = take(ch, batch);
      out.addAll(got);
      if (got.isEmpty()) {
        return out;
      }
    }
  }

  /** The channel's Flume {@code ChannelCounter}, read over JMX as a monitoring tool would. */
  static ChannelCounterMBean counter(String channelName) {
    try {
      return JMX.newMBeanProxy(ManagementFactory.getPlatformMBeanServer(),
          new ObjectName("org.apache.flume.channel:type=" + channelName), ChannelCounterMBean.class);
    } catch (MalformedObjectNameException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
