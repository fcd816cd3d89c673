package io.sluice.core.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.core.Disposition;
import io.sluice.core.limit.redis.RedisServer;
import io.sluice.core.limit.redis.RedisSettings;
import io.sluice.core.time.Clock;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code redis.uri} with a password, over TLS ({@code rediss://}), read the way an agent reads it
 * (RedisSettings), against a real redis-server that requires both.
 */
class SharedGovernorTlsTest {

  @TempDir Path dir;

  @Test
  void aPasswordAndTlsFromTheUriReachRedis() throws Exception {
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "key.pem", "-out",
        "cert.pem", "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1");
    int tlsPort = RedisServer.freePort();
    try (RedisServer redis = RedisServer.start(List.of("--requirepass", "s3cret",
        "--tls-port", Integer.toString(tlsPort), "--tls-auth-clients", "no",
        "--tls-cert-file", dir.resolve("cert.pem").toString(),
        "--tls-key-file", dir.resolve("key.pem").toString(),
        "--tls-ca-cert-file", dir.resolve("cert.pem").toString()))) {
      GovernorConfig cfg = GovernorConfig.builder().tier("default", List.of(Rate.of(10, "s")))
          .newKeyLimit(List.of()).build();
      // The test's certificate is its own: not checked here (verifyPeer=NONE), where an agent
      // checks the server against its JVM's trust store.
      for (String uri : List.of("rediss://:s3cret@127.0.0.1:" + tlsPort + "?verifyPeer=NONE",
          "redis://:s3cret@127.0.0.1:" + redis.port())) {
        Map<String, String> props = Map.of("store", "redis", "redis.uri", uri,
            "redis.prefix", uri.substring(0, 6) + ":", "redis.onFailure", "closed");
        try (Limiter g = RedisSettings.limiter(RedisSettings.read(props::get), cfg, Clock.SYSTEM)) {
          Decision[] out = new Decision[12];
          String[] keys = new String[12];
          Arrays.fill(keys, "k");
          g.decideAll(12, keys, new String[12], new boolean[12], false, out);
          assertEquals(10, Arrays.stream(out)
              .filter(d -> d.disposition() == Disposition.PROCESSED).count(), uri);
          assertEquals(0, ((SharedGovernor) g).failures(), uri);
        }
      }
      // A wrong password is refused: the batch is decided by onFailure, and counted.
      Map<String, String> wrong = Map.of("store", "redis",
          "redis.uri", "redis://:wrong@127.0.0.1:" + redis.port(), "redis.onFailure", "closed");
      try (Limiter g = RedisSettings.limiter(RedisSettings.read(wrong::get), cfg, Clock.SYSTEM)) {
        assertEquals(ThrottleReason.STORE, g.decideOne("k").reason());
        assertEquals(1, ((SharedGovernor) g).failures());
      }
    }
  }

  private void openssl(String... args) throws IOException, InterruptedException {
    String[] command = new String[args.length + 1];
    command[0] = "openssl";
    System.arraycopy(args, 0, command, 1, args.length);
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .start();
    String output = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), "openssl: " + output);
  }
}
