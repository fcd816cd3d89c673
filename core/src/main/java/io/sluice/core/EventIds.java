package io.sluice.core;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Makes {@code sluice.eventId} values: random (version 4) UUIDs from a thread-local generator.
 * {@link UUID#randomUUID()} draws from SecureRandom, which costs microseconds per event under
 * load; an event id needs uniqueness, not unpredictability.
 */
public final class EventIds {

  private EventIds() {}

  public static String next() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long msb = (r.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long lsb = (r.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48); // IETF variant
    return new UUID(msb, lsb).toString();
  }
}
