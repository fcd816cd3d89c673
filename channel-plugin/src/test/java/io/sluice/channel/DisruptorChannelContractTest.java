package io.sluice.channel;

import org.apache.flume.Channel;

/** The channel contract on DisruptorChannel (express lane only: no event here is batched). */
class DisruptorChannelContractTest extends ChannelContractTest {

  @Override
  protected Channel newChannel() {
    return new DisruptorChannel();
  }
}
