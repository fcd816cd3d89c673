package io.sluice.tools.report;

import java.util.Arrays;

/**
 * Written events per second by sender, bucketed by when the agent received them ({@code
 * sluice.receivedAt}): what the governor let through for each sender, to set against its limit.
 */
public final class AdmittedRate {

  private final long startMillis;
  private int[][] counts = new int[0][];
  private int seconds;

  public AdmittedRate(long startMillis) {
    this.startMillis = startMillis;
  }

  public void record(int sender, long receivedAtMillis) {
    long s = Math.floorDiv(receivedAtMillis - startMillis, 1000);
    if (s < 0 || s > 10_000_000 || sender < 0) {
      return; // received before the run started: clocks apart; not plotted
    }
    if (sender >= counts.length) {
      counts = Arrays.copyOf(counts, sender + 1);
    }
    int[] c = counts[sender];
    if (c == null) {
      c = counts[sender] = new int[Math.max(64, (int) s + 1)];
    } else if (s >= c.length) {
      c = counts[sender] = Arrays.copyOf(c, Math.max((int) s + 1, c.length * 2));
    }
    c[(int) s]++;
    seconds = Math.max(seconds, (int) s + 1);
  }

  public int senders() {
    return counts.length;
  }

  public int seconds() {
    return seconds;
  }

  public int at(int sender, int second) {
    int[] c = sender < counts.length ? counts[sender] : null;
    return c == null || second >= c.length ? 0 : c[second];
  }
}
