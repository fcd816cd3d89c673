package io.sluice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.it.harness.FlumeAgent;
import io.sluice.it.harness.Ports;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.MemoryUsage;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import org.junit.jupiter.api.Test;

/**
 * Floods Sluice's sources in a real agent and checks that what they hold stays bounded: a TCP
 * flood pushed back by the interceptor ({@code throttled = reject}) is held in the senders' socket
 * buffers, not in the agent's heap; a UDP flood beyond what the pipeline takes is dropped and
 * counted, never queued without bound; an HEC flood of large bodies, gzip bombs and requests over a
 * token's limit holds at most a body per connection.
 */
class SourceMemoryBoundsTest {

  private static final byte[] FRAME =
      "<13>1 2026-11-23T05:00:00Z flood app - - - a small message to flood with\n"
          .getBytes(StandardCharsets.US_ASCII);

  private static String config(String sourceType, int port, String throttled) {
    return """
        a1.sources = s1
        a1.channels = c1
        a1.sinks = k1
        a1.sources.s1.type = %s
        a1.sources.s1.host = 127.0.0.1
        a1.sources.s1.port = %d
        a1.sources.s1.batchSize = 1000
        a1.sources.s1.channels = c1
        a1.sources.s1.interceptors = gov
        a1.sources.s1.interceptors.gov.type = io.sluice.interceptor.TokenBucketInterceptor$Builder
        a1.sources.s1.interceptors.gov.metricsName = gov
        a1.sources.s1.interceptors.gov.key = clientIp
        a1.sources.s1.interceptors.gov.limit = 1000/s
        a1.sources.s1.interceptors.gov.defer.maxDelay = 1s
        a1.sources.s1.interceptors.gov.throttled = %s
        a1.channels.c1.type = io.sluice.channel.DisruptorChannel
        a1.channels.c1.capacity = 65536
        a1.sinks.k1.type = null
        a1.sinks.k1.channel = c1
        """.formatted(sourceType, port, throttled);
  }

  /**
   * Heap in use right after a full GC in the agent: what it really holds. Read from each heap
   * pool's usage as the GC left it, not from the heap's usage a moment later: under a flood that
   * allocates hundreds of MiB a second (inflating gzip bombs), the garbage made between the GC and
   * the read would count as held.
   */
  private static long heapAfterGc(FlumeAgent agent) throws Exception {
    ObjectName memory = new ObjectName("java.lang:type=Memory");
    agent.jmx().invoke(memory, "gc", null, null);
    long used = 0;
    for (ObjectName pool : agent.jmx().queryNames(new ObjectName("java.lang:type=MemoryPool,name=*"), null)) {
      if ("HEAP".equals(String.valueOf(agent.jmx().getAttribute(pool, "Type")))) {
        CompositeData after = (CompositeData) agent.jmx().getAttribute(pool, "CollectionUsage");
        if (after != null) {
          used += MemoryUsage.from(after).getUsed();
        }
      }
    }
    return used;
  }

  @Test
  void aPushedBackTcpFloodWaitsInTheSendersBuffersNotInTheHeap() throws Exception {
    int port = Ports.free();
    Path dir = FlumeAgent.cleanDir(FlumeAgent.workDir("memory-bounds-tcp"));
    try (FlumeAgent agent = FlumeAgent.start("a1", dir,
        config("io.sluice.source.SyslogTcpSource", port, "reject"))) {
      long before = heapAfterGc(agent);
      AtomicLong written = new AtomicLong();
      List<Socket> sockets = new ArrayList<>();
      List<Thread> senders = new ArrayList<>();
      byte[] chunk = new byte[FRAME.length * 1000];
      for (int i = 0; i < 1000; i++) {
        System.arraycopy(FRAME, 0, chunk, i * FRAME.length, FRAME.length);
      }
      for (int c = 0; c < 4; c++) {
        Socket s = new Socket("127.0.0.1", port);
        sockets.add(s);
        Thread t = new Thread(() -> {
          try {
            OutputStream out = s.getOutputStream();
            while (true) { // blocks once the source stops reading: that is the pushback
              out.write(chunk);
              written.addAndGet(chunk.length);
            }
          } catch (IOException closed) {
            // the test closed the socket
          }
        });
        t.setDaemon(true);
        t.start();
        senders.add(t);
      }
      Thread.sleep(5000); // long enough to fill every socket buffer between the senders and us
      long writtenAt5s = written.get();
      Thread.sleep(3000);
      long writtenLast3s = (written.get() - writtenAt5s) / FRAME.length;
      long accepted = agent.counter("org.apache.flume.source:type=s1", "EventAcceptedCount");
      long held = heapAfterGc(agent);
      for (Socket s : sockets) {
        s.close();
      }
      assertTrue(agent.isAlive());
      // 1000/s with 1 s of deferral: about 10,000 in 8 s, never the flood.
      assertTrue(accepted <= 1000 + 1000 * 10, "accepted " + accepted);
      assertTrue(accepted >= 5000, "the limit's rate got through: " + accepted);
      // Unchecked, the four senders write millions of messages a second; held back, about what the
      // limit accepts (3000 in 3 s), give or take a chunk per connection.
      assertTrue(writtenLast3s < 20_000, "the senders were held back: " + writtenLast3s
          + " messages written in the last 3 s, " + accepted + " accepted in all");
      assertTrue(held - before < 64L << 20,
          "heap after GC grew by " + ((held - before) >> 20) + " MiB (from " + (before >> 20) + ")");
      assertTrue(agent.counter("org.apache.flume.sluice:name=source.s1.backpressure.pauses", "Count") > 0);
    }
  }

