package io.sluice.core.limit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The limiter model as a Redis script ({@code shared-decide.lua}, beside this class): its text, to
 * load it, and its SHA-1, to call it by digest.
 */
public final class SharedScript {

  static final SharedScript DECIDE = load("shared-decide.lua");

  private final String text;
  private final String sha1;

  private SharedScript(String text) {
    this.text = text;
    try {
      this.sha1 = HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-1", e);
    }
  }

  private static SharedScript load(String resource) {
    try (InputStream in = SharedScript.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the jar");
      }
      return new SharedScript(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String text() {
    return text;
  }

  public String sha1() {
    return sha1;
  }
}
