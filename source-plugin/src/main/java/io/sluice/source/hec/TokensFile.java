package io.sluice.source.hec;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * {@code tokensFile}: the source's tokens in a properties file of their own, with the keys they
 * have in the agent's ({@code tokens = a b}, {@code tokens.a.value = ...}), so that operators can
 * add, disable and rotate tokens without restarting the agent (and keep the secrets out of the
 * agent's configuration). The file is small: it is read whole at each check and parsed only when
 * its bytes changed. Not thread-safe: one checker.
 */
public final class TokensFile {

  private final Path path;
  private byte[] last;

  public TokensFile(Path path) {
    this.path = path;
  }

  public Path path() {
    return path;
  }

  /**
   * The tokens, read now; refuses a file that cannot be read or a bad token, naming the key (never
   * a secret).
   */
  public HecTokens load() throws IOException {
    byte[] bytes = Files.readAllBytes(path);
    HecTokens tokens = parse(bytes);
    last = bytes;
    return tokens;
  }

  /** The tokens when the file changed since the last load that succeeded or failed; else null. */
  public HecTokens loadIfChanged() throws IOException {
    byte[] bytes = Files.readAllBytes(path);
    if (Arrays.equals(bytes, last)) {
      return null;
    }
    last = bytes; // a bad file is reported once, not at every check
    return parse(bytes);
  }

  private static HecTokens parse(byte[] bytes) throws IOException {
    Properties p = new Properties();
    p.load(new StringReader(new String(bytes, StandardCharsets.UTF_8)));
    Map<String, String> map = new HashMap<>();
    for (String k : p.stringPropertyNames()) {
      map.put(k, p.getProperty(k));
    }
    return HecTokens.of(map);
  }
}
