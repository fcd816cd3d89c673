package io.sluice.tools.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pacing loop on a fake clock: what goes when, with no sleeping and no timing assertions. */
class PacerTest {

  private static final long S = 1_000_000_000L;

  /** Records each call: the fake clock's time and the events handed over. */
  private static final class Calls implements EventSender {
    final Clock clock;
    final int chunk;
    final long linger;
    final List<long[]> calls = new ArrayList<>(); // {elapsedNanos, firstSeq, count}
    long next;

    Calls(Clock clock, int chunk, long linger) {
      this.clock = clock;
      this.chunk = chunk;
      this.linger = linger;
    }

    @Override
    public void send(long firstSeq, int count) {
      assertEquals(next, firstSeq, "events go in order, none skipped");
      next += count;
      calls.add(new long[] {clock.nanoTime(), firstSeq, count});
    }

    @Override
    public int chunk() {
      return chunk;
    }

    @Override
    public long lingerNanos() {
      return linger;
    }

    @Override
    public void close() {}

    long sentIn(long fromNanos, long toNanos) { // (from, to]
      return calls.stream().filter(c -> c[0] > fromNanos && c[0] <= toNanos).mapToLong(c -> c[2]).sum();
    }
  }

  @Test
  void theBurstGoesOutOnTimeThenFallsSilentAndRepeats() throws Exception {
    FakeClock clock = new FakeClock(1_700_000_000_000L);
    Calls sender = new Calls(clock, 1024, 0);
    LoadPattern burst = Patterns.parse("burst 1000 x10 2s then 30s silence");
    long sent = new Pacer(clock, burst, 96 * S, sender).run();

    assertEquals(3 * 1000 * 10 * 2, sent);
    assertEquals(1000 * 10 * 2, sender.sentIn(-1, 2 * S), "the whole burst in its 2 s");
    assertEquals(0, sender.sentIn(2 * S, 32 * S), "nothing in the 30 s of silence");
    assertEquals(1000 * 10 * 2, sender.sentIn(32 * S, 34 * S));
    assertEquals(0, sender.sentIn(34 * S, 64 * S));
    assertEquals(1000 * 10 * 2, sender.sentIn(64 * S, 66 * S));
    assertEquals(96 * S, clock.nanoTime(), "the run ends at its duration");
    for (long second = 0; second < 2; second++) { // 10,000 a second within the burst
      assertEquals(10_000, sender.sentIn(second * S, (second + 1) * S));
    }
  }

  @Test
  void aSteadyRateIsSentEachMillisecondAsItFallsDue() throws Exception {
    FakeClock clock = new FakeClock(0);
    Calls sender = new Calls(clock, 1024, 0);
    new Pacer(clock, new Steady(200), 3 * S, sender).run();
    assertEquals(600, sender.next);
    for (long[] c : sender.calls) {
      assertEquals(c[1], new Steady(200).dueBy(c[0]) - c[2], "sent as soon as due, no later");
    }
  }

  @Test
  void aRampAndAReplayAreSentInFull() throws Exception {
    FakeClock clock = new FakeClock(0);
    Calls sender = new Calls(clock, 1024, 0);
    new Pacer(clock, Patterns.parse("ramp 100 5000 60s"), 60 * S, sender).run();
    assertEquals(153_000, sender.next);
    assertEquals(new Ramp(100, 5000, 60 * S).dueBy(10 * S), sender.sentIn(-1, 10 * S));

    FakeClock clock2 = new FakeClock(0);
    Calls replayed = new Calls(clock2, 1024, 0);
    Replay replay = new Replay(new long[] {50, 0, 7});
    new Pacer(clock2, replay, replay.endNanos(), replayed).run();
    assertEquals(50, replayed.sentIn(-1, S));
    assertEquals(0, replayed.sentIn(S, 2 * S));
    assertEquals(7, replayed.sentIn(2 * S, 3 * S));
  }

  @Test
  void batchesFillUpToTheirSizeOrGoPartialAfterTheLinger() throws Exception {
    FakeClock clock = new FakeClock(0);
    Calls sender = new Calls(clock, 100, 200_000_000L);
    new Pacer(clock, new Steady(1000), 2 * S, sender).run();
    assertEquals(2000, sender.next);
    assertTrue(sender.calls.stream().allMatch(c -> c[2] == 100), "1000/s fills batches of 100 within the linger");

    FakeClock slow = new FakeClock(0);
    Calls few = new Calls(slow, 100, 200_000_000L);
    new Pacer(slow, new Steady(10), 2 * S, few).run();
    assertEquals(20, few.next);
    assertTrue(few.calls.stream().allMatch(c -> c[2] <= 3), "10/s goes partial every 200 ms: " + few.calls.size());
  }

  @Test
  void sendersTogetherSendThePattern() throws Exception {
    LoadPattern burst = Patterns.parse("burst 333 x3 1s then 1s silence");
    long total = 0;
    for (int i = 0; i < 4; i++) {
      FakeClock clock = new FakeClock(0);
      Calls sender = new Calls(clock, 1024, 0);
      total += new Pacer(clock, new Share(burst, i, 4), 5 * S, sender).run();
    }
    assertEquals(burst.dueBy(5 * S), total);
  }
}
