package io.sluice.tools.tune;

/**
 * What a pipeline did during one step of a ramp, all rates in events per second over the step.
 *
 * @param offered what the load sent
 * @param written what the sink wrote (its written and dead-lettered events)
 * @param fillStart the channel's fill (0 to 1) at the step's start
 * @param fillEnd the channel's fill at the step's end
 * @param dropped events the source or the kernel dropped during the step
 * @param p99LatencyMillis send-to-receive latency of the step's events, 99th percentile
 */
public record Step(double offered, double written, double fillStart, double fillEnd,
    long dropped, double p99LatencyMillis) {

  /**
   * Whether the sink kept up: it wrote within 5% of what was offered, its channel did not fill by
   * more than 5 points (a queue that grows is a sink falling behind even while the rates still
   * agree), and nothing was dropped.
   */
  public boolean keptUp() {
    return written >= 0.95 * offered && fillEnd - fillStart <= 0.05 && dropped == 0;
  }
}
