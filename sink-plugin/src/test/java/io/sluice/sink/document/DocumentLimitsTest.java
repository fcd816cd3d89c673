package io.sluice.sink.document;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class DocumentLimitsTest {

  @Test
  void absentKeysTakeTheDefaults() {
    DocumentLimits l = DocumentLimits.from(Map.of());
    assertEquals(1 << 20, l.maxDocumentBytes());
    assertEquals(64, l.maxNestingDepth());
    assertEquals(DocumentLimits.DEFAULTS, l);
  }

  @Test
  void keysAreRead() {
    DocumentLimits l = DocumentLimits.from(Map.of("maxDocumentBytes", "65536", "maxNestingDepth", "8"));
    assertEquals(65_536, l.maxDocumentBytes());
    assertEquals(8, l.maxNestingDepth());
  }

  @Test
  void badValuesNameTheKeyAndTheAcceptedForm() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DocumentLimits.from(Map.of("maxDocumentBytes", "1m")));
    assertTrue(e.getMessage().startsWith("Invalid value for 'maxDocumentBytes': '1m'; expected a whole number"),
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> DocumentLimits.from(Map.of("maxDocumentBytes", "100")));
    assertTrue(e.getMessage().contains("at least 256"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> DocumentLimits.from(Map.of("maxDocumentBytes", "1000000000")));
    assertTrue(e.getMessage().contains("64 MiB"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> DocumentLimits.from(Map.of("maxNestingDepth", "0")));
    assertTrue(e.getMessage().startsWith("Invalid value for 'maxNestingDepth': '0'"), e.getMessage());
  }
}
