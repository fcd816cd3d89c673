package io.sluice.core.limit;

import java.util.List;

/**
 * What the interceptor asks of a store of limits: decisions for a batch of events, in order, and
 * the undoing of a batch that was pushed back to its sender. {@link Governor} keeps the limits in
 * this process; {@link SharedGovernor} keeps them in a store several agents share.
 */
public interface Limiter extends AutoCloseable {

  GovernorConfig config();

  /**
   * Decides events {@code 0..n-1} in order; {@code out[i]} is the decision for the event with key
   * {@code keys[i]}, tier name {@code tiers[i]} (null for the default tier) and low priority {@code
   * lows[i]}. With {@code cancellable}, the granted decisions can be {@linkplain #cancelAll
   * cancelled} exactly where nothing else was booked since.
   */
  void decideAll(
      int n, String[] keys, String[] tiers, boolean[] lows, boolean cancellable, Decision[] out);

  /** Decides one event of {@code key}, in the default tier, of normal priority. */
  default Decision decideOne(String key) {
    Decision[] out = new Decision[1];
    decideAll(1, new String[] {key}, new String[1], new boolean[1], false, out);
    return out[0];
  }

  /** Gives back what the granted decisions of one batch booked; {@code granted} in decision order. */
  void cancelAll(List<Decision> granted);

  /** Keys with state of their own in this agent (approximate). */
  long keyCount();

  /** Deferred events of this agent not yet due. */
  long deferredDepth();

  /** Fraction of this agent's deferred room in use. */
  double deferredFill();

  @Override
  void close();
}
