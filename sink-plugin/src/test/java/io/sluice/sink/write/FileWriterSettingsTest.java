package io.sluice.sink.write;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.flume.Context;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every key's defaults and accepted forms; every refusal names the key and the accepted form. */
class FileWriterSettingsTest {

  @TempDir Path tmp;

  Context context(String... keyValues) {
    Map<String, String> m = new HashMap<>();
    m.put("file.directory", tmp.resolve("out").toString());
    m.put("deadLetter.directory", tmp.resolve("dead").toString());
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    return new Context(m);
  }

  IllegalArgumentException refused(String key, String value) {
    return assertThrows(IllegalArgumentException.class,
        () -> FileWriterSettings.forFiles(context(key, value)));
  }

  @Test
  void defaultsAreTheDocumentedOnesAndTheDirectoryIsCreated() {
    FileWriterSettings s = FileWriterSettings.forFiles(context());
    assertEquals(tmp.resolve("out"), s.directory());
    assertTrue(Files.isDirectory(s.directory()));
    assertEquals("sluice", s.prefix());
    assertEquals(128L << 20, s.rollSizeBytes());
    assertEquals(Duration.ofMinutes(5), s.rollInterval());
    assertEquals(false, s.fsync());
    assertEquals(Compression.NONE, s.compression());
  }

  @Test
  void everyKeyIsRead() {
    FileWriterSettings s = FileWriterSettings.forFiles(context("file.prefix", "siem.a_1",
        "file.rollSize", "64KiB", "file.rollInterval", "30s", "file.fsync", "TRUE",
        "file.compression", " gzip "));
    assertEquals("siem.a_1", s.prefix());
    assertEquals(64 << 10, s.rollSizeBytes());
    assertEquals(Duration.ofSeconds(30), s.rollInterval());
    assertEquals(true, s.fsync());
    assertEquals(Compression.GZIP, s.compression());
  }

  @Test
  void theDeadLetterHasItsOwnDirectoryAndPrefixAndFallsBackToFileKeysForTheRest() {
    FileWriterSettings s = FileWriterSettings.forDeadLetter(context("file.rollSize", "1MiB",
        "file.fsync", "true", "file.compression", "gzip", "deadLetter.compression", "none",
        "file.prefix", "out"));
    assertEquals(tmp.resolve("dead"), s.directory());
    assertEquals("deadletter", s.prefix());
    assertEquals(1L << 20, s.rollSizeBytes(), "from file.rollSize");
    assertEquals(Duration.ofMinutes(5), s.rollInterval(), "the default");
    assertEquals(true, s.fsync(), "from file.fsync");
    assertEquals(Compression.NONE, s.compression(), "its own key wins");
  }

  @Test
  void aFallenBackValueIsRefusedUnderTheKeyItCameFrom() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FileWriterSettings.forDeadLetter(context("file.fsync", "yes")));
    assertTrue(e.getMessage().startsWith("Invalid value for 'file.fsync': 'yes'"), e.getMessage());
  }

  @Test
  void theDeadLetterCannotShareTheOutputsNames() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FileWriterSettings.forDeadLetter(context("deadLetter.directory",
            tmp.resolve("out").toString(), "deadLetter.prefix", "sluice")));
    assertTrue(e.getMessage().startsWith("Invalid value for 'deadLetter.prefix'"), e.getMessage());
    FileWriterSettings.forDeadLetter(context("deadLetter.directory",
        tmp.resolve("out").toString())); // its own prefix: allowed
  }

  @ParameterizedTest(name = "{0} = {1} is refused: {2}")
  @CsvSource(delimiter = '|', value = {
      "file.rollSize | 0 | a size from 1KiB to 1024GiB",
      "file.rollSize | 1023 | a size from 1KiB to 1024GiB",
      "file.rollSize | 1025GiB | a size from 1KiB to 1024GiB",
      "file.rollSize | 128MB | MB is ambiguous: write MiB",
      "file.rollSize | 64kb | kb is ambiguous: write KiB",
      "file.rollSize | 128 MiB bytes | a size in bytes or with a unit KiB, MiB or GiB",
      "file.rollSize | -5 | a size in bytes or with a unit",
      "file.rollSize | 99999999999999999999GiB | a size in bytes or with a unit",
      "file.rollSize | 9999999999GiB | a size from 1KiB to 1024GiB",
      "file.rollInterval | 500ms | 0 (never roll by time) or a duration from 1s to 1d",
      "file.rollInterval | 2d | 0 (never roll by time) or a duration from 1s to 1d",
      "file.rollInterval | 5 | a duration such as",
      "file.rollInterval | 5 min | a duration such as",
      "file.fsync | yes | one of true | false",
      "file.fsync | '' | one of true | false",
      "file.compression | zstd | one of none | gzip",
      "file.prefix | a/b | 1 to 64 letters, digits",
      "file.prefix | .hidden | 1 to 64 letters, digits",
      "file.prefix | '' | 1 to 64 letters, digits"})
  void valuesOutsideTheirFormAreRefusedWithTheKeyAndTheForm(String key, String value,
      String expected) {
    IllegalArgumentException e = refused(key, value);
    assertTrue(e.getMessage().startsWith("Invalid value for '" + key + "': '" + value + "'"),
        e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @ParameterizedTest(name = "rollSize {0} = {1} bytes")
  @CsvSource({"1024, 1024", "1KiB, 1024", "64KiB, 65536", "128MiB, 134217728",
      "1GiB, 1073741824", "' 2 GiB ', 2147483648", "1024GiB, 1099511627776"})
  void sizesAreBytesOrBinaryUnits(String text, long bytes) {
    assertEquals(bytes, FileWriterSettings.forFiles(context("file.rollSize", text))
        .rollSizeBytes());
  }

  @ParameterizedTest(name = "rollInterval {0}")
  @CsvSource({"0, 0", "0s, 0", "1s, 1", "5m, 300", "1h, 3600", "1d, 86400"})
  void intervalsAreZeroOrDurations(String text, long seconds) {
    assertEquals(Duration.ofSeconds(seconds),
        FileWriterSettings.forFiles(context("file.rollInterval", text)).rollInterval());
  }

  @Test
  void aMissingDirectoryIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FileWriterSettings.forFiles(new Context()));
    assertTrue(e.getMessage().startsWith("Invalid value for 'file.directory': ''"),
        e.getMessage());
  }

  @Test
  void aDirectoryThatCannotBeCreatedIsRefusedWithItsPath() throws IOException {
    Path file = Files.writeString(tmp.resolve("plain-file"), "x");
    Path under = file.resolve("out"); // a path under a file: no one can create it, not even root
    IllegalArgumentException e = refused("file.directory", under.toString());
    assertTrue(e.getMessage().startsWith("Invalid value for 'file.directory': '" + under + "'"),
        e.getMessage());
    assertTrue(e.getMessage().contains("exists or can be created; " + under), e.getMessage());
    IllegalArgumentException notDir = refused("file.directory", file.toString());
    assertTrue(notDir.getMessage().contains(file.toString()), notDir.getMessage());
  }

  @Test
  void theWritabilityProbeLeavesNothingBehind() throws IOException {
    FileWriterSettings s = FileWriterSettings.forFiles(context());
    try (var entries = Files.list(s.directory())) {
      assertEquals(0, entries.count());
    }
  }
}
