package io.sluice.channel;

import static io.sluice.channel.ChannelTestSupport.context;
import static io.sluice.channel.ChannelTestSupport.counter;
import static io.sluice.channel.ChannelTestSupport.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.codahale.metrics.Gauge;
import io.sluice.core.Disposition;
import io.sluice.core.Headers;
import io.sluice.core.metrics.SluiceMetrics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.flume.ChannelFullException;
import org.apache.flume.Event;
import org.apache.flume.Transaction;
import org.apache.flume.conf.Configurables;
import org.apache.flume.event.EventBuilder;
import org.apache.flume.instrumentation.ChannelCounterMBean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Several producers and consumers on one DisruptorChannel (real clock), express and deferred
 * events mixed: every event is delivered exactly once, never before its releaseAt, the channel
 * never holds more than its two lanes' capacities, and everything finishes (no deadlock).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DisruptorChannelStressTest {

  private static final int CAPACITY = 256;
  private static final int DEFERRED_CAPACITY = 128;
  private static final int TX_CAPACITY = 16;
  private static final long FINISH_WITHIN_SECONDS = 45;

  private static final String P = "stress.producer";
  private static final String S = "stress.seq";

  /** One committed take, as a consumer saw it. */
  private record Took(int producer, int seq, boolean deferred) {}

  private static final class Run {
    final int producers;
    final int perProducer;
    final int consumers;
    final boolean rollbacks;
    final boolean monotonicReleaseAt;

    final Set<Long> delivered = ConcurrentHashMap.newKeySet();
    final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    final AtomicLong committedTakes = new AtomicLong();
    final AtomicLong rolledBackTakes = new AtomicLong();
    final AtomicLong deferredPut = new AtomicLong();
    final AtomicLong fullRetries = new AtomicLong();
    final AtomicLong maxUsed = new AtomicLong();
    final List<List<Took>> perConsumer = new ArrayList<>();

    Run(int producers, int perProducer, int consumers, boolean rollbacks, boolean monotonic) {
      this.producers = producers;
      this.perProducer = perProducer;
      this.consumers = consumers;
      this.rollbacks = rollbacks;
      this.monotonicReleaseAt = monotonic;
    }

    long total() {
      return (long) producers * perProducer;
    }
  }

  private static long key(int producer, int seq) {
    return ((long) producer << 32) | seq;
  }

  private static Event stressEvent(int producer, int seq, long releaseAt) {
    Map<String, String> h = new HashMap<>();
    h.put(P, Integer.toString(producer));
    h.put(S, Integer.toString(seq));
    if (releaseAt != Long.MIN_VALUE) {
      h.put(Headers.DISPOSITION, Disposition.BATCHED.value());
      h.put(Headers.RELEASE_AT, Long.toString(releaseAt));
    }
    return EventBuilder.withBody(("p" + producer + "-" + seq).getBytes(StandardCharsets.UTF_8), h);
  }

  /** The channel's deferred depth, as its metric {@code channel.<name>.deferred.depth} reads it. */
  @SuppressWarnings("unchecked")
  private static Gauge<Long> deferredDepth(DisruptorChannel ch) {
    return (Gauge<Long>) SluiceMetrics.registry().getGauges()
        .get("channel." + ch.getName() + ".deferred.depth");
  }

  private void execute(Run run) throws Exception {
    DisruptorChannel ch = new DisruptorChannel();
    ch.setName(uniqueName("stress"));
    Configurables.configure(ch, context("capacity", Integer.toString(CAPACITY),
        "transactionCapacity", Integer.toString(TX_CAPACITY), "keep-alive", "1",
        "deferred.capacity", Integer.toString(DEFERRED_CAPACITY), "deferred.maxLag", "20ms"));
    ch.start();
    // ChannelSize: the events in both lanes (those taken by open transactions left out), read live.
    ChannelCounterMBean counter = counter(ch.getName());
    Gauge<Long> deferredDepthGauge = deferredDepth(ch);
    long bound = CAPACITY + DEFERRED_CAPACITY;

    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(run.producers + run.consumers + 1);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> workers = new ArrayList<>();
    try {
      for (int p = 0; p < run.producers; p++) {
        final int producer = p;
        workers.add(pool.submit(() -> {
          go.await();
          produce(ch, run, producer, stop);
          return null;
        }));
      }
      for (int c = 0; c < run.consumers; c++) {
        List<Took> mine = new ArrayList<>();
        run.perConsumer.add(mine);
        workers.add(pool.submit(() -> {
          go.await();
          consume(ch, run, mine, stop);
          return null;
        }));
      }
      Future<?> sampler = pool.submit(() -> {
        while (!stop.get()) {
          long size = counter.getChannelSize();
          long deferredDepth = deferredDepthGauge.getValue();
          run.maxUsed.accumulateAndGet(size, Math::max);
          if (size > bound || deferredDepth > DEFERRED_CAPACITY) {
            run.problems.add("over capacity: ChannelSize " + size + ", deferred " + deferredDepth);
          }
          LockSupport.parkNanos(1_000_000);
        }
        return null;
      });

      long t0 = System.nanoTime();
      go.countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(FINISH_WITHIN_SECONDS);
      for (Future<?> w : workers) {
        try {
          w.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          stop.set(true);
          fail("not finished within " + FINISH_WITHIN_SECONDS + " s (deadlock or lost events?):"
              + " committed takes " + run.committedTakes + " of " + run.total()
              + ", problems " + run.problems);
        }
      }
      stop.set(true);
      sampler.get(10, TimeUnit.SECONDS);
      System.out.printf("stress %s: %d events (%d deferred) in %d ms, %d takes rolled back,"
              + " %d full-channel retries, max held %d of %d%n", ch.getName(), run.total(),
          run.deferredPut.get(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0),
          run.rolledBackTakes.get(), run.fullRetries.get(), run.maxUsed.get(), bound);
    } finally {
      stop.set(true);
      pool.shutdownNow();
      assertTrue(pool.awaitTermination(20, TimeUnit.SECONDS), "worker threads did not end");
    }

    assertTrue(run.problems.isEmpty(), () -> "problems: " + List.copyOf(run.problems).subList(0,
        Math.min(10, run.problems.size())));
    assertEquals(run.total(), run.committedTakes.get(), "committed takes");
    assertEquals(run.total(), run.delivered.size(), "distinct events delivered");
    for (int p = 0; p < run.producers; p++) {
      for (int s = 0; s < run.perProducer; s++) {
        if (!run.delivered.contains(key(p, s))) {
          fail("event p" + p + "-" + s + " was never delivered");
        }
      }
    }
    assertEquals(0, counter.getChannelSize(), "nothing left, no room leaked");
    // Committing threads race to write ChannelSize; any commit, even an empty one, refreshes it.
    Transaction tx = ch.getTransaction();
    tx.begin();
    tx.commit();
    tx.close();
    assertEquals(0, counter.getChannelSize());
    assertEquals(run.total(), counter.getEventPutSuccessCount());
    assertEquals(run.total(), counter.getEventTakeSuccessCount());
    assertTrue(run.maxUsed.get() <= bound, "max used " + run.maxUsed);
    assertTrue(run.deferredPut.get() > 0, "the deferred lane was exercised");
    assertAllRoomFree(ch);
    ch.stop();
  }

  /**
   * No room leaked: with every event delivered, each lane takes its full capacity again, and not
   * one event more (committed immediately, so a full lane fails at once).
   */
  private static void assertAllRoomFree(DisruptorChannel ch) {
    long farAhead = System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1);
    for (boolean deferred : new boolean[] {false, true}) {
      int lane = deferred ? DEFERRED_CAPACITY : CAPACITY;
      for (int seq = 0; seq < lane; seq += TX_CAPACITY) {
        commitImmediately(ch, deferred, seq, TX_CAPACITY, farAhead);
      }
      int seq = lane;
      assertThrows(ChannelFullException.class,
          () -> commitImmediately(ch, deferred, seq, 1, farAhead),
          (deferred ? "deferred" : "express") + " lane: room for more than its capacity");
    }
  }

  private static void commitImmediately(DisruptorChannel ch, boolean deferred, int from, int n,
      long releaseAt) {
    Transaction tx = ch.getTransaction();
    tx.begin();
    try {
      for (int i = from; i < from + n; i++) {
        ch.put(stressEvent(-1, i, deferred ? releaseAt : Long.MIN_VALUE));
      }
      ch.commitImmediately(tx);
    } catch (RuntimeException e) {
      tx.rollback();
      throw e;
    } finally {
      tx.close();
    }
  }

  private static void produce(DisruptorChannel ch, Run run, int producer, AtomicBoolean stop) {
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    long lastReleaseAt = Long.MIN_VALUE;
    int seq = 0;
    while (seq < run.perProducer && !stop.get()) {
      int n = Math.min(run.perProducer - seq, 1 + rnd.nextInt(TX_CAPACITY));
      List<Event> batch = new ArrayList<>(n);
      int deferred = 0;
      for (int i = 0; i < n; i++) {
        long releaseAt = Long.MIN_VALUE;
        if (rnd.nextInt(4) == 0) { // a quarter deferred, due from 30 ms ago to 50 ms ahead
          releaseAt = System.currentTimeMillis() + rnd.nextInt(-30, 50);
          if (run.monotonicReleaseAt) { // as the interceptor does for one key: never earlier
            releaseAt = Math.max(releaseAt, lastReleaseAt);
            lastReleaseAt = releaseAt;
          }
          deferred++;
        }
        batch.add(stressEvent(producer, seq + i, releaseAt));
      }
      while (true) {
        Transaction tx = ch.getTransaction();
        tx.begin();
        try {
          for (Event e : batch) {
            ch.put(e);
          }
          tx.commit();
          break;
        } catch (ChannelFullException e) {
          tx.rollback(); // all or nothing: the same batch again
          run.fullRetries.incrementAndGet();
          if (stop.get()) {
            return;
          }
        } catch (RuntimeException e) {
          tx.rollback();
          run.problems.add("producer " + producer + ": " + e);
          return;
        } finally {
          tx.close();
        }
      }
      run.deferredPut.addAndGet(deferred);
      seq += n;
    }
  }

  private static void consume(DisruptorChannel ch, Run run, List<Took> mine, AtomicBoolean stop) {
    ThreadLocalRandom rnd = ThreadLocalRandom.current();
    while (!stop.get() && run.committedTakes.get() < run.total()) {
      int want = 1 + rnd.nextInt(TX_CAPACITY);
      List<Took> batch = new ArrayList<>(want);
      Transaction tx = ch.getTransaction();
      tx.begin();
      try {
        for (int i = 0; i < want; i++) {
          Event e = ch.take();
          if (e == null) {
            break;
          }
          long now = System.currentTimeMillis();
          Map<String, String> h = e.getHeaders();
          String releaseAt = h.get(Headers.RELEASE_AT);
          if (releaseAt != null && now < Long.parseLong(releaseAt)) {
            run.problems.add("taken " + (Long.parseLong(releaseAt) - now) + " ms before releaseAt");
          }
          batch.add(new Took(Integer.parseInt(h.get(P)), Integer.parseInt(h.get(S)),
              releaseAt != null));
        }
        if (run.rollbacks && !batch.isEmpty() && rnd.nextInt(8) == 0) {
          tx.rollback();
          run.rolledBackTakes.addAndGet(batch.size());
        } else {
          tx.commit();
          for (Took t : batch) {
            if (!run.delivered.add(key(t.producer(), t.seq()))) {
              run.problems.add("delivered twice: p" + t.producer() + "-" + t.seq());
            }
          }
          mine.addAll(batch);
          run.committedTakes.addAndGet(batch.size());
        }
      } catch (RuntimeException e) {
        tx.rollback();
        run.problems.add("consumer: " + e);
        return;
      } finally {
        tx.close();
      }
    }
  }

  @Test
  void everyEventIsDeliveredExactlyOnceWithRollbacks() throws Exception {
    Run run = new Run(4, 8_000, 3, true, false);
    execute(run);
    assertTrue(run.rolledBackTakes.get() > 0, "some takes were rolled back");
  }

  @Test
  void withoutRollbacksEachProducersEventsKeepTheirOrderWithinALane() throws Exception {
    Run run = new Run(3, 8_000, 2, false, true);
    execute(run);
    // Takes are serialized, so what one consumer sees of one producer's lane is in put order.
    for (int c = 0; c < run.perConsumer.size(); c++) {
      Map<String, Integer> last = new HashMap<>();
      for (Took t : run.perConsumer.get(c)) {
        String lane = t.producer() + (t.deferred() ? "/deferred" : "/express");
        Integer prev = last.put(lane, t.seq());
        if (prev != null && prev >= t.seq()) {
          fail("consumer " + c + " took producer " + lane + " event " + t.seq() + " after " + prev);
        }
      }
    }
    long total = run.perConsumer.stream().mapToLong(List::size).sum();
    assertEquals(run.total(), total);
  }
}
