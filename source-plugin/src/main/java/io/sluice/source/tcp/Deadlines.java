package io.sluice.source.tcp;

import io.sluice.source.SourceMetrics.ConnectionRefusal;
import java.util.function.Consumer;

/**
 * A connection's two timers, which only run while the source is reading from it:
 *
 * <ul>
 *   <li>idle: no byte for {@code idleNanos} closes the connection;
 *   <li>frame: a message begun must end within {@code frameNanos} (a slowloris sends frames that
 *       never end). It measures one frame: a frame that begins in a read in which another ended
 *       starts its own time.
 * </ul>
 *
 * <p>While reading is suspended (the channels are pushing back, or the connection holds as much
 * as it may), the sender cannot be heard, so neither timer counts: both start afresh when reading
 * resumes. A paused connection is thus never closed by its timers.
 *
 * <p>One task is planned at a time, for the earlier deadline; when it runs early (the deadline
 * moved on), it plans itself again, as Netty's IdleStateHandler does. 0 turns a timer off.
 * Confined to the connection's I/O thread.
 */
final class Deadlines {

  private final Scheduler scheduler;
  private final long idleNanos;
  private final long frameNanos;
  private final Consumer<ConnectionRefusal> expired;

  private boolean reading = true;
  private boolean inFrame;
  private long lastHeard; // when a byte last came, or reading last resumed
  private long frameBegan; // when the open frame began, or reading last resumed
  private Scheduler.Cancellable planned;
  private long plannedFor;
  private boolean stopped;

  Deadlines(Scheduler scheduler, long idleNanos, long frameNanos, Consumer<ConnectionRefusal> expired) {
    this.scheduler = scheduler;
    this.idleNanos = idleNanos;
    this.frameNanos = frameNanos;
    this.expired = expired;
    this.lastHeard = scheduler.nanoTime();
    plan();
  }

  /**
   * A read has been cut into frames: bytes came, and a frame is {@code open} at its end; {@code
   * newFrame} when that open frame began in this read (none was open before it, or one ended).
   */
  void read(boolean open, boolean newFrame) {
    long now = scheduler.nanoTime();
    lastHeard = now;
    if (open && (newFrame || !inFrame)) {
      frameBegan = now;
    }
    inFrame = open;
    plan();
  }

  /** Reading stops (push-back) or resumes; time spent stopped counts for neither timer. */
  void reading(boolean on) {
    if (on == reading) {
      return;
    }
    reading = on;
    if (on) {
      long now = scheduler.nanoTime();
      lastHeard = now;
      frameBegan = now;
      plan();
    }
  }

  /** The connection is closed or handed over: no timer fires any more. */
  void stop() {
    stopped = true;
    if (planned != null) {
      planned.cancel();
      planned = null;
    }
  }

  private long deadline() {
    long d = Long.MAX_VALUE;
    if (idleNanos > 0) {
      d = lastHeard + idleNanos;
    }
    if (frameNanos > 0 && inFrame) {
      d = Math.min(d, frameBegan + frameNanos);
    }
    return d;
  }

  private void plan() {
    if (stopped || !reading) {
      return; // a task already planned finds reading off and plans nothing
    }
    long d = deadline();
    if (d == Long.MAX_VALUE || (planned != null && plannedFor <= d)) {
      return; // the planned task comes first and will plan the next one
    }
    if (planned != null) {
      planned.cancel();
    }
    plannedFor = d;
    planned = scheduler.schedule(this::check, Math.max(0, d - scheduler.nanoTime()));
  }

  private void check() {
    planned = null;
    if (stopped || !reading) {
      return;
    }
    long now = scheduler.nanoTime();
    if (frameNanos > 0 && inFrame && now - frameBegan >= frameNanos) {
      stop();
      expired.accept(ConnectionRefusal.FRAME_TIMEOUT);
    } else if (idleNanos > 0 && now - lastHeard >= idleNanos) {
      stop();
      expired.accept(ConnectionRefusal.IDLE);
    } else {
      plan();
    }
  }
}
