package io.sluice.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ByteSizeTest {

  @Test
  void plainBytesAndBinaryUnits() {
    assertEquals(1_048_576, ByteSize.parse("k", "1048576", 1, Long.MAX_VALUE));
    assertEquals(64 << 10, ByteSize.parse("k", "64KiB", 1, Long.MAX_VALUE));
    assertEquals(128L << 20, ByteSize.parse("k", " 128 MiB ", 1, Long.MAX_VALUE));
    assertEquals(3L << 30, ByteSize.parse("k", "3GiB", 1, Long.MAX_VALUE));
  }

  @Test
  void ambiguousUnitsAreRefusedWithWhatToWriteInstead() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ByteSize.parse("file.rollSize", "128MB", 1, 1L << 40));
    assertEquals("Invalid value for 'file.rollSize': '128MB'; expected a size in bytes or in KiB, MiB or GiB"
        + " (MB is ambiguous: write MiB for 1024-based units, or the number of bytes), from 1 byte to 1024GiB",
        e.getMessage());
  }

  @Test
  void outOfRangeAndOverflowNameTheRange() {
    assertEquals("Invalid value for 'k': '1KiB'; expected a size from 2KiB to 4MiB",
        assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("k", "1KiB", 2048, 4 << 20)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("k", "9999999999999999999GiB", 1, Long.MAX_VALUE));
    assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("k", "-1", 0, 10));
  }

  @Test
  void formatUsesTheLargestUnitThatDividesTheSize() {
    assertEquals("64MiB", ByteSize.format(64 << 20));
    assertEquals("1536KiB", ByteSize.format(1536 << 10));
    assertEquals("1000 bytes", ByteSize.format(1000));
    assertEquals("0 bytes", ByteSize.format(0));
  }
}
