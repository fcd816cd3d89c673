package io.sluice.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.it.harness.Command;
import io.sluice.it.harness.FlumeAgent;
import io.sluice.it.harness.Ports;
import io.sluice.it.harness.TlsMaterial;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HecSource over HTTPS in a real agent, with Flume's ssl keys: curl posts events over TLS 1.2 and
 * TLS 1.3, checking the server's certificate against the test CA and its name, and they are
 * taken; {@code openssl s_client} offering only TLS 1.0 or 1.1 is refused by the source with a
 * protocol alert.
 */
class HecTlsEndToEndTest {

  private static final String TOKEN = "7c1e2d3f-4a5b-4c6d-8e7f-901234567890";

  private static FlumeAgent agent;
  private static TlsMaterial tls;
  private static int port;

  @BeforeAll
  static void startAgent() {
    tls = TlsMaterial.generate(FlumeAgent.workDir("hec-tls-material"));
    port = Ports.free();
    agent = FlumeAgent.start("a1", FlumeAgent.cleanDir(FlumeAgent.workDir("hec-tls")), """
        a1.sources = hec
        a1.channels = c1
        a1.sinks = k1
        a1.sources.hec.type = io.sluice.source.HecSource
        a1.sources.hec.host = 127.0.0.1
        a1.sources.hec.port = %d
        a1.sources.hec.channels = c1
        a1.sources.hec.tokens = ops
        a1.sources.hec.tokens.ops.value = %s
        a1.sources.hec.ssl = true
        a1.sources.hec.keystore = %s
        a1.sources.hec.keystore-password = %s
        a1.sources.hec.keystore-type = PKCS12
        a1.channels.c1.type = memory
        a1.sinks.k1.type = null
        a1.sinks.k1.channel = c1
        """.formatted(port, TOKEN, tls.serverKeystore(), tls.password()));
  }

  @AfterAll
  static void stopAgent() {
    if (agent != null) {
      agent.close();
    }
  }

  private static long taken() {
    return agent.counter("org.apache.flume.channel:type=c1", "EventPutSuccessCount");
  }

  @ParameterizedTest(name = "curl {0}")
  @ValueSource(strings = {"--tlsv1.2 --tls-max 1.2", "--tlsv1.3"})
  void curlPostsOverTls(String versions) {
    long before = taken();
    List<String> cmd = new ArrayList<>(List.of(Command.require("curl", "curl"), "-sS", "-w", "\n%{http_code}",
        "--cacert", tls.caPem().toString(), "--resolve", "localhost:" + port + ":127.0.0.1",
        "-H", "Authorization: Splunk " + TOKEN, "-d", "{\"event\":\"over tls\"}"));
    cmd.addAll(List.of(versions.split(" ")));
    cmd.add("https://localhost:" + port + "/services/collector/event");
    String out = Command.run(cmd).requireOk().output();
    assertTrue(out.contains("{\"text\":\"Success\",\"code\":0}") && out.strip().endsWith("200"), out);
    agent.await(Duration.ofSeconds(10), "the event taken", () -> taken() == before + 1);
  }

  @ParameterizedTest(name = "{0} refused")
  @ValueSource(strings = {"-tls1", "-tls1_1"})
  void tls10And11AreRefused(String protocol) {
    long before = taken();
    // SECLEVEL=0 lets this OpenSSL offer the old protocol, so that the refusal is the server's.
    Command.Result r = Command.run(List.of(Command.require("openssl", "openssl"), "s_client",
        "-connect", "127.0.0.1:" + port, "-servername", "localhost", "-CAfile", tls.caPem().toString(),
        "-quiet", "-no_ign_eof", protocol, "-cipher", "DEFAULT:@SECLEVEL=0"),
        "POST /services/collector/event HTTP/1.1\r\nHost: localhost\r\nAuthorization: Splunk " + TOKEN
            + "\r\nContent-Length: 19\r\n\r\n{\"event\":\"old tls\"}", Duration.ofSeconds(20));
    Assumptions.assumeFalse(r.output().contains("no protocols available")
            || r.output().contains("unsupported protocol"),
        () -> "this openssl cannot offer " + protocol + " at all: " + r.output());
    assertFalse(r.ok(), () -> protocol + " should be refused: " + r.describe());
    assertTrue(r.output().contains("alert protocol version"), r::describe);
    assertEquals(before, taken(), "nothing taken over " + protocol);
  }
}
