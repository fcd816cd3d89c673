package io.sluice.tools.load;

/**
 * Gathers consecutive events of one sender that share a millisecond and an outcome, and hands each
 * such run to the {@link Recorder} at once: one lock per run rather than per event.
 */
final class RunOfEvents {

  private final Recorder recorder;
  private final int sender;
  private long first = -1;
  private int count;
  private long millis;
  private Outcome outcome;

  RunOfEvents(Recorder recorder, int sender) {
    this.recorder = recorder;
    this.sender = sender;
  }

  void add(long seq, long epochMillis, Outcome o) {
    if (count > 0 && (epochMillis != millis || o != outcome || seq != first + count)) {
      flush();
    }
    if (count == 0) {
      first = seq;
      millis = epochMillis;
      outcome = o;
    }
    count++;
  }

  void flush() {
    if (count > 0) {
      recorder.sent(sender, first, count, millis, outcome);
      count = 0;
    }
  }
}
