package io.sluice.sink.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.sink.document.DocumentLimits;
import io.sluice.sink.document.DocumentMapper;
import io.sluice.sink.document.Events;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which schema an event is checked against: per value of schema.header, else the fallback. */
class DocumentSchemasTest {

  private final DocumentMapper mapper = new DocumentMapper(DocumentLimits.DEFAULTS);
  // syslog for everything, HEC's for the sourcetype app:json
  private final DocumentSchemas schemas = SchemaSettings.from(Map.of(
      "schema", Shipped.syslog(), "schema.header", "sourcetype", "schemas.app:json", Shipped.hec())).load();

  private Validation check(Events.Event e) {
    return schemas.validate(e.headers(), mapper.map(e.headers(), e.body()).tree());
  }

  @Test
  void aMatchingValuePicksItsSchema() {
    Validation v = check(Events.hecString());
    assertTrue(v.isValid(), v::toString);
    assertEquals(Shipped.hec(), v.schema());
    assertTrue(check(Events.hecObject()).isValid());
  }

  @Test
  void anEventWithoutTheHeaderFallsBack() {
    Validation v = check(Events.rfc5424());
    assertTrue(v.isValid(), v::toString);
    assertEquals(Shipped.syslog(), v.schema());
  }

  @Test
  void anEventWithAnotherValueFallsBack() {
    // an HEC event of a sourcetype with no schema of its own gets the fallback, the syslog schema,
    // which it does not pass: that is what the fallback is for
    Validation v = check(Events.hecString().with("sourcetype", "other"));
    assertFalse(v.isValid());
    assertEquals(Shipped.syslog(), v.schema());
  }

  @Test
  void theValueIsMatchedExactly() {
    assertEquals(Shipped.syslog(), check(Events.hecString().with("sourcetype", "APP:JSON")).schema());
    assertEquals(Shipped.syslog(), check(Events.hecString().with("sourcetype", "app:json ")).schema());
  }

  @Test
  void aSyslogEventThatClaimsTheHecSourcetypeIsCheckedAsHec() {
    Validation v = check(Events.rfc5424().with("sourcetype", "app:json"));
    assertFalse(v.isValid());
    assertEquals(Shipped.hec(), v.schema());
  }
}
