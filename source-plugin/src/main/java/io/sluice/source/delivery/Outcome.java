package io.sluice.source.delivery;

/**
 * What one attempt of a {@link Shipment} came to: accepted (every required channel has its share),
 * or refused with a reason, the time the interceptor advised to wait (0 when it gave none) and the
 * failure behind it.
 */
public record Outcome(Refusal refusal, long retryAfterMillis, Throwable cause) {

  public static final Outcome ACCEPTED = new Outcome(null, 0, null);

  public boolean accepted() {
    return refusal == null;
  }

  static Outcome refused(Refusal why, Throwable cause) {
    return new Outcome(why, 0, cause);
  }

  @Override
  public String toString() {
    return accepted() ? "accepted" : refusal.label() + (cause == null ? "" : " (" + cause.getMessage() + ")");
  }
}
