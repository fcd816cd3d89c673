package io.sluice.source.hec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A request's path and parameters: a URI with a percent escape Netty cannot decode is malformed,
 * never an exception (whose text would hold the URI, and perhaps a token).
 */
class QueryStringTest {

  @ParameterizedTest
  @ValueSource(strings = {"/services/collector/event?token=SECRET&a=%", "/services/collector/event?a=%zz&token=SECRET",
      "/services/collector/event?a=%2"})
  void aBadEscapeInTheQueryIsMalformedWithNoParameters(String uri) {
    QueryString q = new QueryString(uri);
    assertTrue(q.malformed());
    assertEquals("/services/collector/event", q.path());
    assertNull(q.get("token"));
  }

  @Test
  void aBadEscapeInThePathIsMalformedWithThePathAsSent() {
    QueryString q = new QueryString("/services/collector%zz?channel=x");
    assertTrue(q.malformed());
    assertEquals("/services/collector%zz", q.path());
    assertEquals("/services/collector%", new QueryString("/services/collector%").path());
    assertEquals(HecProtocol.Endpoint.OTHER, HecProtocol.endpointOf("/services/collector%zz?a=%"));
  }
}
