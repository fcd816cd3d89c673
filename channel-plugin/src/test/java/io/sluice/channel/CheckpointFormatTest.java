package io.sluice.channel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.sluice.channel.CheckpointFormat.CorruptCheckpointException;
import io.sluice.channel.CheckpointFormat.Entry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flume.event.EventBuilder;
import org.junit.jupiter.api.Test;

/** The checkpoint's bytes: what is written is read back, and nothing else is read at all. */
class CheckpointFormatTest {

  private static Entry entry(String body, boolean deferred, long releaseAt, String... kv) {
    Map<String, String> h = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      h.put(kv[i], kv[i + 1]);
    }
    return new Entry(EventBuilder.withBody(body.getBytes(StandardCharsets.UTF_8), h), deferred,
        releaseAt);
  }

  /** A small checkpoint: an express and a deferred event, headers, a null value. */
  private static final List<Entry> SMALL = List.of(
      entry("x0", false, 0, "k", "v"),
      entry("d1", true, 1_700_000_000_123L, "sluice.disposition", "batched", "n", null));

  private static byte[] bytes(List<Entry> entries) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CheckpointFormat.write(entries, out);
    return out.toByteArray();
  }

  private static List<Entry> read(byte[] b) throws IOException, CorruptCheckpointException {
    return CheckpointFormat.read(new ByteArrayInputStream(b), b.length);
  }

  private static String corruptReason(byte[] b) throws IOException {
    try {
      List<Entry> got = read(b);
      fail("read " + got.size() + " events from a damaged checkpoint");
      return null;
    } catch (CorruptCheckpointException e) {
      return e.getMessage();
    }
  }

  private static void assertSameEntries(List<Entry> expected, List<Entry> actual) {
    assertEquals(expected.size(), actual.size());
    for (int i = 0; i < expected.size(); i++) {
      Entry e = expected.get(i);
      Entry a = actual.get(i);
      assertEquals(e.deferred(), a.deferred());
      assertEquals(e.deferred() ? e.releaseAtMillis() : 0, a.releaseAtMillis());
      assertEquals(e.event().getHeaders(), a.event().getHeaders());
      assertArrayEquals(e.event().getBody(), a.event().getBody());
    }
  }

  @Test
  void whatIsWrittenIsReadBackNullKeysAndValuesIncluded() throws Exception {
    Map<String, String> odd = new HashMap<>();
    odd.put(null, "value of a null key");
    odd.put("null value", null);
    odd.put("", "");
    odd.put("ünïcödé ✓", "𝄞");
    List<Entry> entries = new ArrayList<>(SMALL);
    entries.add(new Entry(EventBuilder.withBody(new byte[0], odd), true, Long.MAX_VALUE));
    entries.add(new Entry(EventBuilder.withBody(new byte[70_000], new HashMap<>()), false, 0));
    List<Entry> got = read(bytes(entries));
    assertSameEntries(entries, got);
    Map<String, String> h = got.get(2).event().getHeaders();
    assertEquals("value of a null key", h.get(null));
    assertTrue(h.containsKey("null value"));
    assertNull(h.get("null value"));
  }

  @Test
  void anEmptyCheckpointIsReadAsNoEvents() throws Exception {
    assertEquals(List.of(), read(bytes(List.of())));
  }

  @Test
  void aCheckpointTruncatedAtAnyPositionIsCorrupt() throws Exception {
    byte[] whole = bytes(SMALL);
    for (int n = 0; n < whole.length; n++) {
      String reason = corruptReason(Arrays.copyOf(whole, n));
      assertTrue(reason.contains("of " + n + ")"), "the reason gives the position: " + reason);
    }
  }

  @Test
  void aFileShorterThanItsSizeSaidIsCorrupt() throws Exception {
    byte[] whole = bytes(SMALL);
    CorruptCheckpointException e = assertThrows(CorruptCheckpointException.class,
        () -> CheckpointFormat.read(new ByteArrayInputStream(whole, 0, 20), whole.length));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void everySingleBitFlipIsDetected() throws Exception {
    byte[] whole = bytes(SMALL);
    for (int i = 0; i < whole.length; i++) {
      for (int bit = 0; bit < 8; bit++) {
        byte[] flipped = whole.clone();
        flipped[i] ^= (byte) (1 << bit);
        corruptReason(flipped);
      }
    }
  }

  @Test
  void trailingGarbageIsCorrupt() throws Exception {
    byte[] whole = bytes(SMALL);
    byte[] longer = Arrays.copyOf(whole, whole.length + 3);
    assertTrue(corruptReason(longer).contains("trailing garbage"), corruptReason(longer));
  }

  @Test
  void aForeignFileIsNotACheckpoint() throws Exception {
    byte[] text = "# agent.properties\na1.channels = c1\n".getBytes(StandardCharsets.UTF_8);
    assertTrue(corruptReason(text).startsWith("not a Sluice channel checkpoint"));
    byte[] random = new byte[4096];
    new Random(7).nextBytes(random);
    assertTrue(corruptReason(random).startsWith("not a Sluice channel checkpoint"));
    assertTrue(corruptReason(new byte[0]).startsWith("an empty file"));
  }

  @Test
  void anUnknownVersionIsRefusedWithTheVersionNamed() throws Exception {
    byte[] b = bytes(SMALL);
    ByteBuffer.wrap(b).putInt(4, 3);
    assertTrue(corruptReason(b).startsWith("format version 3, which this Sluice does not know"),
        corruptReason(b));
  }

  @Test
  void hugeCountsInATinyFileAllocateNothingLikeWhatTheyClaim() throws Exception {
    // Header counts, string and body lengths of 2^31-1 (and negative ones) in files of a few bytes.
    List<byte[]> files = new ArrayList<>();
    files.add(file(out -> out.writeInt(Integer.MAX_VALUE))); // events
    files.add(file(out -> out.writeInt(-5)));
    files.add(file(out -> {
      out.writeInt(1);
      out.writeByte(0);
      out.writeLong(0);
      out.writeInt(Integer.MAX_VALUE); // headers
    }));
    files.add(file(out -> {
      out.writeInt(1);
      out.writeByte(0);
      out.writeLong(0);
      out.writeInt(1);
      out.writeInt(Integer.MAX_VALUE); // a key's length
    }));
    files.add(file(out -> {
      out.writeInt(1);
      out.writeByte(0);
      out.writeLong(0);
      out.writeInt(0);
      out.writeInt(Integer.MAX_VALUE); // the body's length
      out.write(new byte[64]);
    }));
    files.add(file(out -> {
      out.writeInt(1);
      out.writeByte(0);
      out.writeLong(0);
      out.writeInt(0);
      out.writeInt(-2); // a negative body length
    }));
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    for (byte[] f : files) {
      corruptReason(f); // warm up: class loading allocates too
    }
    for (byte[] f : files) {
      long before = threads.getCurrentThreadAllocatedBytes();
      String reason = corruptReason(f);
      long allocated = threads.getCurrentThreadAllocatedBytes() - before;
      assertTrue(allocated < 1 << 20, "allocated " + allocated + " bytes for: " + reason);
    }
  }

  private interface Body {
    void write(DataOutputStream out) throws IOException;
  }

  /** A version 2 checkpoint whose content after the version is {@code body} (no checksum). */
  private static byte[] file(Body body) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(b);
    out.writeInt(CheckpointFormat.MAGIC);
    out.writeInt(CheckpointFormat.VERSION);
    body.write(out);
    out.writeInt(0); // a checksum, wrong
    return b.toByteArray();
  }

  @Test
  void aVersion1CheckpointOfTheEarlierBuildIsStillRead() throws Exception {
    // As Checkpoint wrote it before nulls, versions and checksums.
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(b);
    out.writeInt(CheckpointFormat.MAGIC_V1);
    out.writeInt(SMALL.size());
    for (Entry e : List.of(entry("x0", false, 0, "k", "v"),
        entry("d1", true, 1_700_000_000_123L, "sluice.disposition", "batched"))) {
      out.writeBoolean(e.deferred());
      out.writeLong(e.releaseAtMillis());
      out.writeInt(e.event().getHeaders().size());
      for (Map.Entry<String, String> h : e.event().getHeaders().entrySet()) {
        byte[] k = h.getKey().getBytes(StandardCharsets.UTF_8);
        byte[] v = h.getValue().getBytes(StandardCharsets.UTF_8);
        out.writeInt(k.length);
        out.write(k);
        out.writeInt(v.length);
        out.write(v);
      }
      out.writeInt(e.event().getBody().length);
      out.write(e.event().getBody());
    }
    List<Entry> got = read(b.toByteArray());
    assertEquals(2, got.size());
    assertEquals("batched", got.get(1).event().getHeaders().get("sluice.disposition"));
    assertEquals(1_700_000_000_123L, got.get(1).releaseAtMillis());
    assertEquals(List.of(), read(ByteBuffer.allocate(8).putInt(CheckpointFormat.MAGIC_V1).putInt(0)
        .array()), "the empty checkpoint an earlier build wrote at every stop");
  }
}
