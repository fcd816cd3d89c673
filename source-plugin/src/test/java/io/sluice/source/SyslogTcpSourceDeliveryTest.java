package io.sluice.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.source.delivery.Pipelines;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.Transaction;
import org.apache.flume.channel.MemoryChannel;
import org.apache.flume.conf.Configurables;
import org.junit.jupiter.api.Test;

/**
 * SyslogTcpSource over real sockets into Flume's own MemoryChannel, whose commits wait up to their
 * {@code keep-alive} for room: such waits must never hold up the source's I/O threads.
 */
class SyslogTcpSourceDeliveryTest {

  private static final String MSG = "<13>1 2026-11-23T05:00:00Z web1 app - - - ";

  private static MemoryChannel memoryChannel(String name, int capacity, int keepAliveSeconds) {
    MemoryChannel c = new MemoryChannel();
    c.setName(name);
    Configurables.configure(c, new Context(Map.of("capacity", Integer.toString(capacity),
        "transactionCapacity", Integer.toString(capacity), "keep-alive", Integer.toString(keepAliveSeconds))));
    c.start();
    return c;
  }

  /** Waits until {@code c} holds {@code capacity} events (Flume's ChannelSize, over JMX). */
  private static void awaitFull(MemoryChannel c, long capacity) throws Exception {
    javax.management.ObjectName on = new javax.management.ObjectName("org.apache.flume.channel", "type", c.getName());
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (((Number) java.lang.management.ManagementFactory.getPlatformMBeanServer()
        .getAttribute(on, "ChannelSize")).longValue() < capacity) {
      assertTrue(System.nanoTime() < deadline, "channel " + c.getName() + " never filled");
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  private static List<String> take(MemoryChannel c, int n, long timeoutMillis) throws InterruptedException {
    List<String> out = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    while (out.size() < n && System.nanoTime() < deadline) {
      Transaction tx = c.getTransaction();
      tx.begin();
      try {
        Event e = c.take();
        if (e != null) {
          out.add(new String(e.getBody(), StandardCharsets.UTF_8));
        }
        tx.commit();
      } finally {
        tx.close();
      }
    }
    return out;
  }

  private static void send(String fromIp, int port, String prefix, int n) throws Exception {
    try (Socket s = new Socket()) {
      s.bind(new InetSocketAddress(fromIp, 0));
      s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      OutputStream out = s.getOutputStream();
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < n; i++) {
        b.append(MSG).append(prefix).append(i).append('\n');
      }
      out.write(b.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
  }

  @Test
  void aSenderWhoseChannelIsFullDoesNotHoldUpSendersOnTheSameThread() throws Exception {
    // One I/O thread; 127.0.0.2's events go to a full channel that waits 10 s for room per commit.
    MemoryChannel stuck = memoryChannel("stuck", 10, 10);
    MemoryChannel main = memoryChannel("main", 1000, 3);
    SyslogTcpSource source = new SyslogTcpSource();
    source.setName("delivery-test-" + System.nanoTime());
    source.setChannelProcessor(Pipelines.multiplexing("clientIp", Map.of("127.0.0.2", "stuck"), main,
        Map.of(), stuck, main));
    int port = SourceTestRig.freePort();
    Configurables.configure(source, new Context(new HashMap<>(Map.of("host", "127.0.0.1",
        "port", Integer.toString(port), "readers", "1", "batchSize", "10"))));
    source.start();
    try {
      send("127.0.0.2", port, "stuck ", 100); // fills its channel, then its commits wait
      awaitFull(stuck, 10);
      send("127.0.0.3", port, "other ", 50);
      List<String> got = take(main, 50, 5000);
      assertEquals(50, got.size(), "the other sender's events arrive while the first one's wait");
      assertEquals("other 49", got.get(49));
    } finally {
      source.stop();
      stuck.stop();
      main.stop();
    }
  }

  @Test
  void configurationOutOfRangeIsRefusedWithTheKeyAndTheRange() {
    Map<String, String> bad = Map.of(
        "maxConnections", "3000000000",
        "maxConnectionsPerIp", "0",
        "readers", "1000",
        "idleTimeout", "500ms",
        "frameTimeout", "999ms");
    for (Map.Entry<String, String> e : bad.entrySet()) {
      Map<String, String> props = new HashMap<>(Map.of("port", "5514"));
      props.put(e.getKey(), e.getValue());
      IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
          () -> new SyslogTcpSource().configure(new Context(props)), e.getKey());
      assertTrue(x.getMessage().contains("'" + e.getKey() + "'"), x.getMessage());
    }
    Map<String, String> off = new HashMap<>(Map.of("port", "5514", "idleTimeout", "0", "frameTimeout", "1s"));
    SyslogTcpSource ok = new SyslogTcpSource();
    ok.configure(new Context(off));
    assertEquals(100, ok.getBatchSize(), "what Flume checks against each channel's transactionCapacity");
  }
}
