package io.sluice.source.hec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One connection's requests, answered in order, over an embedded channel: none is delivered here. */
class HecHandlerTest {

  static final String OPS = "11111111-2222-3333-4444-555555555555";
  static final int WRITABILITY = 1; // a user-defined writability bit: the client reads, or not

  final BodyBudget budget = new BodyBudget(1 << 20);
  final HecProtocol protocol = new HecProtocol(HecTokens.of(Map.of("tokens", "ops", "tokens.ops.value", OPS)),
      new BodyLimits(1 << 20, 1000, 4096, 8), null, () -> false, null, budget);
  final BudgetGate gate = new BudgetGate(budget, 1 << 16, () -> {});
  final HecHandler.Shared shared = new HecHandler.Shared(null, 100, null, new HecMetrics("hecHandlerTest"),
      TrustedProxies.parse("trustedProxies", "none"), null);
  final EmbeddedChannel ch = new EmbeddedChannel(gate, new HecHandler(protocol, gate, shared)) {
    @Override
    protected SocketAddress remoteAddress0() {
      return new InetSocketAddress("127.0.0.1", 40000); // the handler keys the client by it
    }
  };

  @AfterEach
  void close() {
    ch.finishAndReleaseAll();
  }

  private static FullHttpRequest post(String uri, String body) {
    FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri,
        Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    r.headers().set("Authorization", "Splunk " + OPS).setInt("Content-Length", r.content().readableBytes());
    return r;
  }

  /** The client reads its answers, or stops: Netty tells the pipeline on its next turn. */
  private void clientReads(boolean reads) {
    ch.unsafe().outboundBuffer().setUserDefinedWritability(WRITABILITY, reads);
    ch.runPendingTasks();
  }

  private List<String> answers() {
    List<String> out = new ArrayList<>();
    for (FullHttpResponse r; (r = ch.readOutbound()) != null; ) {
      out.add(r.status().code() + " " + r.content().toString(StandardCharsets.UTF_8));
      r.release();
    }
    return out;
  }

  @Test
  void aBadPercentEscapeIsAnswered400InvalidDataFormatAndItsRequestReleased() {
    FullHttpRequest bad = post("/services/collector/event?token=SECRET&a=%", "{\"event\":\"x\"}");
    ch.writeInbound(bad);
    assertEquals(0, bad.refCnt(), "released");
    assertEquals(List.of("400 {\"text\":\"Invalid data format\",\"code\":6}"), answers());
    assertTrue(ch.isActive(), "the connection goes on");
    assertEquals(0, budget.used(), "answered: its budget is back");
  }

  @Test
  void answersTheClientDoesNotReadHoldTheNextRequestsBackUntilItDoes() {
    ch.writeInbound(post("/x/1", ""));
    assertEquals(List.of("404"), statuses(answers()));
    clientReads(false); // its answers past the high mark
    ch.writeInbound(post("/x/2", ""));
    ch.writeInbound(post("/x/3", ""));
    assertEquals(List.of(), answers(), "not answered while the client does not read");
    assertFalse(ch.config().isAutoRead(), "and no more is read");

    clientReads(true); // back under the low mark
    assertEquals(List.of("404", "404"), statuses(answers()), "both, in order");
    assertTrue(ch.config().isAutoRead(), "read again");
    assertEquals(0, budget.used());
  }

  private static List<String> statuses(List<String> answers) {
    return answers.stream().map(a -> a.substring(0, 3)).toList();
  }

  @Test
  void aRequestAnsweredWhileTheClientIsNotReadingNeedsNoPause() {
    clientReads(false);
    ch.writeInbound(post("/x", ""));
    assertNull(ch.readOutbound());
    clientReads(true);
    assertEquals(List.of("404"), statuses(answers()));
    assertTrue(ch.config().isAutoRead());
  }
}
