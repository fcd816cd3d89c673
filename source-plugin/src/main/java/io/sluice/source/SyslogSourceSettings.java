package io.sluice.source;

import io.sluice.core.config.ByteSize;
import static io.sluice.core.config.ConfigValues.atLeast;

import io.sluice.core.config.ConfigValues;
import io.sluice.source.syslog.KeepFields;
import io.sluice.source.syslog.SyslogParser;
import java.time.DateTimeException;
import java.time.ZoneId;
import org.apache.flume.Context;

/**
 * The keys both syslog sources read, with Flume's names where Flume has one: {@code host} (alias
 * {@code bind}), {@code port}, {@code keepFields}, {@code clientIPHeader}, {@code portHeader},
 * {@code eventSize}, {@code batchSize}; and {@code rfc3164.timezone}, the zone RFC 3164 timestamps
 * (which carry none) are read in.
 */
public record SyslogSourceSettings(String host, int port, KeepFields keepFields,
    String clientIpHeader, String portHeader, int eventSize, int batchSize, ZoneId zone3164) {

  public static SyslogSourceSettings of(Context ctx, int defaultEventSize, int maxEventSize) {
    String host = ctx.getString("host", ctx.getString("bind", "0.0.0.0")).trim();
    String portText = ctx.getString("port");
    if (portText == null || portText.isBlank()) {
      throw ConfigValues.invalid("port", "", "the port to listen on (1-65535)");
    }
    long port = atLeast("port", portText, 1);
    if (port > 65535) {
      throw ConfigValues.invalid("port", portText, "a port number (1-65535)");
    }
    KeepFields keep;
    try {
      keep = KeepFields.parse(ctx.getString("keepFields", "none"));
    } catch (IllegalArgumentException e) {
      throw ConfigValues.invalid("keepFields", ctx.getString("keepFields"),
          "none, all, or some of: priority version timestamp hostname");
    }
    long eventSize = ByteSize.parse("eventSize",
        ctx.getString("eventSize", Integer.toString(defaultEventSize)), 16, maxEventSize);
    long batchSize = atLeast("batchSize", ctx.getString("batchSize", "100"), 1);
    if (batchSize > 100_000) {
      throw ConfigValues.invalid("batchSize", Long.toString(batchSize), "at most 100000");
    }
    String zoneText = ctx.getString("rfc3164.timezone", ZoneId.systemDefault().getId()).trim();
    ZoneId zone;
    try {
      zone = ZoneId.of(zoneText);
    } catch (DateTimeException e) {
      throw ConfigValues.invalid("rfc3164.timezone", zoneText, "a zone id such as UTC or Europe/Paris");
    }
    return new SyslogSourceSettings(host, (int) port, keep,
        headerName(ctx, "clientIPHeader", "clientIp"), headerName(ctx, "portHeader", "localPort"),
        (int) eventSize, (int) batchSize, zone);
  }

  /** The event maker these settings describe. */
  public SyslogEvents events() {
    return new SyslogEvents(SyslogParser.builder().zone3164(zone3164).build(), keepFields,
        clientIpHeader, portHeader);
  }

  /** A header's configured name; empty or {@code none} turns the header off. */
  private static String headerName(Context ctx, String key, String dflt) {
    String v = ctx.getString(key, dflt).trim();
    return v.isEmpty() || v.equalsIgnoreCase("none") ? null : v;
  }
}
