package io.sluice.core.pipeline;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flume.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events a sink has handled durably (written, or dead-lettered), told once the sink's take has
 * committed, so that a source that promised acknowledgements (HEC's indexer acks) can complete
 * them. Sinks that are not Sluice's never tell: what that means for an acknowledgement is the
 * source's to decide.
 *
 * <p>Why a JVM-wide register: Flume gives its components no way to reach one another, and runs one
 * agent per JVM. A source listens while it runs; a sink asks {@link #listening()} before building
 * what it would report, so that a pipeline without such a source pays nothing.
 *
 * <p>Concurrency: listeners are kept in a copy-on-write list (registered rarely, read per batch);
 * {@link #report} runs them on the sink's thread, one after the other.
 */
public final class DurablyHandled {

  /** Hears of events handled durably. Runs on a sink's thread: it must be quick and not block. */
  @FunctionalInterface
  public interface Listener {
    void handled(String sinkName, List<Event> events);
  }

  /** A listener's registration; closing it stops the reports. */
  public interface Registration extends AutoCloseable {
    @Override
    void close();
  }

  private static final Logger LOG = LoggerFactory.getLogger(DurablyHandled.class);
  private static final CopyOnWriteArrayList<Listener> LISTENERS = new CopyOnWriteArrayList<>();

  private DurablyHandled() {}

  /** Starts telling {@code listener} of the events sinks handle, until the registration closes. */
  public static Registration listen(Listener listener) {
    LISTENERS.add(listener);
    return () -> LISTENERS.remove(listener);
  }

  /** Whether anyone listens: a sink skips {@link #report} (and what it needs) when not. */
  public static boolean listening() {
    return !LISTENERS.isEmpty();
  }

  /**
   * Tells every listener that {@code sinkName} has handled {@code events} durably and committed
   * their take. A listener that throws is logged and skipped: the events are handled all the same,
   * and the sink must not roll back what it has committed.
   */
  public static void report(String sinkName, List<Event> events) {
    if (events.isEmpty()) {
      return;
    }
    for (Listener l : LISTENERS) {
      try {
        l.handled(sinkName, events);
      } catch (RuntimeException e) {
        LOG.warn("Sink {}: a listener for durably handled events failed on {} events: {}",
            sinkName, events.size(), e.toString(), e);
      }
    }
  }
}
