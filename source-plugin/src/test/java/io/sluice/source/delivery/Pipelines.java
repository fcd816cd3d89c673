package io.sluice.source.delivery;

import io.sluice.source.SourceMetrics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flume.Channel;
import org.apache.flume.ChannelSelector;
import org.apache.flume.Context;
import org.apache.flume.channel.ChannelProcessor;
import org.apache.flume.channel.MultiplexingChannelSelector;
import org.apache.flume.channel.ReplicatingChannelSelector;
import org.apache.flume.conf.Configurables;

/** A source's way into real channels, wired as Flume wires it, for tests of the delivery path. */
public final class Pipelines {

  private static final AtomicInteger NAMES = new AtomicInteger();

  private Pipelines() {}

  /** Every event into each of {@code channels}, through the interceptors {@code processorProps} name. */
  public static ChannelProcessor replicating(Map<String, String> processorProps, Channel... channels) {
    ReplicatingChannelSelector selector = new ReplicatingChannelSelector();
    selector.setChannels(List.of(channels));
    return processor(selector, processorProps);
  }

  /** Every event into each of {@code channels}; {@code optional}'s failures are ignored, as in Flume. */
  public static ChannelProcessor replicatingWithOptional(Channel optional, Channel... channels) {
    ReplicatingChannelSelector selector = new ReplicatingChannelSelector();
    selector.setChannels(List.of(channels));
    Configurables.configure(selector, new Context(Map.of("optional", optional.getName())));
    return processor(selector, Map.of());
  }

  /**
   * Events routed by {@code header}: value → channel name in {@code mapping}, the rest to {@code
   * dflt}, as {@code selector.type = multiplexing} does.
   */
  public static ChannelProcessor multiplexing(String header, Map<String, String> mapping,
      Channel dflt, Map<String, String> processorProps, Channel... channels) {
    MultiplexingChannelSelector selector = new MultiplexingChannelSelector();
    selector.setChannels(List.of(channels));
    Map<String, String> conf = new HashMap<>();
    conf.put("header", header);
    mapping.forEach((value, channel) -> conf.put("mapping." + value, channel));
    conf.put("default", dflt.getName());
    Configurables.configure(selector, new Context(conf));
    return processor(selector, processorProps);
  }

  private static ChannelProcessor processor(ChannelSelector selector, Map<String, String> props) {
    ChannelProcessor p = new ChannelProcessor(selector);
    p.configure(new Context(props));
    p.initialize();
    return p;
  }

  /** A delivery for a source of a fresh name; {@code retries} as TCP (true) or UDP (false). */
  public static Delivery delivery(ChannelProcessor processor, boolean retries) {
    return delivery(processor, retries ? Delivery.Retries.SHIPMENT_KEPT : Delivery.Retries.NONE);
  }

  /** A delivery for a source of a fresh name, whose refused shipments become what {@code retries} says. */
  public static Delivery delivery(ChannelProcessor processor, Delivery.Retries retries) {
    String name = "delivery-test-" + NAMES.incrementAndGet();
    return new Delivery(name, processor, new SourceMetrics(name, retries == Delivery.Retries.NONE
        ? SourceMetrics.Kind.DATAGRAMS : SourceMetrics.Kind.CONNECTIONS), retries);
  }
}
