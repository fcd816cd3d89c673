package io.sluice.tools.load;

/**
 * One sender's pacing loop: every tick, sends what its pattern says is due by now and has not been
 * sent. A sender held up (a blocked socket) sends its backlog once it can, until the end: a sender
 * still behind {@link #GRACE} after the end gives the rest up (it is never sent nor recorded).
 */
final class Pacer {

  /** How often the loop looks at the pattern: 1 ms, so a burst starts and stops on time. */
  static final long TICK = 1_000_000L;
  static final long GRACE = 1_000_000_000L;

  private final Clock clock;
  private final LoadPattern share;
  private final long durationNanos;
  private final EventSender sender;
  private volatile long sent;
  private volatile long due;
  private volatile boolean stopped;

  Pacer(Clock clock, LoadPattern share, long durationNanos, EventSender sender) {
    this.clock = clock;
    this.share = share;
    this.durationNanos = durationNanos;
    this.sender = sender;
  }

  /** Runs from now to the end of the duration (or {@link #stop}); returns the events sent. */
  long run() throws InterruptedException {
    long start = clock.nanoTime();
    long pendingSince = -1; // when events due started waiting for a fuller chunk
    long s = 0;
    int chunk = sender.chunk();
    while (!stopped) {
      long now = clock.nanoTime() - start;
      boolean last = now >= durationNanos;
      long d = share.dueBy(last ? durationNanos : now);
      due = d;
      if (d > s && pendingSince < 0) {
        pendingSince = now;
      }
      while (s < d && !stopped) {
        int n = (int) Math.min(d - s, chunk);
        if (n < chunk && !last && now - pendingSince < sender.lingerNanos()) {
          break; // a partial batch: wait for more, but not longer than the linger
        }
        sender.send(s, n);
        s += n;
        sent = s;
        pendingSince = s < d ? now : -1;
        if (clock.nanoTime() - start > durationNanos + GRACE) {
          last = true;
          break;
        }
      }
      if (last) {
        break;
      }
      clock.sleepUntil(start + Math.min(now + TICK, durationNanos));
    }
    return s;
  }

  /** Ends the loop early (the operator pressed Ctrl-C). */
  void stop() {
    stopped = true;
  }

  long sent() {
    return sent;
  }

  /** Events due and not sent yet: how far pushback has held this sender back. */
  long behind() {
    return Math.max(0, due - sent);
  }
}
