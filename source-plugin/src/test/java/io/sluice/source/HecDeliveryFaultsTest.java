package io.sluice.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.source.delivery.FailingInterceptor;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flume.Event;
import org.junit.jupiter.api.Test;

/**
 * Faults on the way into the channels, as an HEC client meets them: a refused request is sent
 * again whole, so nothing of it may be kept (the resend would write it twice) and nothing of it
 * may be dropped while it is answered as taken.
 */
class HecDeliveryFaultsTest {

  static final String TOKEN = "11111111-2222-3333-4444-555555555555";

  private static Map<String, String> props() {
    return new HashMap<>(Map.of("tokens", "ops", "tokens.ops.value", TOKEN));
  }

  /** Posts {@code body} on a connection of its own; returns the whole answer, head and body. */
  private static String post(SourceTestRig rig, String path, String body) throws Exception {
    byte[] b = body.getBytes(StandardCharsets.US_ASCII);
    try (Socket s = new Socket("127.0.0.1", rig.port)) {
      s.setSoTimeout(5000);
      OutputStream out = s.getOutputStream();
      out.write(("POST " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Splunk "
          + TOKEN + "\r\nContent-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(b);
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  private static String status(String answer) {
    return answer.lines().findFirst().orElse("");
  }

  private static List<String> bodies(List<Event> events) {
    return events.stream().map(SourceTestRig::body).toList();
  }

  /** The splunk-logging client's default: one event per request. */
  @Test
  void aOneEventRequestWhoseInterceptorFailsIsRefusedAndItsResendDelivered() throws Exception {
    try (SourceTestRig rig = new SourceTestRig(new HecSource(), props(), Map.of(),
        FailingInterceptor.chain(1))) {
      String first = post(rig, "/services/collector", "{\"event\":\"only\"}");
      assertEquals("HTTP/1.1 500 Internal Server Error", status(first), first);
      assertEquals(List.of(), bodies(rig.takeAll(1, 300)), "refused: nothing reached the channel");
      String resent = post(rig, "/services/collector", "{\"event\":\"only\"}");
      assertEquals("HTTP/1.1 200 OK", status(resent), resent);
      assertEquals(List.of("only"), bodies(rig.takeAll(2, 500)));
    }
  }

  /** MemoryChannel at its byteCapacity throws a plain ChannelException: still no room. */
  @Test
  void aRequestBeyondTheByteCapacityIsAnswered503AndNothingOfItIsKept() throws Exception {
    // 10 slots of 100 bytes; each line below is an event of 100 bytes, one slot.
    try (SourceTestRig rig = new SourceTestRig(new HecSource(), props(),
        Map.of("byteCapacity", "1000", "byteCapacityBufferPercentage", "0"), Map.of())) {
      assertEquals("HTTP/1.1 200 OK", status(post(rig, "/services/collector/raw", lines("f", 8))));
      String refused = post(rig, "/services/collector/raw", lines("r", 3));
      assertEquals("HTTP/1.1 503 Service Unavailable", status(refused), refused);
      assertTrue(refused.toLowerCase(Locale.ROOT).contains("\r\nretry-after: "), refused);
      List<String> held = bodies(rig.takeAll(20, 300));
      assertEquals(8, held.size(), "the filler only, nothing of the refused request: " + held);
      String resent = post(rig, "/services/collector/raw", lines("r", 3));
      assertEquals("HTTP/1.1 200 OK", status(resent), resent);
      assertEquals(List.of(line("r", 0), line("r", 1), line("r", 2)), bodies(rig.takeAll(20, 300)),
          "the resend, each event once");
    }
  }

  private static String lines(String prefix, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append(line(prefix, i)).append('\n');
    }
    return b.toString();
  }

  private static String line(String prefix, int i) {
    String head = prefix + i + " ";
    return head + "y".repeat(100 - head.length());
  }
}
