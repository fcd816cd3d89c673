package io.sluice.core.offenders;

import com.codahale.metrics.Gauge;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The current window's top offenders as a Dropwizard gauge: over JMX the text {@code key=count,
 * ...}, and for an exporter that gives each rank its own series the list itself ({@link
 * #offenders()}), so that no one parses keys back out of the text.
 */
public final class TopOffendersGauge implements Gauge<String> {

  private final TopOffenders offenders;

  public TopOffendersGauge(TopOffenders offenders) {
    this.offenders = offenders;
  }

  @Override
  public String getValue() {
    return format(offenders.current());
  }

  /** Most throttled first, at most {@code topOffenders.size} of them. */
  public List<TopOffenders.Offender> offenders() {
    return offenders.current();
  }

  /** {@code key=count, key=count}: how offenders are logged and shown over JMX. */
  public static String format(List<TopOffenders.Offender> top) {
    return top.stream().map(TopOffenders.Offender::toString).collect(Collectors.joining(", "));
  }
}
