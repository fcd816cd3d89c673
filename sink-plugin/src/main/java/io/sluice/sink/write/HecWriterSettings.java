package io.sluice.sink.write;

import io.sluice.core.config.ConfigValues;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import org.apache.flume.Context;

/**
 * The {@code hec} writer's configuration, checked at configure time: a bad value names its key and
 * what is accepted, and the truststore is loaded then, so that a typo stops the sink before events
 * flow rather than failing every batch.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><th>key</th><th>default</th><th>accepted</th></tr>
 *   <tr><td>hec.url</td><td>(required)</td><td>{@code http://} or {@code https://} host and port;
 *       with no path (or {@code /}) events go to {@code /services/collector/event}, otherwise to
 *       the path given; acknowledgements are always queried at {@code /services/collector/ack} on
 *       the same host</td></tr>
 *   <tr><td>hec.token</td><td>(required)</td><td>the token, printable ASCII without spaces; never
 *       logged nor put in an error message</td></tr>
 *   <tr><td>hec.batchSize</td><td>100</td><td>events per request, 1 to 100000</td></tr>
 *   <tr><td>hec.gzip</td><td>true</td><td>true | false: {@code Content-Encoding: gzip}</td></tr>
 *   <tr><td>hec.useAck</td><td>false</td><td>true | false: wait for indexer
 *       acknowledgements</td></tr>
 *   <tr><td>hec.timeout</td><td>30s</td><td>per request, 100ms to 1h</td></tr>
 *   <tr><td>hec.maxBackoff</td><td>30s</td><td>longest wait between attempts, 1ms to 1h</td></tr>
 *   <tr><td>hec.ackPollInterval</td><td>1s</td><td>10ms to 10m</td></tr>
 *   <tr><td>hec.ackTimeout</td><td>5m</td><td>at least the poll interval, at most 1d: a request
 *       not acknowledged by then is sent again</td></tr>
 *   <tr><td>hec.truststore</td><td>(the JDK's trust)</td><td>a keystore file of trusted
 *       certificates</td></tr>
 *   <tr><td>hec.truststore-password</td><td>(none)</td><td>its password</td></tr>
 *   <tr><td>hec.truststore-type</td><td>JKS</td><td>a keystore type of this JVM, e.g.
 *       PKCS12</td></tr>
 * </table>
 *
 * @param eventUri where envelopes are posted
 * @param ackUri where acknowledgements are polled
 * @param truststore the trust's file, or null for the JDK's default trust
 * @param sslContext built from {@code truststore}, or null for the JDK's default
 */