  @Test
  void aUdpFloodIsDroppedAndCountedNotQueued() throws Exception {
    int port = Ports.free();
    Path dir = FlumeAgent.cleanDir(FlumeAgent.workDir("memory-bounds-udp"));
    try (FlumeAgent agent = FlumeAgent.start("a1", dir,
        config("io.sluice.source.SyslogUdpSource", port, "drop"))) {
      long before = heapAfterGc(agent);
      int sent = 0;
      try (DatagramSocket s = new DatagramSocket()) {
        DatagramPacket p = new DatagramPacket(FRAME, FRAME.length, new InetSocketAddress("127.0.0.1", port));
        long end = System.nanoTime() + Duration.ofSeconds(6).toNanos();
        while (System.nanoTime() < end) {
          s.send(p);
          sent++;
        }
      }
      int total = sent;
      agent.await(Duration.ofSeconds(20), "every datagram accounted for", () -> {
        long received = agent.counter("org.apache.flume.source:type=s1", "EventReceivedCount");
        long kernel = agent.counter("org.apache.flume.sluice:name=source.s1.dropped.kernel", "Value");
        return received + kernel >= total;
      });
      long held = heapAfterGc(agent);
      long received = agent.counter("org.apache.flume.source:type=s1", "EventReceivedCount");
      long kernel = agent.counter("org.apache.flume.sluice:name=source.s1.dropped.kernel", "Value");
      assertEquals(total, received + kernel, "each datagram read or counted as dropped by the kernel");
      long throttled = agent.counter("org.apache.flume.interceptor:type=gov", "ThrottledCount");
      assertTrue(throttled > received / 2, "the flood was throttled: " + throttled + " of " + received);
      assertTrue(held - before < 64L << 20,
          "heap after GC grew by " + ((held - before) >> 20) + " MiB (from " + (before >> 20) + ")");
    }
  }

