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
    assertEquals(2 << 20, DocumentLimits.from(Map.of("maxDocumentBytes", "2MiB")).maxDocumentBytes());
  }

  @Test
  void badValuesNameTheKeyAndTheAcceptedForm() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> DocumentLimits.from(Map.of("maxDocumentBytes", "1m")));
    assertEquals("Invalid value for 'maxDocumentBytes': '1m'; expected a size in bytes or with a unit"
        + " KiB, MiB or GiB, such as 64KiB or 128MiB, from 256 bytes to 64MiB", e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> DocumentLimits.from(Map.of("maxDocumentBytes", "100")));
    assertTrue(e.getMessage().endsWith("from 256 bytes to 64MiB"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> DocumentLimits.from(Map.of("maxDocumentBytes", "65MiB")));
    assertTrue(e.getMessage().endsWith("from 256 bytes to 64MiB"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> DocumentLimits.from(Map.of("maxNestingDepth", "0")));
    assertTrue(e.getMessage().startsWith("Invalid value for 'maxNestingDepth': '0'"), e.getMessage());
  }
}
