package io.sluice.tools.tune;

import java.util.List;

/**
 * The mission's rules for setting limits from what a pipeline was measured to sustain: refill at
 * 80–90% of the sustainable rate (here 85%: headroom for the sink's bad moments without leaving
 * capacity unused), a burst of 3–5 seconds of peak (here 4 s), and deferred room for what the
 * sink drains while events wait their turn. Pure arithmetic, no I/O.
 */
public final class Tuning {

  /** The refill rate as a fraction of the sustainable rate. */
  public static final double REFILL_SHARE = 0.85;
  /** Seconds of the peak rate that the burst holds. */
  public static final double BURST_SECONDS = 4;

  private Tuning() {}

  /**
   * The highest offered rate of the ramp at which the sink kept up at that step and at every step
   * before it (a pipeline that recovers at a higher rate after falling behind is not trusted at
   * it); NaN when it kept up at none.
   */
  public static double sustainable(List<Step> ramp) {
    double best = Double.NaN;
    for (Step s : ramp) {
      if (!s.keptUp()) {
        break;
      }
      best = s.offered();
    }
    return best;
  }

  /**
   * What to configure.
   *
   * @param sustainable events/s the pipeline was measured to sustain (see {@link #sustainable})
   * @param peak the peak rate the limit must absorb for a moment (the highest offered), events/s
   * @param senders how many keys (senders) share the pipeline: the per-key limit is the
   *     pipeline's divided among them
   * @param maxDelaySeconds how long an event may wait its turn ({@code defer.maxDelay})
   */
  public static Advice advise(double sustainable, double peak, int senders, double maxDelaySeconds) {
    if (!(sustainable > 0) || !(peak > 0) || senders < 1 || maxDelaySeconds < 0) {
      throw new IllegalArgumentException("nothing to advise from sustainable=" + sustainable
          + " peak=" + peak + " senders=" + senders + " maxDelay=" + maxDelaySeconds);
    }
    long globalRate = Math.max(1, (long) Math.floor(sustainable * REFILL_SHARE));
    long globalBurst = Math.max(1, (long) Math.ceil(Math.max(peak, sustainable) * BURST_SECONDS));
    long keyRate = Math.max(1, globalRate / senders);
    long keyBurst = Math.max(1, globalBurst / senders);
    // While an event waits up to maxDelay, the sink drains at most the global rate: the deferred
    // room need hold no more than that much, and less would throttle events that could wait.
    long deferredRoom = Math.max(1, (long) Math.ceil(globalRate * maxDelaySeconds));
    return new Advice(sustainable, peak, globalRate, globalBurst, keyRate, keyBurst,
        maxDelaySeconds, deferredRoom);
  }

  /** Settings and the measurements they come from. */
  public record Advice(double sustainable, double peak, long globalRate, long globalBurst,
      long keyRate, long keyBurst, double maxDelaySeconds, long deferredRoom) {

    /** The interceptor's keys as a properties snippet, each with the measurement behind it. */
    public String properties(String prefix) {
      return String.join("\n",
          "# measured: the sink kept up with " + Math.round(sustainable) + " events/s (peak offered "
              + Math.round(peak) + "/s)",
          "# global: " + Math.round(REFILL_SHARE * 100) + "% of the sustainable rate, a burst of "
              + Math.round(BURST_SECONDS) + " s of peak",
          prefix + "global.limit = " + globalRate + "/s burst " + globalBurst,
          "# per key: the global limit shared among the senders measured",
          prefix + "limit = " + keyRate + "/s burst " + keyBurst,
          "# deferred room: what the sink drains at the global rate while an event waits defer.maxDelay",
          prefix + "defer.maxDelay = " + seconds(maxDelaySeconds),
          prefix + "defer.maxEvents = " + deferredRoom,
          "");
    }

    private static String seconds(double s) {
      return s == Math.rint(s) ? (long) s + "s" : Math.round(s * 1000) + "ms";
    }
  }
}
