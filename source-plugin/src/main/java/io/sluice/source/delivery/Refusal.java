package io.sluice.source.delivery;

/** Why a batch was not (wholly) accepted; its label is the metric's last part ({@code dropped.full}). */
public enum Refusal {
  /** A channel had no room. */
  FULL("full"),
  /** The interceptor pushed back ({@code throttled = reject}): retry after its advice. */
  REJECTED("rejected"),
  /** Any other failure of a channel or an interceptor. */
  ERROR("error");

  private final String label;

  Refusal(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
