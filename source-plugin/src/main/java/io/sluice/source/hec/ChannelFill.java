package io.sluice.source.hec;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.function.BooleanSupplier;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Whether any of a source's channels is filled to {@code health.fillThreshold} or more, read from
 * the fill percentage each channel reports to Flume's ChannelCounter (MBean {@code
 * org.apache.flume.channel:type=<name>}): MemoryChannel, FileChannel and DisruptorChannel do. A
 * channel that reports none is not counted. Read when {@code /health} is asked, not per event.
 */
public final class ChannelFill implements BooleanSupplier {

  private final List<String> channels;
  private final double thresholdPercent;
  private final MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();

  /** @param thresholdPercent 0 to 100 */
  public ChannelFill(List<String> channels, double thresholdPercent) {
    this.channels = List.copyOf(channels);
    this.thresholdPercent = thresholdPercent;
  }

  @Override
  public boolean getAsBoolean() {
    for (String c : channels) {
      try {
        Object fill = mbeans.getAttribute(new ObjectName("org.apache.flume.channel", "type", c),
            "ChannelFillPercentage");
        if (fill instanceof Number n && n.doubleValue() >= thresholdPercent) {
          return true;
        }
      } catch (JMException | RuntimeException e) {
        // no counter for this channel: it says nothing of the source's health
      }
    }
    return false;
  }
}
