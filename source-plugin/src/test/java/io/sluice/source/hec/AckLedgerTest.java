package io.sluice.source.hec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.core.time.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The acks' bookkeeping, with a manual clock: completion, reporting once, limits, expiry, ownership. */
class AckLedgerTest {

  static final String A = "aaaaaaaa-0000-4000-8000-000000000001";
  static final String B = "bbbbbbbb-0000-4000-8000-000000000002";
  static final long RECEIVED = 1_795_420_800_000L;

  final ManualClock clock = new ManualClock(0, 0); // wall clock at 0: a first channel's ids count from 0
  final AckLedger ledger = new AckLedger(new AckLedger.Settings(Duration.ofMinutes(10), 2, 3), clock);

  @AfterEach
  void close() {
    ledger.close();
  }

  private boolean done(String channel, long id) {
    return ledger.query(channel, new long[] {id})[0];
  }

  @Test
  void anAckCompletesWhenEveryExpectedHandlingIsReported() {
    long id = ledger.open(A, RECEIVED);
    assertEquals(0, id);
    ledger.expect(A, id, 3);
    ledger.handled(A, id, RECEIVED, 2);
    assertFalse(done(A, id));
    assertEquals(1, ledger.pending());
    ledger.handled(A, id, RECEIVED, 1);
    assertEquals(0, ledger.pending());
    assertEquals(1, ledger.completed());
    assertTrue(done(A, id));
    assertFalse(done(A, id), "true once, then forgotten");
    assertTrue(ledger.settled());
  }

  @Test
  void reportsMayComeBeforeTheExpectation() {
    long id = ledger.open(A, RECEIVED);
    ledger.handled(A, id, RECEIVED, 2); // a fast sink wrote them before the source learned the count
    assertFalse(done(A, id), "not complete before the count is known");
    ledger.expect(A, id, 2);
    assertTrue(done(A, id));
  }

  @Test
  void anAckWithNothingToWaitForCompletesAtOnce() {
    long id = ledger.open(A, RECEIVED);
    ledger.expect(A, id, 0); // every event throttled, or completeOn = channel
    assertTrue(done(A, id));
  }

  @Test
  void eventsOfAnOlderRequestWithTheSameIdDoNotCount() {
    long id = ledger.open(A, RECEIVED);
    ledger.expect(A, id, 1);
    ledger.handled(A, id, RECEIVED - 60_000, 1); // kept by a durable channel across a restart
    assertFalse(done(A, id));
    ledger.handled(A, id, RECEIVED, 1);
    assertTrue(done(A, id));
  }

  @Test
  void anAbandonedAckNeverTurnsTrue() {
    long id = ledger.open(A, RECEIVED);
    ledger.abandon(A, id);
    ledger.expect(A, id, 0);
    ledger.handled(A, id, RECEIVED, 1);
    assertFalse(done(A, id));
    assertEquals(0, ledger.pending());
    assertEquals(1, ledger.open(A, RECEIVED), "its id is not given again");
  }

  @Test
  void idsCountPerChannel() {
    assertEquals(0, ledger.open(A, RECEIVED));
    assertEquals(1, ledger.open(A, RECEIVED));
    assertEquals(0, ledger.open(B, RECEIVED));
    assertEquals(2, ledger.channels());
  }

  @Test
  void limitsOnChannelsAndOnAcksPerChannel() {
    for (int i = 0; i < 3; i++) {
      ledger.expect(A, ledger.open(A, RECEIVED), 0); // complete but never queried
    }
    assertEquals(AckLedger.BUSY, ledger.open(A, RECEIVED), "3 unqueried acks on A");
    assertArrayEquals(new boolean[] {true, false}, ledger.query(A, new long[] {1, 5}));
    assertEquals(3, ledger.open(A, RECEIVED), "a query makes room");
    ledger.open(B, RECEIVED);
    assertEquals(AckLedger.BUSY, ledger.open("cccccccc-0000-4000-8000-000000000003", RECEIVED), "2 channels");
  }

  @Test
  void oldAcksAndIdleChannelsAreForgotten() {
    long old = ledger.open(A, RECEIVED);
    clock.advance(Duration.ofMinutes(6));
    long young = ledger.open(A, RECEIVED);
    ledger.open(B, RECEIVED);
    clock.advance(Duration.ofMinutes(5));
    ledger.expire();
    assertEquals(1, ledger.expired(), "the ack opened 11 minutes ago");
    assertEquals(2, ledger.pending());
    ledger.expect(A, old, 0);
    assertFalse(done(A, old), "forgotten: false, as for any unknown id");
    ledger.expect(A, young, 0);
    assertTrue(done(A, young));
    clock.advance(Duration.ofMinutes(10));
    ledger.expire();
    assertEquals(0, ledger.channels(), "idle for the ttl, and empty");
    assertEquals(0, ledger.pending());
    assertTrue(ledger.settled());
    long again = ledger.open(A, RECEIVED);
    assertTrue(again > young, "a forgotten channel never gives an id it gave before: " + again);
    assertEquals(clock.currentTimeMillis() * AckLedger.IDS_PER_MILLI, again);
  }

  @Test
  void aChannelBelongsToOneSourceOfTheAgent() {
    try (AckLedger other = new AckLedger(new AckLedger.Settings(Duration.ofMinutes(10), 2, 3), clock)) {
      assertEquals(0, ledger.open(A, RECEIVED));
      assertEquals(AckLedger.OTHER_SOURCE, other.open(A, RECEIVED));
      assertTrue(AckLedger.ownedBy(A, ledger));
      assertFalse(AckLedger.ownedBy(A, other));
      ledger.close();
      assertTrue(other.open(A, RECEIVED) >= 0, "free once its source stopped");
    }
  }
}
