package io.sluice.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.it.harness.FlumeAgent;
import io.sluice.it.harness.Ports;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A malformed limit stops the source at configure time, with a message a user can act on. */
class GovernorConfigErrorTest {

  @Test
  void malformedLimitIsReportedAndTheSourceIsNotStarted() {
    Path dir = FlumeAgent.cleanDir(FlumeAgent.workDir("governor-config-error"));
    String conf = """
        a1.sources = r1
        a1.channels = c1
        a1.sinks = k1
        a1.sources.r1.type = syslogudp
        a1.sources.r1.host = 127.0.0.1
        a1.sources.r1.port = %d
        a1.sources.r1.channels = c1
        a1.sources.r1.interceptors = gov
        a1.sources.r1.interceptors.gov.type = io.sluice.interceptor.TokenBucketInterceptor$Builder
        a1.sources.r1.interceptors.gov.tiers.premium.limit = 3000/x
        a1.channels.c1.type = memory
        a1.sinks.k1.type = null
        a1.sinks.k1.channel = c1
        """.formatted(Ports.free());
    try (FlumeAgent agent = FlumeAgent.launch("a1", dir, conf)) {
      agent.await(Duration.ofSeconds(60), "the configuration error to be logged",
          () -> agent.log().contains("has been removed due to an error during configuration"));
      String log = agent.log();
      assertTrue(log.contains("Invalid value for 'tiers.premium.limit': '3000/x'; expected N/s, N/m or N/h"),
          agent.logTail(40));
      agent.awaitStarted(Duration.ofSeconds(30), java.util.List.of("org.apache.flume.channel:type=c1"));
      assertTrue(agent.isAlive());
      assertFalse(agent.jmx().isRegistered(
          javax.management.ObjectName.getInstance("org.apache.flume.source:type=r1")),
          "the misconfigured source must not run");
    } catch (java.io.IOException | javax.management.MalformedObjectNameException e) {
      throw new AssertionError(e);
    }
  }
}
