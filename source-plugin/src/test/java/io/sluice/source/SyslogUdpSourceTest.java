package io.sluice.source;

import static io.sluice.source.SourceTestRig.body;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.flume.Event;
import org.junit.jupiter.api.Test;

/** SyslogUdpSource over real datagrams, into a real channel (no agent: see integration-tests). */
class SyslogUdpSourceTest {

  private static final String HEAD = "<165>1 2026-11-23T05:00:00.003Z web1 app 7 ID2 - ";

  private static void send(SourceTestRig rig, byte[]... datagrams) throws Exception {
    try (DatagramSocket s = new DatagramSocket()) {
      s.setSendBufferSize(4 << 20);
      for (byte[] d : datagrams) {
        s.send(new DatagramPacket(d, d.length, new InetSocketAddress("127.0.0.1", rig.port)));
      }
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aDatagramIsOneWholeMessageUpTo65507Bytes() throws Exception {
    try (SourceTestRig rig = new SourceTestRig(new SyslogUdpSource(), Map.of("readers", "1"), Map.of(), Map.of())) {
      String big = "x".repeat(9000);
      String lines = "line one\nline two\r\nline three";
      String max = "y".repeat(SyslogUdpSource.MAX_DATAGRAM - HEAD.length());
      send(rig, bytes(HEAD + big + "\n"), bytes(HEAD + lines + "\r\n"), bytes(HEAD + "nul\0"), bytes(HEAD + max));
      List<Event> got = rig.takeAll(4, 5000);
      assertEquals(4, got.size());
      assertEquals(big, body(got.get(0)), "no truncation at 2 KB, trailing LF stripped");
      assertEquals(lines, body(got.get(1)), "every line of the datagram kept, trailing CRLF stripped");
      assertEquals("nul", body(got.get(2)));
      assertEquals(max, body(got.get(3)));
      Map<String, String> h = got.get(0).getHeaders();
      assertEquals("20", h.get("Facility"));
      assertEquals("5", h.get("Severity"));
      assertEquals("1795410000003", h.get("timestamp"));
      assertEquals("udp", h.get("syslog.framing"));
      assertEquals("rfc5424", h.get("syslog.format"));
      assertEquals(null, h.get("flume.syslog.status"));
    }
  }

  @Test
  void datagramsGoToTheChannelInBatches() throws Exception {
    try (SourceTestRig rig = new SourceTestRig(new SyslogUdpSource(),
        Map.of("readers", "1", "batchSize", "100"), Map.of(), Map.of())) {
      int n = 2000;
      byte[][] d = new byte[n][];
      for (int i = 0; i < n; i++) {
        d[i] = bytes(HEAD + i);
      }
      send(rig, d);
      List<Event> got = rig.takeAll(n, 10_000);
      long kernelDrops = rig.metric("dropped.kernel");
      assertEquals(n, got.size() + kernelDrops, "every datagram delivered or counted as dropped by the kernel"
          + " (dropped.full " + rig.metric("dropped.full") + ", received " + rig.flumeCounter("EventReceivedCount") + ")");
      long batches = rig.flumeCounter("AppendBatchAcceptedCount");
      assertTrue(batches < got.size() / 2, batches + " transactions for " + got.size() + " events");
      assertEquals(got.size(), rig.flumeCounter("EventAcceptedCount"));
    }
  }

  @Test
  void whatTheChannelRefusesIsCountedAsDropped() throws Exception {
    try (SourceTestRig rig = new SourceTestRig(new SyslogUdpSource(),
        Map.of("readers", "1", "batchSize", "10"), Map.of("capacity", "100", "transactionCapacity", "100"), Map.of())) {
      int n = 300;
      byte[][] d = new byte[n][];
      for (int i = 0; i < n; i++) {
        d[i] = bytes(HEAD + i);
      }
      send(rig, d);
      SourceTestRig.await("all datagrams accounted for, and every batch committed or dropped", 10_000, () -> {
        try {
          long received = rig.flumeCounter("EventReceivedCount");
          return received + rig.metric("dropped.kernel") >= n
              && rig.flumeCounter("EventAcceptedCount") + rig.metric("dropped.full") == received;
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });
      long delivered = rig.takeAll(n, 1000).size();
      assertEquals(100, delivered, "the channel's capacity (a batch still being delivered once took room freed here)");
      assertEquals(rig.flumeCounter("EventReceivedCount") - delivered, rig.metric("dropped.full"));
    }
  }

  @Test
  void emptyDatagramsAreCountedAsInvalidAndNotSentOn() throws Exception {
    try (SourceTestRig rig = new SourceTestRig(new SyslogUdpSource(), Map.of("readers", "1"), Map.of(), Map.of())) {
      send(rig, bytes("\n"), bytes(""), bytes("not syslog at all"));
      List<Event> got = rig.takeAll(1, 5000);
      assertEquals("not syslog at all", body(got.get(0)));
      assertEquals("Invalid", got.get(0).getHeaders().get("flume.syslog.status"));
      SourceTestRig.await("invalid counted", 2000, () -> {
        try {
          return rig.metric("invalid") == 3;
        } catch (Exception e) {
          throw new AssertionError(e);
        }
      });
      assertTrue(rig.takeAll(1, 300).isEmpty());
    }
  }

  @Test
  void throttledRejectIsRefusedAtConfigureTimeForUdp() {
    Map<String, String> props = Map.of("port", "5514", "interceptors", "ts gov",
        "interceptors.gov.type", "io.sluice.interceptor.TokenBucketInterceptor$Builder",
        "interceptors.gov.throttled", "reject", "interceptors.gov.limit", "10/s",
        "interceptors.ts.type", "timestamp");
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> new SyslogUdpSource().configure(new org.apache.flume.Context(props)));
    assertTrue(e.getMessage().contains("interceptors.gov.throttled"), e.getMessage());
    assertTrue(e.getMessage().contains("UDP cannot push back"), e.getMessage());
    Map<String, String> keep = new java.util.HashMap<>(props);
    keep.put("interceptors.gov.throttled", "keep");
    new SyslogUdpSource().configure(new org.apache.flume.Context(keep));
  }

  @Test
  void onlyMetricsThatCanMoveAreRegistered() throws Exception {
    try (SourceTestRig rig = new SourceTestRig(new SyslogUdpSource(), Map.of("readers", "1"), Map.of(), Map.of())) {
      assertEquals(new java.util.TreeSet<>(java.util.List.of("bytes", "invalid", "incomplete",
          "dropped.full", "dropped.rejected", "dropped.error", "dropped.stopped", "dropped.poison",
          "dropped.kernel")), rig.metricNames(), "no connection metrics on a UDP source");
    }
  }
}
