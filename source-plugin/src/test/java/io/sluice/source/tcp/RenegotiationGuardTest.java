package io.sluice.source.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.sluice.core.metrics.SluiceMetrics;
import io.sluice.source.SourceMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link RenegotiationGuard} in front of a real server {@link SslHandler} (the context {@link
 * TlsSettings} builds), talking to a real JDK client engine, without sockets: the two channels'
 * bytes are handed across by the test, which can also join, cut or hold them.
 */
class RenegotiationGuardTest {

  private static final String PASS = "changeit";
  private static final AtomicInteger NAMES = new AtomicInteger();

  @TempDir static Path dir;
  private static Path keystore;
  private static SSLContext clientContext;

  private String sourceName;
  private SourceMetrics metrics;

  @BeforeAll
  static void keys() throws Exception {
    keystore = TestKeys.keypair(dir, "server", "CN=localhost", PASS);
    clientContext = TestKeys.clientContext(TestKeys.trustStoreOf(dir, "server", PASS), null, PASS);
  }

  @BeforeEach
  void metrics() {
    sourceName = "guard" + NAMES.incrementAndGet();
    metrics = new SourceMetrics(sourceName, SourceMetrics.Kind.CONNECTIONS);
  }

  private long refusedTls() {
    return SluiceMetrics.registry().counter("source." + sourceName + ".connections.refused.tls").getCount();
  }

  private static SslContext serverContext(String protocol) {
    return new TlsSettings(keystore.toString(), Secret.of(PASS), "PKCS12", Set.of(protocol), Set.of(),
        Set.of(), Set.of(), ClientAuth.NONE, null, Secret.of(null), null).build();
  }

  /** A server connection as TcpServer builds it: the guard, then the SslHandler. */
  private EmbeddedChannel server(SslContext context) {
    return new EmbeddedChannel(new RenegotiationGuard(metrics), context.newHandler(ByteBufAllocator.DEFAULT));
  }

  private static EmbeddedChannel client(String protocol) {
    // The same peer name and port each time, so that the client's session cache can resume.
    SSLEngine engine = clientContext.createSSLEngine("localhost", 6514);
    engine.setUseClientMode(true);
    engine.setEnabledProtocols(new String[] {protocol});
    return new EmbeddedChannel(new SslHandler(engine));
  }

  /** Hands each side's bytes to the other until neither has more. */
  private static void pump(EmbeddedChannel client, EmbeddedChannel server) {
    for (boolean moved = true; moved; ) {
      moved = deliver(client, server) | deliver(server, client);
    }
  }

  private static boolean deliver(EmbeddedChannel from, EmbeddedChannel to) {
    boolean any = false;
    for (ByteBuf b; (b = from.readOutbound()) != null; ) {
      any = true;
      if (to.isOpen()) {
        to.writeInbound(b);
      } else {
        b.release();
      }
    }
    return any;
  }

  /** All that is waiting to leave {@code channel}, as one buffer. */
  private static ByteBuf drain(EmbeddedChannel channel) {
    CompositeByteBuf all = Unpooled.compositeBuffer();
    for (ByteBuf b; (b = channel.readOutbound()) != null; ) {
      all.addComponent(true, b);
    }
    return all;
  }

