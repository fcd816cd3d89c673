package io.sluice.source.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.sluice.source.syslog.StructuredData.Element;
import io.sluice.source.syslog.StructuredData.Param;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StructuredDataTest {

  @Test
  void rfcExampleWithTwoElements() {
    List<Element> sd =
        StructuredData.parse(
            "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]"
                + "[examplePriority@32473 class=\"high\"]");
    assertEquals(
        List.of(
            new Element(
                "exampleSDID@32473",
                List.of(
                    new Param("iut", "3"),
                    new Param("eventSource", "Application"),
                    new Param("eventID", "1011"))),
            new Element("examplePriority@32473", List.of(new Param("class", "high")))),
        sd);
    assertEquals("Application", sd.get(0).param("eventSource"));
    assertNull(sd.get(0).param("missing"));
  }

  @Test
  void escapesAreUndoneAndOtherBackslashesKept() {
    Element e =
        StructuredData.parse(
                "[x@1 q=\"say \\\"hi\\\"\" b=\"a\\\\b\" r=\"[\\]]\" n=\"C:\\temp\\new\"]")
            .get(0);
    assertEquals("say \"hi\"", e.param("q"));
    assertEquals("a\\b", e.param("b"));
    assertEquals("[]]", e.param("r"));
    assertEquals("C:\\temp\\new", e.param("n"));
  }

  @Test
  void unescapedClosingBracketInsideAValueIsTolerated() {
    assertEquals("a]b", StructuredData.parse("[x@1 v=\"a]b\"]").get(0).param("v"));
  }

  @Test
  void repeatedNamesAndIdsAreKeptInOrder() {
    List<Element> sd = StructuredData.parse("[a k=\"1\" k=\"2\"][a k=\"3\"]");
    assertEquals(List.of(new Param("k", "1"), new Param("k", "2")), sd.get(0).params());
    assertEquals(2, sd.size());
  }

  @Test
  void utf8ValuesAndEmptyValues() {
    Element e = StructuredData.parse("[x@1 city=\"Zürich\" empty=\"\"]").get(0);
    assertEquals("Zürich", e.param("city"));
    assertEquals("", e.param("empty"));
  }

  @Test
  void nilAndNullAreEmpty() {
    assertEquals(List.of(), StructuredData.parse("-"));
    assertEquals(List.of(), StructuredData.parse(null));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "[",
        "[]",
        "[x",
        "[x]junk",
        "[x a]",
        "[x a=\"b]",
        "[x a=b]",
        "x",
        "[x] [y]",
        "[x  a=\"b\"]"
      })
  void invalidTextIsRejected(String raw) {
    assertThrows(IllegalArgumentException.class, () -> StructuredData.parse(raw));
  }
}
