package io.sluice.source.hec;

import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code maxBufferedBytes}: the bytes of request bodies an HEC source holds at once, over all its
 * connections, read or inflated. Each connection is bounded by {@code maxContentLength} and {@code
 * maxDecompressedLength}, but many connections times those is more than a heap (256 connections of
 * 4 MiB bodies inflating to 16 MiB: 5 GiB); this bounds their sum. A request that does not fit is
 * answered 503 with {@code Retry-After} before its body is read. Thread-safe.
 */
final class BodyBudget {

  private final long limit;
  private final AtomicLong used = new AtomicLong();

  BodyBudget(long limit) {
    this.limit = limit;
  }

  /** Takes {@code n} bytes if they fit; false (and nothing taken) if not. */
  boolean take(long n) {
    while (true) {
      long u = used.get();
      if (u + n > limit) {
        return false;
      }
      if (used.compareAndSet(u, u + n)) {
        return true;
      }
    }
  }

  /** Gives back {@code n} bytes taken. */
  void give(long n) {
    used.addAndGet(-n);
  }

  long used() {
    return used.get();
  }

  long limit() {
    return limit;
  }
}
