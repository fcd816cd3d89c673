package io.sluice.core.limit;

import java.util.List;

/** A named set of per-key limits, chosen per event by a header; all of them must allow. */
public final class Tier {

  private final String name;
  private final List<Rate> limits;

  public Tier(String name, List<Rate> limits) {
    if (limits.isEmpty()) {
      throw new IllegalArgumentException("tier '" + name + "' has no limit");
    }
    this.name = name;
    this.limits = List.copyOf(limits);
  }

  public String name() {
    return name;
  }

  public List<Rate> limits() {
    return limits;
  }

  /** How long an idle key of this tier must be remembered for forgetting it to change nothing. */
  long memoryNanos() {
    long max = 0;
    for (Rate r : limits) {
      max = Math.max(max, r.memoryNanos());
    }
    return max;
  }

  @Override
  public String toString() {
    return name + limits;
  }
}
