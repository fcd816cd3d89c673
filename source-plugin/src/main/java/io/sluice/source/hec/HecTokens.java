package io.sluice.source.hec;

import io.sluice.core.config.ConfigValues;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The tokens a source accepts, read from its properties: {@code tokens = a b} names them, and
 * {@code tokens.<name>.value} (the secret, required), {@code .index}, {@code .indexes}, {@code
 * .sourcetype}, {@code .useAck}, {@code .allowQueryStringAuth}, {@code .disabled} describe each.
 *
 * <p>A presented secret is compared with every token's, each as a SHA-256 digest with {@link
 * MessageDigest#isEqual} (constant time for equal lengths, and digests have one length), so the
 * time of a lookup says nothing of how much of a secret was right, nor which token it was near. The
 * secrets are never kept as text, and nothing here prints them.
 */
public final class HecTokens {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  private static final Pattern LIST = Pattern.compile("[\\s,]+");

  private final List<Entry> entries;

  private record Entry(byte[] digest, HecToken token) {}

  private HecTokens(List<Entry> entries) {
    this.entries = List.copyOf(entries);
  }

  /** The tokens of a source's properties (Flume's context as a map); refuses a bad one, naming the key. */
  public static HecTokens of(Map<String, String> props) {
    String names = props.getOrDefault("tokens", "").trim();
    if (names.isEmpty()) {
      throw ConfigValues.invalid("tokens", names, "the names of one or more tokens, such as 'tokens = ops web',"
          + " each with tokens.<name>.value");
    }
    List<Entry> entries = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (String name : LIST.split(names)) {
      if (!NAME.matcher(name).matches()) {
        throw ConfigValues.invalid("tokens", names, "names of letters, digits, '_', '-' and '.' (" + name + " is not)");
      }
      if (!seen.add(name)) {
        throw ConfigValues.invalid("tokens", names, "each name once (" + name + " is twice)");
      }
      String p = "tokens." + name + ".";
      String value = props.getOrDefault(p + "value", "").trim();
      if (value.isEmpty()) {
        throw new IllegalArgumentException("Missing value for '" + p + "value': token " + name
            + " needs its secret (for a Splunk client, a GUID such as 0a9c2b6e-...)");
      }
      Set<String> indexes = new LinkedHashSet<>();
      String indexList = props.getOrDefault(p + "indexes", "").trim();
      if (!indexList.isEmpty()) {
        indexes.addAll(Arrays.asList(LIST.split(indexList)));
      }
      String index = blankToNull(props.get(p + "index"));
      if (index != null && !indexes.isEmpty() && !indexes.contains(index)) {
        throw ConfigValues.invalid(p + "index", index, "one of " + p + "indexes (" + indexes + ")");
      }
      HecToken t = new HecToken(name, index, Set.copyOf(indexes), blankToNull(props.get(p + "sourcetype")),
          bool(props, p + "useAck"), bool(props, p + "allowQueryStringAuth"), bool(props, p + "disabled"));
      byte[] digest = digest(value);
      for (Entry e : entries) {
        if (MessageDigest.isEqual(e.digest, digest)) {
          throw new IllegalArgumentException("Invalid value for '" + p + "value': token " + name
              + " has the same secret as token " + e.token.name() + "; each token needs its own");
        }
      }
      entries.add(new Entry(digest, t));
    }
    return new HecTokens(entries);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  private static boolean bool(Map<String, String> props, String key) {
    String v = props.getOrDefault(key, "false").trim();
    return Boolean.parseBoolean(ConfigValues.oneOf(key, v.toLowerCase(java.util.Locale.ROOT), "true", "false"));
  }

  /** The token whose secret is {@code secret}, or null. Every token is compared, whichever matches. */
  public HecToken find(String secret) {
    byte[] d = digest(secret);
    HecToken found = null;
    for (Entry e : entries) {
      if (MessageDigest.isEqual(e.digest, d)) {
        found = e.token;
      }
    }
    return found;
  }

  public List<HecToken> tokens() {
    return entries.stream().map(Entry::token).toList();
  }

  private static byte[] digest(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java has SHA-256", e);
    }
  }

  @Override
  public String toString() {
    return entries.stream().map(e -> e.token.name()).toList().toString(); // names only, never secrets
  }
}
