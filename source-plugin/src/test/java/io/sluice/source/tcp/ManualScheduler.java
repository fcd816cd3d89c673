package io.sluice.source.tcp;

import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler whose time moves only when the test says: {@link #advance} runs, in order, every
 * task that comes due, on the test's thread (which is the EmbeddedChannel's event loop too).
 */
final class ManualScheduler implements Scheduler {

  private record Task(long due, long seq, Runnable run, boolean[] cancelled) {}

  private final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) ->
      a.due != b.due ? Long.compare(a.due, b.due) : Long.compare(a.seq, b.seq));
  private long now = 1_000_000_000L;
  private long seq;

  @Override
  public long nanoTime() {
    return now;
  }

  @Override
  public Cancellable schedule(Runnable task, long delayNanos) {
    boolean[] cancelled = {false};
    tasks.add(new Task(now + Math.max(0, delayNanos), seq++, task, cancelled));
    return () -> cancelled[0] = true;
  }

  /** Moves time on by {@code amount}, running each task as its time comes. */
  void advance(long amount, TimeUnit unit) {
    long until = now + unit.toNanos(amount);
    for (Task t; (t = tasks.peek()) != null && t.due <= until; ) {
      tasks.poll();
      now = Math.max(now, t.due);
      if (!t.cancelled[0]) {
        t.run.run();
      }
    }
    now = until;
  }

  /** Tasks planned and not cancelled. */
  int planned() {
    return (int) tasks.stream().filter(t -> !t.cancelled[0]).count();
  }
}