  private static ByteBuf encrypted(EmbeddedChannel client, String text) {
    client.writeOutbound(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    return drain(client);
  }

  private static ByteBuf renegotiation(EmbeddedChannel client) {
    client.pipeline().get(SslHandler.class).renegotiate();
    client.runPendingTasks();
    return drain(client);
  }

  /** What reached the end of the server's pipeline, decrypted. */
  private static String received(EmbeddedChannel server) {
    StringBuilder out = new StringBuilder();
    for (ByteBuf b; (b = server.readInbound()) != null; ) {
      out.append(b.toString(StandardCharsets.UTF_8));
      b.release();
    }
    return out.toString();
  }

  private static void handshake(EmbeddedChannel client, EmbeddedChannel server) {
    pump(client, server);
    assertTrue(server.pipeline().get(SslHandler.class).handshakeFuture().isSuccess(), "handshake");
  }

  @Test
  void aTls12ClientAskingToRenegotiateIsClosedAndCounted() {
    EmbeddedChannel server = server(serverContext("TLSv1.2"));
    EmbeddedChannel client = client("TLSv1.2");
    handshake(client, server);
    server.writeInbound(encrypted(client, "<13>hello\n"));
    assertEquals("<13>hello\n", received(server));

    server.writeInbound(renegotiation(client));
    assertFalse(server.isOpen(), "closed at the renegotiation's ClientHello");
    assertEquals(1, refusedTls());
  }

  @Test
  void whatATls12ClientSentBeforeAskingToRenegotiateIsStillDelivered() {
    EmbeddedChannel server = server(serverContext("TLSv1.2"));
    EmbeddedChannel client = client("TLSv1.2");
    handshake(client, server);
    ByteBuf data = encrypted(client, "<13>sent before\n");
    server.writeInbound(Unpooled.wrappedBuffer(data, renegotiation(client))); // one read

    assertEquals("<13>sent before\n", received(server));
    assertFalse(server.isOpen());
    assertEquals(1, refusedTls());
  }

  @Test
  void recordsArrivingAByteAtATimeAreFollowed() {
    EmbeddedChannel server = server(serverContext("TLSv1.2"));
    EmbeddedChannel client = client("TLSv1.2");
    handshake(client, server);
    ByteBuf data = Unpooled.wrappedBuffer(encrypted(client, "<13>one\n"), encrypted(client, "<13>two\n"));
    while (data.isReadable()) {
      server.writeInbound(data.readRetainedSlice(1));
    }
    data.release();
    assertEquals("<13>one\n<13>two\n", received(server));
    assertTrue(server.isOpen());

    ByteBuf hello = renegotiation(client);
    server.writeInbound(hello.readRetainedSlice(1)); // the content type is enough
    hello.release();
    assertFalse(server.isOpen());
    assertEquals(1, refusedTls());
  }

  @Test
  void aRenegotiationRightBehindTheClientsFinishedIsSeen() {
    SslContext context = serverContext("TLSv1.2");
    EmbeddedChannel first = client("TLSv1.2");
    handshake(first, server(context)); // a session for the client to resume

    // Resumed, the server sends its Finished first; the client's Finished ends the handshake, and
    // the client can send a ClientHello behind it before the server has read either.
    EmbeddedChannel server = server(context);
    EmbeddedChannel client = client("TLSv1.2");
    deliver(client, server); // ClientHello
    deliver(server, client); // ServerHello, ChangeCipherSpec, Finished
    assertTrue(client.pipeline().get(SslHandler.class).handshakeFuture().isSuccess(), "resumed");
    ByteBuf finished = drain(client); // ChangeCipherSpec, Finished
    SslHandler tls = server.pipeline().get(SslHandler.class);
    server.writeInbound(Unpooled.wrappedBuffer(finished, renegotiation(client))); // one read

    assertTrue(tls.handshakeFuture().isSuccess(), "the resumed handshake completed");
    assertFalse(server.isOpen());
    assertEquals(1, refusedTls());
  }

  @Test
  void aTls13ConnectionIsLeftAloneOnceItsHandshakeIsDone() {
    EmbeddedChannel server = server(serverContext("TLSv1.3"));
    EmbeddedChannel client = client("TLSv1.3");
    handshake(client, server);
    server.writeInbound(encrypted(client, "<13>over 1.3\n"));

    assertEquals("<13>over 1.3\n", received(server));
    assertNull(server.pipeline().get(RenegotiationGuard.class), "no renegotiation in TLS 1.3: nothing to watch");
    assertTrue(server.isOpen());
    assertEquals(0, refusedTls());
  }
}
