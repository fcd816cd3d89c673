package io.sluice.source.syslog;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;

/**
 * UTC offsets of the zone assumed for timestamps that carry none (RFC 3164 dates, offset-less RFC
 * 3339), looked up without allocating on the hot path.
 *
 * <p>Offsets change only at DST and law transitions, a few times a year, while messages arrive in
 * time order. So the period between the two transitions around the last lookup is cached, and a
 * lookup inside it is two comparisons. Instants ("now", for year inference) and wall-clock times
 * (the messages') have a slot each, so a message from before a DST change, read after it, does not
 * evict "now". Each slot is one immutable object behind a volatile field: threads that race just
 * recompute the same period, so the parser stays thread-safe without locks.
 */
final class LocalZone {

  private final ZoneId zone;
  private final ZoneRules rules;
  private volatile Period forInstants;
  private volatile Period forLocalTimes;

  LocalZone(ZoneId zone) {
    this.zone = zone;
    this.rules = zone.getRules();
    this.forInstants = periodAt(0);
    this.forLocalTimes = forInstants;
  }

  ZoneId zone() {
    return zone;
  }

  /** The offset in seconds in force at an instant. */
  int offsetAtInstant(long epochSecond) {
    Period p = forInstants;
    if (epochSecond >= p.instantFrom() && epochSecond < p.instantTo()) {
      return p.offset();
    }
    p = periodAt(epochSecond);
    forInstants = p;
    return p.offset();
  }

  /**
   * The epoch second of a wall-clock time in this zone, given as seconds since 1970-01-01T00:00
   * read as if it were UTC. A time skipped by a DST gap is moved forward by the gap; a time that
   * occurs twice in an overlap resolves to the earlier instant, as {@link ZonedDateTime#ofLocal}
   * does.
   */
  long toEpochSecond(long localSecond) {
    Period p = forLocalTimes;
    if (localSecond >= p.localFrom() && localSecond < p.localTo()) {
      return localSecond - p.offset();
    }
    long epochSecond =
        ZonedDateTime.ofLocal(
                LocalDateTime.ofEpochSecond(localSecond, 0, ZoneOffset.UTC), zone, null)
            .toEpochSecond();
    forLocalTimes = periodAt(epochSecond);
    return epochSecond;
  }

  /**
   * The stretch of time with one offset that contains {@code epochSecond}, and the wall-clock times
   * that map into it unambiguously: a gap or overlap at either end is left out of the local range,
   * so those rare times always take the exact path above.
   */
  private Period periodAt(long epochSecond) {
    Instant instant = Instant.ofEpochSecond(epochSecond);
    int offset = rules.getOffset(instant).getTotalSeconds();
    if (rules.isFixedOffset()) {
      return new Period(Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE, offset);
    }
    // A nanosecond past the instant, so a transition exactly at epochSecond counts as previous.
    ZoneOffsetTransition previous = rules.previousTransition(instant.plusNanos(1));
    ZoneOffsetTransition next = rules.nextTransition(instant);
    long instantFrom = previous == null ? Long.MIN_VALUE : previous.toEpochSecond();
    long instantTo = next == null ? Long.MAX_VALUE : next.toEpochSecond();
    long localFrom =
        previous == null
            ? Long.MIN_VALUE
            : instantFrom + Math.max(offset, previous.getOffsetBefore().getTotalSeconds());
    long localTo =
        next == null
            ? Long.MAX_VALUE
            : instantTo + Math.min(offset, next.getOffsetAfter().getTotalSeconds());
    return new Period(instantFrom, instantTo, localFrom, localTo, offset);
  }

  /**
   * Instants in [instantFrom, instantTo) and wall-clock times in [localFrom, localTo) use offset.
   */
  private record Period(
      long instantFrom, long instantTo, long localFrom, long localTo, int offset) {}
}
