package io.sluice.sink.write;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** HEC's replies, its ack query and ack map, and what is made of bodies that are not HEC's. */
class HecRepliesTest {

  static HecReplies.Reply reply(String body) {
    return HecReplies.reply(body.getBytes(UTF_8));
  }

  @Test
  void repliesAreRead() {
    assertEquals(new HecReplies.Reply(0, "Success", HecReplies.NO_ACK_ID, -1),
        reply("{\"text\":\"Success\",\"code\":0}"));
    assertEquals(new HecReplies.Reply(0, "Success", 7, -1), reply("{\"text\":\"Success\",\"code\":0,\"ackId\":7}"));
    HecReplies.Reply bad = reply("{\"text\":\"Invalid data format\",\"code\":6,\"invalid-event-number\":2}");
    assertEquals(6, bad.code());
    assertEquals("code 6 (Invalid data format)", bad.describe());
    assertEquals(2, bad.invalidEvent());
    assertEquals(new HecReplies.Reply(0, "", HecReplies.NO_ACK_ID, -1), reply("{\"code\":0,\"ackId\":\"x\"}"));
  }

  @Test
  void aBodyThatIsNotHecsHasNoCode() {
    for (String body : List.of("", "<html>\n<b>502</b></html>", "{\"text\":\"no code\"}", "[0]",
        "{\"code\":\"0\"}", "{\"code\":1.5}")) {
      HecReplies.Reply r = reply(body);
      assertEquals(HecReplies.NO_CODE, r.code(), body);
      assertTrue(!r.success() && !r.describe().contains("\n"), r.describe());
    }
    assertEquals("an empty body", reply("").describe());
    assertTrue(reply("x".repeat(5000)).text().length() <= 201, "cut short");
  }

  @Test
  void theAckQueryAndItsReply() throws IOException {
    assertEquals("{\"acks\":[0,1,12]}", new String(HecReplies.ackQuery(List.of(0L, 1L, 12L)), UTF_8));
    assertEquals(Set.of(0L, 12L), HecReplies.acknowledged(
        "{\"acks\":{\"0\":true,\"1\":false,\"12\":true,\"x\":true,\"3\":\"true\"}}".getBytes(UTF_8)));
    assertEquals(Set.of(), HecReplies.acknowledged("{\"acks\":{}}".getBytes(UTF_8)));
    for (String body : List.of("", "{}", "{\"acks\":[0]}", "not json", "{\"text\":\"ACK is disabled\",\"code\":14}")) {
      assertThrows(IOException.class, () -> HecReplies.acknowledged(body.getBytes(UTF_8)), body);
    }
  }
}
