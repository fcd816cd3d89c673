package io.sluice.channel;

import org.apache.flume.Channel;
import org.apache.flume.channel.MemoryChannel;

/** The channel contract on Flume's MemoryChannel: the reference the suite is checked against. */
class MemoryChannelContractTest extends ChannelContractTest {

  @Override
  protected Channel newChannel() {
    return new MemoryChannel();
  }
}
