package io.sluice.sink;

import com.codahale.metrics.Counter;
import com.codahale.metrics.Histogram;
import com.codahale.metrics.MetricRegistry;
import io.sluice.core.metrics.SluiceMetrics;
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
    validationMicros = SluiceMetrics.histogram(prefix + ".validation.duration");
    writeMicros = SluiceMetrics.histogram(prefix + ".write.duration");
  }

  void start() {
    counter.start();
  }

  void stop() {
    counter.stop();
    SluiceMetrics.removeAll(prefix);
  }
}