public record HecWriterSettings(
    URI eventUri,
    URI ackUri,
    String token,
    int batchSize,
    boolean gzip,
    boolean useAck,
    Duration timeout,
    Duration maxBackoff,
    Duration ackPollInterval,
    Duration ackTimeout,
    Path truststore,
    SSLContext sslContext) {

  public static final String KEYS = "hec.";
  public static final String EVENT_PATH = "/services/collector/event";
  public static final String ACK_PATH = "/services/collector/ack";
  public static final int DEFAULT_BATCH_SIZE = 100;
  public static final int MAX_BATCH_SIZE = 100_000;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
  public static final Duration DEFAULT_ACK_POLL_INTERVAL = Duration.ofSeconds(1);
  /** Splunk's advice: resend what is not acknowledged within about 5 minutes. */
  public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofMinutes(5);

  /** Reads the {@code hec.*} keys (see the class comment). */
  public static HecWriterSettings parse(Context ctx) {
    URI[] endpoints = endpoints(ctx.getString(KEYS + "url"));
    String token = token(ctx.getString(KEYS + "token"));
    int batchSize = (int) ConfigValues.between(KEYS + "batchSize",
        ctx.getString(KEYS + "batchSize", Integer.toString(DEFAULT_BATCH_SIZE)), 1, MAX_BATCH_SIZE);
    boolean gzip = bool(ctx, KEYS + "gzip", true);
    boolean useAck = bool(ctx, KEYS + "useAck", false);
    Duration timeout = duration(ctx, KEYS + "timeout", DEFAULT_TIMEOUT,
        Duration.ofMillis(100), Duration.ofHours(1), "from 100ms to 1h");
    Duration maxBackoff = duration(ctx, KEYS + "maxBackoff", DEFAULT_MAX_BACKOFF,
        Duration.ofMillis(1), Duration.ofHours(1), "from 1ms to 1h");
    Duration pollInterval = duration(ctx, KEYS + "ackPollInterval", DEFAULT_ACK_POLL_INTERVAL,
        Duration.ofMillis(10), Duration.ofMinutes(10), "from 10ms to 10m");
    Duration ackTimeout = duration(ctx, KEYS + "ackTimeout", DEFAULT_ACK_TIMEOUT,
        pollInterval, Duration.ofDays(1), "of at least hec.ackPollInterval ("
            + ctx.getString(KEYS + "ackPollInterval", "1s").trim() + ") and at most 1d");
    TrustStores.Trust trust = TrustStores.load(KEYS, ctx);
    return new HecWriterSettings(endpoints[0], endpoints[1], token, batchSize, gzip, useAck,
        timeout, maxBackoff, pollInterval, ackTimeout, trust.file(), trust.context());
  }

  /** For a log line: everything but the token, of which only the length is told. */
  public String describe() {
    return eventUri + " (token of " + token.length() + " characters, up to " + batchSize
        + " events a request" + (gzip ? ", gzip" : "")
        + (useAck ? ", indexer acknowledgements polled every " + ackPollInterval.toMillis()
            + " ms, resent after " + ackTimeout.toSeconds() + " s" : ", no acknowledgements")
        + ", trusting " + (truststore == null ? "the JDK's certificates" : truststore) + ")";
  }

  /** Never the token: a record's own toString would print it wherever settings are logged. */
  @Override
  public String toString() {
    return "HecWriterSettings[" + describe() + "]";
  }

  /** The event endpoint and the ack endpoint that {@code hec.url} names. */
  static URI[] endpoints(String text) {
    String key = KEYS + "url";
    String expected = "an http:// or https:// address of a Splunk HTTP Event Collector, such as"
        + " https://splunk.example.com:8088 (required with writer = hec)";
    if (text == null || text.isBlank()) {
      throw ConfigValues.invalid(key, text == null ? "" : text, expected);
    }
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw ConfigValues.invalid(key, text, expected + "; " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
      throw ConfigValues.invalid(key, text, expected);
    }
    if (uri.getRawUserInfo() != null) {
      // A password here would end up in logs that print the address; the token has its own key.
      throw ConfigValues.invalid(key, "(an address with user information)",
          "an address without user:password@; the token goes in hec.token");
    }
    if (uri.getRawFragment() != null) {
      throw ConfigValues.invalid(key, text, "an address without a #fragment");
    }
    String base = scheme + "://" + uri.getRawAuthority();
    String path = uri.getRawPath();
    if (path == null || path.isEmpty() || path.equals("/")) {
      path = EVENT_PATH;
    }
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    return new URI[] {URI.create(base + path + query), URI.create(base + ACK_PATH)};
  }

  private static String token(String text) {
    String key = KEYS + "token";
    if (text == null || text.isBlank()) {
      throw ConfigValues.invalid(key, "", "the HEC token (required with writer = hec)");
    }
    String token = text.trim();
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if (c <= ' ' || c > '~') {
        // Never the value: a typo in a secret is still the secret.
        throw ConfigValues.invalid(key, "*** (" + token.length() + " characters)",
            "printable ASCII without spaces, as Splunk issues them; character " + (i + 1)
                + " is not");
      }
    }
    return token;
  }

  /** true or false, in any case; anything else is an error, never a default. */
  private static boolean bool(Context ctx, String key, boolean dflt) {
    String text = ctx.getString(key);
    if (text == null) {
      return dflt;
    }
    return ConfigValues.oneOf(key, text.trim().toLowerCase(Locale.ROOT), "true", "false")
        .equals("true");
  }

  private static Duration duration(Context ctx, String key, Duration dflt, Duration min,
      Duration max, String expected) {
    String text = ctx.getString(key);
    if (text == null) {
      return dflt;
    }
    Duration d = ConfigValues.duration(key, text);
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw ConfigValues.invalid(key, text, "a duration " + expected);
    }
    return d;
  }
}