  /**
   * 16 keep-alive connections post as fast as they can: 1 MiB batches of a token limited to 1000
   * events a second (429 beyond it), gzip bombs (64 MiB inflated, 413 at 16 MiB), bodies over
   * maxContentLength (413 before they are read). The heap after a GC, taken during the flood and
   * after it, stays within what the connections may hold (a body each), and a client with another
   * token is served all along.
   */
  @Test
  void anHecFloodHoldsAtMostABodyPerConnection() throws Exception {
    int port = Ports.free();
    Path dir = FlumeAgent.cleanDir(FlumeAgent.workDir("memory-bounds-hec"));
    String flood = "f100d000-0000-4000-8000-00000000f100";
    String calm = "ca1a0000-0000-4000-8000-00000000ca1a";
    String conf = """
        a1.sources = s1
        a1.channels = c1
        a1.sinks = k1
        a1.sources.s1.type = io.sluice.source.HecSource
        a1.sources.s1.host = 127.0.0.1
        a1.sources.s1.port = %d
        a1.sources.s1.channels = c1
        a1.sources.s1.maxContentLength = 2097152
        a1.sources.s1.maxBufferedBytes = 67108864
        a1.sources.s1.tokens = flood calm
        a1.sources.s1.tokens.flood.value = %s
        a1.sources.s1.tokens.calm.value = %s
        a1.sources.s1.interceptors = gov
        a1.sources.s1.interceptors.gov.type = io.sluice.interceptor.TokenBucketInterceptor$Builder
        a1.sources.s1.interceptors.gov.metricsName = gov
        a1.sources.s1.interceptors.gov.key = hec.token
        a1.sources.s1.interceptors.gov.limit = 1000/s burst 1000
        a1.sources.s1.interceptors.gov.defer.maxDelay = 0s
        a1.sources.s1.interceptors.gov.throttled = reject
        a1.channels.c1.type = io.sluice.channel.DisruptorChannel
        a1.channels.c1.capacity = 65536
        a1.sinks.k1.type = null
        a1.sinks.k1.channel = c1
        """.formatted(port, flood, calm);
    byte[] batch = hecBatch(1 << 20);
    byte[] bomb = gzipOfZeros(64 << 20);
    byte[] oversized = new byte[3 << 20];
    java.util.Arrays.fill(oversized, (byte) ' ');
    try (FlumeAgent agent = FlumeAgent.start("a1", dir, conf)) {
      long before = heapAfterGc(agent);
      java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
      java.util.Map<Integer, AtomicLong> statuses = new java.util.concurrent.ConcurrentHashMap<>();
      List<Thread> senders = new ArrayList<>();
      for (int c = 0; c < 16; c++) {
        byte[][] kinds = {batch, bomb, oversized};
        int kind = c % 3;
        Thread t = new Thread(() -> {
          java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
              .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
          while (!stop.get()) {
            java.net.http.HttpRequest.Builder r = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/services/collector"))
                .header("Authorization", "Splunk " + flood)
                .timeout(Duration.ofSeconds(30))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(kinds[kind]));
            if (kind == 1) {
              r.header("Content-Encoding", "gzip");
            }
            try {
              int status = http.send(r.build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
              statuses.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
            } catch (IOException e) {
              statuses.computeIfAbsent(-1, k -> new AtomicLong()).incrementAndGet(); // 413 may close
            } catch (InterruptedException e) {
              return;
            }
          }
        });
        t.setDaemon(true);
        t.start();
        senders.add(t);
      }
      io.sluice.it.harness.HecClient calmClient = new io.sluice.it.harness.HecClient(port, calm,
          "ca1a0000-0000-4000-8000-000000000001");
      long peak = 0;
      int calmServed = 0;
      for (int i = 0; i < 8; i++) {
        Thread.sleep(1000);
        if (calmClient.post("/services/collector", "{\"event\":\"calm " + i + "\"}").status() == 200) {
          calmServed++;
        }
        peak = Math.max(peak, heapAfterGc(agent));
      }
      stop.set(true);
      for (Thread t : senders) {
        t.join(30_000);
      }
      long after = heapAfterGc(agent);
      assertTrue(agent.isAlive());
      assertEquals(8, calmServed, "the other token was served all along: " + statuses);
      assertTrue(statuses.getOrDefault(429, new AtomicLong()).get() > 0, "the flood token was limited: " + statuses);
      assertTrue(statuses.getOrDefault(413, new AtomicLong()).get() + statuses.getOrDefault(-1, new AtomicLong()).get() > 0,
          "bombs and oversized bodies were refused: " + statuses);
      // 16 connections hold bodies counted against maxBufferedBytes (64 MiB; a body twice its
      // length, an inflated one twice its inflated length): the heap holds about that, and the events
      // taken meanwhile.
      System.out.println("hec flood: heap after GC grew by " + ((peak - before) >> 20) + " MiB at most during the flood, "
          + ((after - before) >> 20) + " MiB after it; " + statuses);
      assertTrue(peak - before < 160L << 20, "heap after GC during the flood grew by " + ((peak - before) >> 20) + " MiB");
      assertTrue(after - before < 32L << 20, "heap after GC after the flood grew by " + ((after - before) >> 20) + " MiB");
    }
  }

  private static byte[] hecBatch(int bytes) {
    StringBuilder b = new StringBuilder(bytes + 200);
    String event = "{\"event\":\"" + "x".repeat(1000) + "\"}";
    while (b.length() < bytes) {
      b.append(event);
    }
    return b.toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] gzipOfZeros(int bytes) throws IOException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPOutputStream z = new java.util.zip.GZIPOutputStream(out)) {
      z.write("{\"event\":\"".getBytes(StandardCharsets.US_ASCII));
      byte[] zeros = new byte[1 << 20];
      java.util.Arrays.fill(zeros, (byte) 'a');
      for (int i = 0; i < bytes >> 20; i++) {
        z.write(zeros);
      }
    }
    return out.toByteArray();
  }
}
