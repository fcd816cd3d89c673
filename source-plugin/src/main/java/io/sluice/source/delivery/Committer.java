package io.sluice.source.delivery;

import io.sluice.core.RetryLaterException;
import io.sluice.core.pipeline.ImmediateCommit;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.apache.flume.Channel;
import org.apache.flume.ChannelException;
import org.apache.flume.ChannelFullException;
import org.apache.flume.Event;
import org.apache.flume.Transaction;

/**
 * Puts events into one channel in one transaction, and remembers how many commits each channel
 * took: a failure that other commits into the same channel did not meet points at the event
 * rather than at the channel (see {@link ChannelShare}).
 *
 * <p>A channel with {@link ImmediateCommit} is committed without waiting for room, so that an I/O
 * thread never waits; any other channel may wait its {@code keep-alive} inside {@code commit()},
 * which is why {@link Delivery} runs such commits on its own threads.
 */
final class Committer {

  /*
   * Flume 1.11.0's MemoryChannel at its byteCapacity throws a plain ChannelException, "Cannot
   * commit transaction. Byte capacity allocated to store event body <n>reached. Please increase
   * ...": no room all the same. Taken for an error, it would send a share one event at a time,
   * committing the events that fit and refusing the rest, whose sender then waits no time at all.
   */
  private static final String BYTE_CAPACITY_HEAD =
      "Cannot commit transaction. Byte capacity allocated to store event body ";
  private static final String BYTE_CAPACITY_TAIL = "reached. Please increase heap space/byte capacity"
      + " allocated to the channel as the sinks may not be keeping up with the sources";

  private final Map<Channel, LongAdder> commits = new IdentityHashMap<>();

  Committer(List<Channel> channels) {
    for (Channel c : channels) {
      commits.put(c, new LongAdder());
    }
  }

  /** Whether every channel commits without waiting, so commits may run on an I/O thread. */
  boolean neverWaits() {
    return commits.keySet().stream().allMatch(c -> c instanceof ImmediateCommit);
  }

  /** Commits {@code events} into {@code channel}; returns null, or why the transaction rolled back. */
  Throwable commit(Channel channel, List<Event> events) {
    Transaction tx = channel.getTransaction();
    try {
      tx.begin();
      for (Event e : events) {
        channel.put(e);
      }
      if (channel instanceof ImmediateCommit immediate) {
        immediate.commitImmediately(tx);
      } else {
        tx.commit();
      }
    } catch (Throwable t) {
      try {
        tx.rollback();
      } catch (RuntimeException rollbackFailed) {
        t.addSuppressed(rollbackFailed);
      }
      if (t instanceof VirtualMachineError vm && !(t instanceof StackOverflowError)) {
        throw vm; // out of memory: the agent's trouble, not this batch's (a deep event's overflow is)
      }
      return t;
    } finally {
      tx.close();
    }
    LongAdder n = commits.get(channel);
    if (n != null) {
      n.increment();
    }
    return null;
  }

  /** Commits into {@code channel} so far (by this source). */
  long commitsInto(Channel channel) {
    LongAdder n = commits.get(channel);
    return n == null ? 0 : n.sum();
  }

  /** What a failure means for the sender: no room (retry later) or anything else. */
  static Refusal classify(Throwable t) {
    if (t instanceof RetryLaterException) {
      return Refusal.REJECTED;
    }
    if (noRoom(t) || (t instanceof ChannelException && noRoom(t.getCause()))) {
      return Refusal.FULL;
    }
    return Refusal.ERROR;
  }

  private static boolean noRoom(Throwable t) {
    return t instanceof ChannelFullException || byteCapacityReached(t);
  }

  private static boolean byteCapacityReached(Throwable t) {
    String m = t instanceof ChannelException ? t.getMessage() : null;
    return m != null && m.startsWith(BYTE_CAPACITY_HEAD) && m.endsWith(BYTE_CAPACITY_TAIL);
  }
}
