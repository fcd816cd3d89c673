package io.sluice.sink.document;

import io.sluice.core.HeaderMap;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Events as Sluice's sources and interceptor make them: the headers (in their order) and bodies
 * below are what SyslogEvents gives for these messages, plus the TokenBucketInterceptor's, and what
 * HecSource gives for the HEC requests described.
 */
public final class Events {

  private Events() {}

  public record Event(HeaderMap headers, byte[] body) {
    public Event with(String name, String value) {
      HeaderMap h = new HeaderMap(headers.size() + 1);
      h.putAll(headers);
      if (value == null) {
        h.remove(name);
      } else {
        h.put(name, value);
      }
      return new Event(h, body);
    }

    public Event withBody(byte[] b) {
      return new Event(headers, b);
    }
  }

  static HeaderMap headers(String... kv) {
    HeaderMap h = new HeaderMap(kv.length / 2);
    for (int i = 0; i < kv.length; i += 2) {
      h.put(kv[i], kv[i + 1]);
    }
    return h;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** {@code <165>1 2026-11-23T06:00:00.123+01:00 web1.example.com nginx 4242 ID47 [exampleSDID@32473 iut="3" eventSource="Application"] GET /index.html 200} over UDP. */
  public static Event rfc5424() {
    return new Event(headers(
        "Facility", "20", "Severity", "5", "priority", "165", "version", "1",
        "timestamp", "1795410000123", "host", "web1.example.com", "appName", "nginx",
        "procId", "4242", "msgId", "ID47",
        "structuredData", "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\"]",
        "syslog.format", "rfc5424", "syslog.framing", "udp",
        "sluice.eventId", "2f0a10d2-0e8e-410a-af7a-0250df22c5d0", "sluice.receivedAt", "1795500000000",
        "clientIp", "192.0.2.10", "localPort", "5514",
        "sluice.disposition", "processed", "sluice.limitKey", "192.0.2.10"),
        utf8("GET /index.html 200"));
  }

  /** {@code <34>Nov 23 06:00:00 fw1 sshd[42]: Accepted publickey for alice ...} over TCP, deferred. */
  public static Event rfc3164() {
    return new Event(headers(
        "Facility", "4", "Severity", "2", "priority", "34", "timestamp", "1795413600000",
        "syslog.tzAssumed", "true", "host", "fw1", "appName", "sshd", "procId", "42",
        "syslog.format", "rfc3164", "syslog.framing", "lf",
        "sluice.eventId", "c48edcfa-c913-4203-9aba-cead3de15fa3", "sluice.receivedAt", "1795500000000",
        "clientIp", "192.0.2.11", "localPort", "5514",
        "sluice.disposition", "batched", "sluice.limitKey", "192.0.2.11",
        "sluice.releaseAt", "1795500000250"),
        utf8("sshd[42]: Accepted publickey for alice from 10.0.0.7 port 52100 ssh2"));
  }

  /** {@code hello this is not syslog}: no PRI, so no severity, facility nor time of its own. */
  public static Event invalidSyslog() {
    return new Event(headers(
        "flume.syslog.status", "Invalid", "syslog.format", "unknown", "syslog.framing", "udp",
        "sluice.eventId", "1251ef47-edfe-435e-ad5a-4d1dd2baa46f", "sluice.receivedAt", "1795500000000",
        "clientIp", "192.0.2.12", "localPort", "5514", "sluice.disposition", "processed",
        "sluice.limitKey", "192.0.2.12"),
        utf8("hello this is not syslog"));
  }

  /** HEC /event: {"time": 1795410000.5, "host": "app7", "source": "orders", "sourcetype": "app:json", "index": "main", "event": "order 17 shipped", "fields": {"region": "eu-west-1", "tags": ["a", "b"]}}. */
  public static Event hecString() {
    return new Event(headers(
        "timestamp", "1795410000500", "host", "app7", "source", "orders", "sourcetype", "app:json",
        "index", "main", "hec.fields", "{\"region\":\"eu-west-1\",\"tags\":[\"a\",\"b\"]}",
        "hec.token", "orders-team", "hec.channel", "b7f5a3c2-1111-4d6e-9a0b-0c0d0e0f1011",
        "hec.ackId", "17", "clientIp", "198.51.100.7",
        "sluice.eventId", "7d1c9e55-5c5e-4f2c-8d3e-2b1f1f0c0a01", "sluice.receivedAt", "1795500000100",
        "sluice.disposition", "processed", "sluice.limitKey", "orders-team"),
        utf8("order 17 shipped"));
  }

  /** The same request with {"event": {"order": 17, "state": "shipped", "items": [{"sku": "A-1", "qty": 2}]}}. */
  public static Event hecObject() {
    return hecString().with(DocumentFields.HEC_EVENT_JSON_HEADER, "true")
        .withBody(utf8("{\"order\":17,\"state\":\"shipped\",\"items\":[{\"sku\":\"A-1\",\"qty\":2}]}"));
  }

  public static Map<String, String> none() {
    return Map.of();
  }
}
