package io.sluice.sink.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.sink.document.DocumentLimits;
import io.sluice.sink.document.DocumentMapper;
import io.sluice.sink.document.Events;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventValidatorTest {

  private final EventValidator validator = new EventValidator(new DocumentMapper(new DocumentLimits(4096, 16)),
      SchemaSettings.from(Map.of("schema", Shipped.syslog())).load());

  @Test
  void aValidEventGivesTheJsonToWrite() {
    Events.Event e = Events.rfc5424();
    CheckedEvent c = validator.check(e.headers(), e.body());
    assertTrue(c.isValid());
    String json = new String(c.json(), StandardCharsets.UTF_8);
    assertTrue(json.startsWith("{\"@timestamp\":\"2026-11-23T05:00:00.123Z\","), json);
    assertEquals(Shipped.syslog(), c.validation().schema());
  }

  @Test
  void anInvalidEventSaysWhyAndWhichSchema() {
    Events.Event e = Events.rfc5424().with("Severity", "8");
    CheckedEvent c = validator.check(e.headers(), e.body());
    assertFalse(c.isValid());
    assertEquals("$.severity: must have a maximum value of 7", c.validation().errors().get(0));
    assertEquals(Shipped.syslog(), c.validation().schema());
    assertTrue(c.document().isMapped(), "it has a document; it is just not a valid one");
  }

  @Test
  void anEventBeyondALimitIsInvalidWithoutASchema() {
    byte[] big = new byte[5000];
    Arrays.fill(big, (byte) 'x');
    CheckedEvent c = validator.check(Events.rfc5424().headers(), big);
    assertFalse(c.isValid());
    assertNull(c.validation().schema(), "no schema decided");
    assertTrue(c.validation().errors().get(0).endsWith("is larger than maxDocumentBytes (4096)"),
        c.validation().errors().get(0));
    assertThrows(IllegalStateException.class, c::json);

    Events.Event deep = Events.hecObject().withBody(("[".repeat(17) + "]".repeat(17)).getBytes(StandardCharsets.UTF_8));
    c = validator.check(deep.headers(), deep.body());
    assertEquals("event: JSON nested deeper than maxNestingDepth (16)", c.validation().errors().get(0));
  }

  @Test
  void aValidDocumentWhoseJsonIsBeyondTheLimitIsInvalid() {
    // control characters take six characters each in JSON (\u0001): the event fits, its JSON does not
    byte[] controls = new byte[1000];
    Arrays.fill(controls, (byte) 1);
    EventValidator open = new EventValidator(new DocumentMapper(new DocumentLimits(4096, 16)), DocumentSchemas.none());
    CheckedEvent c = open.check(Map.of(), controls);
    assertFalse(c.isValid());
    assertNull(c.validation().schema());
    assertEquals("document of 6014 bytes is larger than maxDocumentBytes (4096)", c.validation().errors().get(0));
    assertTrue(c.document().isMapped());
  }

  @Test
  void withoutASchemaEveryEventWithinTheLimitsIsValid() {
    EventValidator open = new EventValidator(new DocumentMapper(DocumentLimits.DEFAULTS), DocumentSchemas.none());
    Events.Event e = Events.hecString();
    assertTrue(open.check(e.headers(), e.body()).isValid());
    assertTrue(open.check(Map.of(), new byte[] {(byte) 0xFF}).isValid());
  }
}
