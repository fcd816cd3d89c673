package io.sluice.benchmarks;

import io.sluice.channel.DisruptorChannel;
import io.sluice.core.Headers;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.flume.Channel;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.Transaction;
import org.apache.flume.channel.AbstractChannel;
import org.apache.flume.channel.MemoryChannel;
import org.apache.flume.conf.Configurables;
import org.apache.flume.event.EventBuilder;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Control;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * {@link DisruptorChannel} against Flume's {@link MemoryChannel}, side by side: the same harness,
 * the same events, the same JVM settings, in one run ({@code @Param channel}).
 *
 * <p>Each benchmark thread is a producer, as a source's thread is: per invocation it runs one
 * transaction of {@code N} puts ({@code getTransaction}, {@code begin}, {@code put} × N, {@code
 * commit}, {@code close}; rollback on failure). Method names give N and the number of producers:
 * {@code tx100_p2} is 2 producer threads putting 100 events per transaction. Scores are events per
 * second ({@code @OperationsPerInvocation(N)}), all producers together.
 *
 * <p>One consumer drains concurrently, as a sink's runner thread does: a thread of its own, started
 * with the trial and stopped after it, taking transactions of up to {@value #TAKE_BATCH} events
 * (take until null or {@value #TAKE_BATCH}, then commit). It is the same code for both channels and
 * never sleeps, so the channel never fills for want of a consumer: when it is the slower side the
 * channel runs full and the producers wait for room (the channel's own backpressure), and put rate
 * equals take rate. The secondary result {@code taken} is the consumer's rate over each iteration
 * (JMH aux counter), to show that the puts counted were taken; each trial ends by checking that
 * every event put was taken.
 *
 * <p>Channels: capacity {@value #CAPACITY} (a power of two, so both bound the same number of
 * events), transactionCapacity {@value #TX_CAPACITY}, keep-alive 3 s; MemoryChannel's byteCapacity
 * 1 GiB (never the bound: at most 64 Ki × 200 B are held). {@code disruptor-deferred} is
 * DisruptorChannel with every event {@code sluice.disposition=batched} and {@code sluice.releaseAt}
 * the trial's start, so all are due at once: the deferred lane's cost with nothing held back.
 *
 * <p>Events: {@value #EVENTS} pre-built syslog-like events (a distinct 200-byte body and 8 headers
 * each, as a source and the interceptor set them), reused round robin; producers start half the
 * array apart. The pool is small enough to stay in a core's caches, as an event a source has just
 * built is: DisruptorChannel reads each event's {@code sluice.disposition} header on put (to pick
 * the lane) and MemoryChannel reads no header, so a pool larger than the caches would charge
 * DisruptorChannel cache misses that a source's fresh events do not cause.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class ChannelBenchmark {

  static final int CAPACITY = 65536;
  static final int TX_CAPACITY = 1000;
  static final int KEEP_ALIVE_S = 3;
  static final int TAKE_BATCH = 100;
  static final int EVENTS = 256; // a power of two; about 256 KiB with headers and bodies
  static final int BODY_BYTES = 200;

  @State(Scope.Benchmark)
  public static class Setting {
    /** {@code memory}, {@code disruptor}, or {@code disruptor-deferred} (all events batched). */
    @Param({"memory", "disruptor", "disruptor-deferred"})
    public String channel;

    Channel ch;
    Event[] events;
    Drainer drainer;
    final List<Producer> producers = new CopyOnWriteArrayList<>();

    @Setup(Level.Trial)
    public void setUp() {
      boolean deferred = channel.equals("disruptor-deferred");
      events = events(deferred, System.currentTimeMillis());
      Map<String, String> props = new HashMap<>();
      props.put("capacity", Integer.toString(CAPACITY));
      props.put("transactionCapacity", Integer.toString(TX_CAPACITY));
      props.put("keep-alive", Integer.toString(KEEP_ALIVE_S));
      AbstractChannel c;
      switch (channel) {
        case "memory":
          c = new MemoryChannel();
          props.put("byteCapacity", Long.toString(1L << 30));
          break;
        case "disruptor":
        case "disruptor-deferred":
          c = new DisruptorChannel();
          break;
        default:
          throw new IllegalArgumentException("unknown channel " + channel);
      }
      c.setName("bench-" + channel);
      Configurables.configure(c, new Context(props));
      c.start();
      ch = c;
      drainer = new Drainer(ch);
      drainer.start();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
      // Every producer has finished (JMH's barrier before teardown): all their events must come out.
      long put = 0;
      for (Producer p : producers) {
        put += p.put;
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (drainer.taken() < put && drainer.failure == null && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      long taken = drainer.taken();
      drainer.halt();
      ch.stop();
      System.out.println();
      System.out.println("[" + channel + "] trial: " + put + " events put, " + taken + " taken by the"
          + " consumer (" + drainer.batches + " take transactions, " + drainer.empty + " empty)");
      if (drainer.failure != null) {
        throw new IllegalStateException("the consumer failed", drainer.failure);
      }
      if (taken != put) {
        throw new IllegalStateException(put + " events put but " + taken + " taken");
      }
    }
  }

  /** A producer thread's cursor over the shared events, and its count of events put. */
  @State(Scope.Thread)
  public static class Producer {
    Channel ch;
    Event[] events;
    int next;
    long put; // all invocations, warmup included; read by the trial's teardown

    @Setup(Level.Trial)
    public void setUp(Setting s, ThreadParams t) {
      ch = s.ch;
      events = s.events;
      next = Keys.startOf(t.getThreadIndex(), t.getThreadCount(), EVENTS);
      s.producers.add(this);
    }

    /** One transaction of {@code n} puts, as a source commits a batch. */
    void transaction(int n) {
      Transaction tx = ch.getTransaction();
      tx.begin();
      try {
        Event[] ev = events;
        int i = next;
        for (int k = 0; k < n; k++) {
          ch.put(ev[i]);
          i = (i + 1) & (EVENTS - 1);
        }
        next = i;
        tx.commit();
      } catch (RuntimeException | Error e) {
        tx.rollback();
        throw e;
      } finally {
        tx.close();
      }
      put += n;
    }
  }

  /**
   * The consumer's rate, as a JMH secondary result ({@code taken}, events/s): the events the
   * consumer took between the start and the end of this iteration's measurement, counted on the
   * first producer thread only (so it is not summed twice). The start is the first invocation that
   * sees JMH's {@code startMeasurement}, the end the first that sees {@code stopMeasurement} (or
   * the iteration's end): one volatile read per invocation, on both channels alike.
   */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Consumed {
    public long taken;
    private long start;
    private long stop;
    private boolean counts;
    private boolean started;
    private boolean stopped;
    private Drainer drainer;

    @Setup(Level.Iteration)
    public void begin(Setting s, ThreadParams t) {
      drainer = s.drainer;
      counts = t.getThreadIndex() == 0;
      taken = 0;
      started = false;
      stopped = false;
    }

    void mark(Control ctl) {
      if (counts && !stopped) {
        if (!started) {
          if (ctl.startMeasurement) {
            start = drainer.taken();
            started = true;
          }
        } else if (ctl.stopMeasurement) {
          stop = drainer.taken();
          stopped = true;
        }
      }
    }

    @TearDown(Level.Iteration)
    public void end() {
      if (counts && started) {
        taken = (stopped ? stop : drainer.taken()) - start;
      }
    }
  }

  /** The consumer: one thread taking transactions of up to TAKE_BATCH events, as a sink does. */
  static final class Drainer extends Thread {
    private final Channel ch;
    private volatile boolean running = true;
    private volatile long taken; // written by this thread only
    volatile long batches;
    volatile long empty;
    volatile Throwable failure;
    volatile long bodyBytes; // the bodies' lengths, summed: what a sink would read first

    Drainer(Channel ch) {
      super("channel-consumer");
      setDaemon(true);
      this.ch = ch;
    }

    long taken() {
      return taken;
    }

    @Override
    public void run() {
      long n = 0;
      long b = 0;
      long none = 0;
      long sink = 0;
      try {
        while (running) {
          Transaction tx = ch.getTransaction();
          tx.begin();
          int k = 0;
          try {
            for (; k < TAKE_BATCH; k++) {
              Event e = ch.take();
              if (e == null) {
                break;
              }
              sink += e.getBody().length;
            }
            tx.commit();
          } catch (RuntimeException | Error e) {
            tx.rollback();
            throw e;
          } finally {
            tx.close();
          }
          n += k;
          taken = n;
          batches = ++b;
          if (k == 0) {
            empty = ++none;
          }
        }
      } catch (Throwable t) {
        if (running) {
          failure = t;
        }
      }
      bodyBytes = sink;
    }

    void halt() throws InterruptedException {
      running = false;
      interrupt(); // a take waiting on an empty channel
      join(TimeUnit.SECONDS.toMillis(KEEP_ALIVE_S + 2));
    }
  }

  /**
   * Syslog-like events as they reach the channel: 8 headers (what a syslog source sets, plus the
   * interceptor's id and disposition) and a distinct 200-byte body each. Deferred events are
   * {@code batched}, due at {@code releaseAt}.
   */
  static Event[] events(boolean deferred, long releaseAt) {
    Event[] out = new Event[EVENTS];
    String now = Long.toString(System.currentTimeMillis());
    for (int i = 0; i < EVENTS; i++) {
      Map<String, String> h = new HashMap<>();
      h.put(Headers.FACILITY, "4");
      h.put(Headers.SEVERITY, "6");
      h.put("timestamp", now);
      h.put("host", "web-" + (i % 100));
      h.put(Headers.CLIENT_IP, "10.0." + (i >> 8 & 255) + "." + (i & 255));
      h.put(Headers.RECEIVED_AT, now);
      h.put(Headers.EVENT_ID, String.format("%08x-5e1c-4b2a-9f3d-%012x", i, (long) i * 7919));
      if (deferred) {
        h.put(Headers.DISPOSITION, "batched");
        h.put(Headers.RELEASE_AT, Long.toString(releaseAt));
      } else {
        h.put(Headers.DISPOSITION, "processed");
      }
      out[i] = EventBuilder.withBody(body(i), h);
    }
    return out;
  }

  static byte[] body(int i) {
    StringBuilder sb = new StringBuilder(BODY_BYTES);
    sb.append("sshd[").append(4000 + i % 1000).append("]: Accepted publickey for deploy from 10.0.")
        .append(i >> 8 & 255).append('.').append(i & 255).append(" port ").append(40000 + i % 20000)
        .append(" ssh2: ED25519 SHA256:3q2+7wXkGm0yJ8vQ");
    while (sb.length() < BODY_BYTES) {
      sb.append((char) ('a' + sb.length() % 26));
    }
    sb.setLength(BODY_BYTES);
    return sb.toString().getBytes(StandardCharsets.US_ASCII);
  }

  // ------------------------------------------------------------ 1 producer

  @Benchmark
  @Threads(1)
  @OperationsPerInvocation(1)
  public void tx1_p1(Producer p, Consumed c, Control ctl) {
    c.mark(ctl);
    p.transaction(1);
  }

  @Benchmark
  @Threads(1)
  @OperationsPerInvocation(10)
  public void tx10_p1(Producer p, Consumed c, Control ctl) {
    c.mark(ctl);
    p.transaction(10);
  }

  @Benchmark
  @Threads(1)
  @OperationsPerInvocation(100)
  public void tx100_p1(Producer p, Consumed c, Control ctl) {
    c.mark(ctl);
    p.transaction(100);
  }

  @Benchmark
  @Threads(1)
  @OperationsPerInvocation(1000)
  public void tx1000_p1(Producer p, Consumed c, Control ctl) {
    c.mark(ctl);
    p.transaction(1000);
  }

  // ------------------------------------------------------------ 2 producers

  @Benchmark
  @Threads(2)
  @OperationsPerInvocation(1)
  public void tx1_p2(Producer p, Consumed c, Control ctl) {
    c.mark(ctl);
    p.transaction(1);
  }

  @Benchmark
  @Threads(2)
  @OperationsPerInvocation(10)
  public void tx10_p2(Producer p, Consumed c, Control ctl) {
    c.mark(ctl);
    p.transaction(10);
  }

  @Benchmark
  @Threads(2)
  @OperationsPerInvocation(100)
  public void tx100_p2(Producer p, Consumed c, Control ctl) {
    c.mark(ctl);
    p.transaction(100);
  }

  @Benchmark
  @Threads(2)
  @OperationsPerInvocation(1000)
  public void tx1000_p2(Producer p, Consumed c, Control ctl) {
    c.mark(ctl);
    p.transaction(1000);
  }
}
