package io.sluice.channel;

import io.sluice.core.time.ManualClock;

import static io.sluice.channel.ChannelTestSupport.batched;
import static io.sluice.channel.ChannelTestSupport.body;
import static io.sluice.channel.ChannelTestSupport.context;
import static io.sluice.channel.ChannelTestSupport.put;
import static io.sluice.channel.ChannelTestSupport.putBodies;
import static io.sluice.channel.ChannelTestSupport.take;
import static io.sluice.channel.ChannelTestSupport.uniqueName;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flume.ChannelException;
import org.apache.flume.Context;
import org.apache.flume.Event;
import org.apache.flume.Transaction;
import org.apache.flume.conf.Configurables;
import org.apache.flume.event.EventBuilder;
import org.apache.flume.lifecycle.LifecycleState;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints through the channel's start and stop: nothing in a checkpoint file can stop a start,
 * every event comes back as it went in, and one checkpoint serves one channel.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DisruptorChannelCheckpointTest {

  private final ManualClock clock = new ManualClock();
  private final List<DisruptorChannel> created = new ArrayList<>();

  @TempDir Path tmp;

  @AfterEach
  void tearDown() {
    for (DisruptorChannel ch : created) {
      if (ch.getLifecycleState() == LifecycleState.START) {
        ch.stop();
      }
    }
  }

  private DisruptorChannel configured(String name, Path dir, String... overrides) {
    Context ctx = context("capacity", "64", "transactionCapacity", "16", "keep-alive", "0",
        "checkpointDir", dir.toString());
    ctx.putAll(context(overrides).getParameters());
    DisruptorChannel ch = new DisruptorChannel();
    ch.setClock(clock);
    ch.setName(name);
    Configurables.configure(ch, ctx);
    created.add(ch);
    return ch;
  }

  private DisruptorChannel start(String name, Path dir, String... overrides) {
    DisruptorChannel ch = configured(name, dir, overrides);
    ch.start();
    return ch;
  }

  private static Event withHeaders(String body, Map<String, String> headers) {
    return EventBuilder.withBody(body.getBytes(StandardCharsets.UTF_8), headers);
  }

  private static List<Path> setAside(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().contains(".events.corrupt-")).toList();
    }
  }

  /** A valid checkpoint's bytes: two express events and a deferred one, with headers. */
  private byte[] validCheckpoint(String name, Path dir) throws IOException {
    DisruptorChannel ch = start(name, dir);
    putBodies(ch, List.of("x0", "x1"));
    put(ch, batched("d0", clock.currentTimeMillis() + 100));
    ch.stop();
    return Files.readAllBytes(dir.resolve(name + ".events"));
  }

  @Test
  void eventsWithANullHeaderKeyOrValueAreCheckpointedAndRestoredAsTheyWere() {
    String name = uniqueName("cp-null");
    Map<String, String> headers = new HashMap<>();
    headers.put(null, "value of a null key");
    headers.put("null-value", null);
    headers.put("k", "v");
    DisruptorChannel first = start(name, tmp);
    put(first, withHeaders("odd", headers));
    first.stop();

    DisruptorChannel second = start(name, tmp);
    Transaction tx = second.getTransaction();
    tx.begin();
    Event e = second.take();
    tx.commit();
    tx.close();
    assertEquals("odd", body(e));
    assertEquals(headers, e.getHeaders());
  }

  @Test
  void aCheckpointTruncatedAtAnyPositionIsMovedAsideAndTheChannelStartsWithoutIt()
      throws Exception {
    String name = uniqueName("cp-cut");
    byte[] valid = validCheckpoint(name, tmp.resolve("source"));
    Path dir = tmp.resolve("cut");
    Files.createDirectories(dir);
    Path file = dir.resolve(name + ".events");
    try (CapturedLog log = new CapturedLog(CheckpointSession.class)) {
      for (int n = 0; n < valid.length; n++) {
        Files.write(file, Arrays.copyOf(valid, n));
        DisruptorChannel ch = start(name, dir); // never throws
        clock.advanceMillis(1_000);
        assertEquals(List.of(), take(ch, 16), "cut at " + n + ": nothing restored");
        assertFalse(Files.exists(file), "cut at " + n + ": moved aside");
        ch.stop();
        Files.delete(file); // the (empty) checkpoint written at stop
      }
      assertEquals(valid.length, setAside(dir).size(), "each one kept for an operator to look at");
      assertEquals(valid.length, log.warnings().size());
      String first = log.warnings().get(0);
      assertTrue(first.startsWith("Channel " + name + ": " + file + " is not a checkpoint this"
          + " channel can restore: an empty file"), first);
      assertTrue(first.contains("; starting without its events"), first);
    }
    Files.write(file, valid);
    assertEquals(List.of("x0", "x1", "d0"), take(start(name, dir), 16), "the whole file is restored");
  }

  @Test
  void aForeignFileWhereTheCheckpointShouldBeIsMovedAsideWithTheReasonLogged() throws Exception {
    String name = uniqueName("cp-foreign");
    Path file = tmp.resolve(name + ".events");
    Files.writeString(file, "a1.channels = c1\n");
    try (CapturedLog log = new CapturedLog(CheckpointSession.class)) {
      DisruptorChannel ch = start(name, tmp);
      assertEquals(List.of(), take(ch, 16));
      assertTrue(log.warnings().get(0).contains("not a Sluice channel checkpoint"),
          log.warnings().toString());
    }
    Path aside = tmp.resolve(name + ".events.corrupt-" + clock.currentTimeMillis());
    assertEquals("a1.channels = c1\n", Files.readString(aside), "kept as it was");
  }

  @Test
  void aCheckpointClaimingTwoBillionEventsInAFewBytesStartsTheChannelWithoutIt()
      throws Exception {
    String name = uniqueName("cp-huge");
    Path file = tmp.resolve(name + ".events");
    Files.write(file, new byte[] {'S', 'L', 'C', 'P', 0, 0, 0, 2, 0x7f, (byte) 0xff, (byte) 0xff,
        (byte) 0xff, 0, 0, 0, 0});
    DisruptorChannel ch = start(name, tmp);
    assertEquals(List.of(), take(ch, 16));
    assertEquals(1, setAside(tmp).size());
  }

  @Test
  void aVersion1CheckpointClaimingTwoBillionEventsStartsTheChannelWithoutIt() throws Exception {
    // The earlier build allocated a list of the claimed size first: an OutOfMemoryError.
    String name = uniqueName("cp-huge-v1");
    Files.write(tmp.resolve(name + ".events"), new byte[] {'S', 'L', 'C', '1', 0x7f, (byte) 0xff,
        (byte) 0xff, (byte) 0xff, 0, 0, 0, 0});
    DisruptorChannel ch = start(name, tmp);
    assertEquals(List.of(), take(ch, 16));
    assertEquals(1, setAside(tmp).size());
  }

  @Test
  void aCheckpointWithAFlippedBitIsMovedAsideAndTheNextStopWritesAFreshOne() throws Exception {
    String name = uniqueName("cp-flip");
    byte[] valid = validCheckpoint(name, tmp);
    valid[valid.length / 2] ^= 0x10;
    Files.write(tmp.resolve(name + ".events"), valid);
    DisruptorChannel ch = start(name, tmp);
    clock.advanceMillis(1_000);
    assertEquals(List.of(), take(ch, 16));
    putBodies(ch, List.of("after"));
    ch.stop();
    assertEquals(List.of("after"), take(start(name, tmp), 16));
  }

  @Test
  void aSecondChannelOnTheSameCheckpointInThisJvmIsRefusedAndWritesNothingAtItsStop() {
    String name = uniqueName("cp-twice");
    DisruptorChannel first = start(name, tmp);
    DisruptorChannel second = configured(name, tmp);
    ChannelException e = assertThrows(ChannelException.class, second::start);
    assertTrue(e.getMessage().contains("checkpointDir " + tmp + " is in use by another channel"
        + " named " + name), e.getMessage());
    putBodies(first, List.of("first's"));
    second.stop(); // as Flume's supervisor may: it must not overwrite the first's checkpoint
    first.stop();
    second.start(); // the first released the lock
    assertEquals(List.of("first's"), take(second, 16));
  }

  @Test
  void aChannelIsRefusedWhileAnotherProcessHoldsItsCheckpointAndStartsOnceItIsGone()
      throws Exception {
    String name = uniqueName("cp-other");
    Process holder = CheckpointFilesTest.startHolder(tmp, name);
    DisruptorChannel ch = configured(name, tmp);
    try {
      ChannelException e = assertThrows(ChannelException.class, ch::start);
      assertTrue(e.getMessage().contains("checkpointDir " + tmp + " is in use by another process"),
          e.getMessage());
      assertEquals(LifecycleState.IDLE, ch.getLifecycleState());
    } finally {
      holder.getOutputStream().close();
      assertTrue(holder.waitFor(20, TimeUnit.SECONDS));
    }
    ch.start(); // as Flume's supervisor retries it
    assertEquals(LifecycleState.START, ch.getLifecycleState());
  }

  @Test
  void theFilesAndTheDirectoryTheChannelMakesAreTheOwnersAlone() throws Exception {
    assumeTrue(tmp.getFileSystem().supportedFileAttributeViews().contains("posix"));
    String name = uniqueName("cp-perm");
    Path dir = tmp.resolve("made").resolve("by-the-channel");
    DisruptorChannel ch = start(name, dir);
    putBodies(ch, List.of("secret"));
    ch.stop();
    for (Path p : List.of(dir.resolve(name + ".events"), dir.resolve(name + ".lock"))) {
      assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)),
          p.toString());
    }
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
  }

  @Test
  void aReloadThatMovesTheCheckpointDirLeavesNoCheckpointBehindToDeliverTwice() {
    String name = uniqueName("cp-move");
    Path old = tmp.resolve("old");
    Path moved = tmp.resolve("new");
    DisruptorChannel ch = start(name, old);
    putBodies(ch, List.of("held"));
    Configurables.configure(ch, context("capacity", "64", "transactionCapacity", "16",
        "keep-alive", "0", "checkpointDir", moved.toString()));
    ch.stop(); // written where its start locked: the old directory
    assertTrue(Files.exists(old.resolve(name + ".events")));
    ch.start(); // the new directory; the event is still in memory
    assertFalse(Files.exists(old.resolve(name + ".events")), "the stale copy is removed");
    ch.stop(); // written to the new directory
    DisruptorChannel onOld = start(name, old);
    assertEquals(List.of(), take(onOld, 16), "nothing left in the old directory");
    onOld.stop();
    assertEquals(List.of("held"), take(start(name, moved), 16), "the event is in the new one");
  }
}
