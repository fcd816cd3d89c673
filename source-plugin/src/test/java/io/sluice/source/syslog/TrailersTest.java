package io.sluice.source.syslog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrailersTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "msg|msg",
        "msg\\n|msg",
        "msg\\r\\n|msg",
        "msg\\0|msg",
        "msg\\n\\r\\0\\n|msg",
        "line1\\nline2\\n|line1\\nline2",
        "\\r\\n|''",
        "''|''",
        "m\\rs g \\n|'m\\rs g '"
      })
  void stripsTrailingCrLfAndNul(String input, String expected) {
    byte[] bytes = ("xx" + unescape(input) + "yy").getBytes(StandardCharsets.US_ASCII);
    int len = bytes.length - 4;
    assertEquals(unescape(expected).length(), Trailers.stripLength(bytes, 2, len));
  }

  private static String unescape(String s) {
    return s.replace("\\n", "\n").replace("\\r", "\r").replace("\\0", "\0");
  }
}
