package io.sluice.sink;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.apache.flume.Channel;
import org.apache.flume.Event;
import org.apache.flume.Transaction;
import org.apache.flume.event.EventBuilder;

/** Events as Sluice's syslog sources make them, and what a channel holds of them, for the sink's tests. */
final class SyslogTestEvents {

  private SyslogTestEvents() {}

  /** Event {@code i}; {@code valid = false} leaves out its severity, which the test schema requires. */
  static Event event(int i, boolean valid) {
    Map<String, String> h = new HashMap<>();
    h.put("timestamp", Long.toString(1_700_000_000_000L + i));
    h.put("sluice.eventId", "id-" + i);
    h.put("sluice.receivedAt", Long.toString(1_700_000_000_100L + i));
    h.put("Facility", "4");
    if (valid) {
      h.put("Severity", "6");
    }
    h.put("host", "web1");
    return EventBuilder.withBody("message " + i, StandardCharsets.UTF_8, h);
  }

  /** How many events {@code c} holds (taken, then rolled back). */
  static int sizeOf(Channel c) {
    int n = 0;
    Transaction tx = c.getTransaction();
    tx.begin();
    while (c.take() != null) {
      n++;
    }
    tx.rollback();
    tx.close();
    return n;
  }
}
