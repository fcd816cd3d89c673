package io.sluice.core.time;

/**
 * The time source of every time-dependent decision in Sluice.
 *
 * <p>Two readings because they serve two purposes: {@link #nanoTime()} is monotonic and drives all
 * arithmetic (a wall-clock jump must never refill or freeze a bucket), while {@link
 * #currentTimeMillis()} only labels events with epoch times users can read. Tests inject a {@link
 * ManualClock}; production uses {@link #SYSTEM}.
 */
public interface Clock {

  /** Monotonic nanoseconds from an arbitrary origin. */
  long nanoTime();

  /** Wall-clock epoch milliseconds. */
  long currentTimeMillis();

  Clock SYSTEM =
      new Clock() {
        @Override
        public long nanoTime() {
          return System.nanoTime();
        }

        @Override
        public long currentTimeMillis() {
          return System.currentTimeMillis();
        }

        @Override
        public String toString() {
          return "Clock.SYSTEM";
        }
      };
}
