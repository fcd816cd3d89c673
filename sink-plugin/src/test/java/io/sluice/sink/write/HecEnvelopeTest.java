package io.sluice.sink.write;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

/** The envelope's exact bytes: time as seconds.millis, escaped metadata, the document verbatim. */
class HecEnvelopeTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  static String envelope(String document, Map<String, String> headers) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    HecEnvelope.write(out, document.getBytes(UTF_8), headers);
    return out.toString(UTF_8);
  }

  @Test
  void metadataInAFixedOrderAndTheDocumentAsIs() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("index", "main");
    h.put("host", "h\"1\u0001");
    h.put("timestamp", "1700000000007");
    h.put("sourcetype", "\u00e9\u20ac\ud83d\ude00");
    String e = envelope("{\"a\" : 1}", h);
    assertEquals("{\"time\":1700000000.007,\"host\":\"h\\\"1\\u0001\",\"sourcetype\":\""
        + "\u00e9\u20ac\ud83d\ude00\",\"index\":\"main\",\"event\":{\"a\" : 1}}", e);
    JsonMapper.builder().build().readTree(e); // well-formed
  }

  /**
   * Half a surrogate pair (in a header decoded from bytes that were not text, say) has no UTF-8
   * form: written as Jackson's generator writes it, a unicode escape, rather than failing the batch
   * on every try.
   */
  @ParameterizedTest
  @ValueSource(strings = {"\ud800", "\udc00", "web\ud800", "a\udfffb\ud83d\ude00c\ud83d", "\ude00\ud83d\\"})
  void aLoneSurrogateInAHeaderIsEscapedAsJacksonWritesIt(String host) {
    String e = envelope("{}", Map.of("host", host));
    assertEquals("{\"host\":" + new String(JSON.writeValueAsBytes(host), UTF_8) + ",\"event\":{}}", e);
    assertEquals(host, JSON.readTree(e).get("host").stringValue(), "read back the same");
  }

  @Test
  void aLoneSurrogateIsASixCharacterEscape() {
    assertEquals("{\"source\":\"web\\uD800\",\"event\":{}}",
        envelope("{}", Map.of("source", "web\ud800")));
  }

  @Test
  void withoutHeadersOnlyTheEvent() {
    assertEquals("{\"event\":{}}", envelope("{}", Map.of()));
  }

  @ParameterizedTest
  @CsvSource({"0, 0.000", "999, 0.999", "1000, 1.000", "1700000000120, 1700000000.120",
      "' 42 ', 0.042"})
  void timeIsEpochSecondsWithMilliseconds(String header, String seconds) {
    assertEquals("{\"time\":" + seconds + ",\"event\":{}}",
        envelope("{}", Map.of("timestamp", header)));
  }

  @ParameterizedTest
  @CsvSource({"-1", "1.5", "''", "soon", "99999999999999999999"})
  void aTimestampThatIsNotEpochMillisIsLeftOut(String header) {
    assertEquals("{\"event\":{}}", envelope("{}", Map.of("timestamp", header)));
  }
}
