package io.sluice.sink;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Gauge;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.MetricRegistry;
import io.sluice.core.metrics.SluiceMetrics;
import io.sluice.sink.write.HecMetrics;
import java.util.concurrent.TimeUnit;
import org.apache.flume.instrumentation.SinkCounter;

/**
 * A ValidatingSink's counts: Flume's {@link SinkCounter} (MBean {@code
 * org.apache.flume.sink:type=<name>}) and Sluice's {@code sink.<name>.*} metrics. Counted once per
 * batch, from the sink's one thread.
 */
final class SinkMetrics {

  final SinkCounter counter;
  private final String prefix;
  final Counter valid;
  final Counter invalid;
  final Counter written;
  final Counter bytes;
  final Counter deadLetterWritten;
  final Counter writeErrors;
  final Counter retries;
  final Histogram validationMicros; // per event
  final Histogram writeMicros; // per batch: appends, then both commits

  SinkMetrics(String sinkName) {
    this.counter = new SinkCounter(sinkName);
    this.prefix = "sink." + sinkName;
    SluiceMetrics.removeAll(prefix); // a reload builds a new sink under the same name
    MetricRegistry r = SluiceMetrics.registry();
    valid = r.counter(prefix + ".valid");
    invalid = r.counter(prefix + ".invalid");
    written = r.counter(prefix + ".written");
    bytes = r.counter(prefix + ".bytes");
    deadLetterWritten = r.counter(prefix + ".deadLetter.written");
    writeErrors = r.counter(prefix + ".write.errors");
    retries = r.counter(prefix + ".retries");
    validationMicros = SluiceMetrics.histogram(prefix + ".validation.duration", TimeUnit.MICROSECONDS);
    writeMicros = SluiceMetrics.histogram(prefix + ".write.duration", TimeUnit.MICROSECONDS);
  }

  /**
   * The {@code hec} writer's metrics, registered when it is made (a sink writing files shows
   * none): {@code hec.requests}, {@code hec.retries}, {@code hec.acks.timedOut}, {@code
   * hec.refused} and the gauge
   * {@code hec.acks.pending}. Removed with the rest at stop.
   */
  HecMetrics hec() {
    MetricRegistry r = SluiceMetrics.registry();
    Counter requests = r.counter(prefix + ".hec.requests");
    Counter retried = r.counter(prefix + ".hec.retries");
    Counter timedOut = r.counter(prefix + ".hec.acks.timedOut");
    Counter refused = r.counter(prefix + ".hec.refused");
    PendingAcks pending = new PendingAcks();
    r.remove(prefix + ".hec.acks.pending"); // a writer made again replaces the gauge
    r.register(prefix + ".hec.acks.pending", pending);
    return new HecMetrics() {
      @Override
      public void requestSent() {
        requests.inc();
      }

      @Override
      public void retried() {
        retried.inc();
      }

      @Override
      public void acksPending(int n) {
        pending.value = n;
      }

      @Override
      public void ackTimedOut() {
        timedOut.inc();
      }

      @Override
      public void refused() {
        refused.inc();
      }
    };
  }

  /**
   * The requests of the current batch awaiting their acknowledgement: set by the sink's thread,
   * read by JMX's, so a volatile int is all it needs.
   */
  private static final class PendingAcks implements Gauge<Integer> {
    private volatile int value;

    @Override
    public Integer getValue() {
      return value;
    }
  }

  void start() {
    counter.start();
  }

  void stop() {
    counter.stop();
    SluiceMetrics.removeAll(prefix);
  }
}
