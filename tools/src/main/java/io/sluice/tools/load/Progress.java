package io.sluice.tools.load;

import java.io.PrintStream;
import java.util.function.LongSupplier;

/**
 * The live progress line on stderr, once a second: seconds, events sent, the rate over the last
 * second, errors, pushback, and how many events due are held back (TCP pushback slows senders and
 * shows there). On a terminal the line is rewritten in place with {@code \r}; otherwise (a log, a
 * pipe) each second is a line of its own.
 */
final class Progress implements Runnable {

  private final Recorder recorder;
  private final LongSupplier behind;
  private final boolean acks;
  private final Clock clock;
  private final PrintStream err;
  private final boolean terminal;
  private final long start;
  private long lastSent;
  private int lastWidth;
  private volatile boolean stopped;

  Progress(Recorder recorder, LongSupplier behind, boolean acks, Clock clock, PrintStream err, boolean terminal) {
    this.recorder = recorder;
    this.behind = behind;
    this.acks = acks;
    this.clock = clock;
    this.err = err;
    this.terminal = terminal;
    this.start = clock.nanoTime();
  }

  /** The line for now; {@code rate} counts from the previous line. */
  String line() {
    long sent = recorder.sent();
    long seconds = (clock.nanoTime() - start) / 1_000_000_000L;
    String s = String.format("sluice load %4ds  sent %d  rate %d/s  errors %d  pushback %d  behind %d%s",
        seconds, sent, sent - lastSent, recorder.errors(), recorder.pushback(), behind.getAsLong(),
        acks ? "  acked " + recorder.acked() : "");
    lastSent = sent;
    return s;
  }

  void print() {
    String s = line();
    if (terminal) {
      err.print("\r" + s + " ".repeat(Math.max(0, lastWidth - s.length())));
      lastWidth = s.length();
    } else {
      err.println(s);
    }
    err.flush();
  }

  @Override
  public void run() {
    try {
      for (long next = start + 1_000_000_000L; !stopped; next += 1_000_000_000L) {
        clock.sleepUntil(next);
        if (!stopped) {
          print();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops, ending the line in place on a terminal. */
  void stop() {
    stopped = true;
    if (terminal && lastWidth > 0) {
      err.println();
    }
  }
}
