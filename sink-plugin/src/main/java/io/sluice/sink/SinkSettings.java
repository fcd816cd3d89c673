package io.sluice.sink;

import io.sluice.core.config.ConfigValues;
import io.sluice.sink.write.FileWriterSettings;
import io.sluice.sink.write.HecWriterSettings;
import java.time.Duration;
import java.util.Locale;
import org.apache.flume.Context;

/**
 * ValidatingSink's own keys (the schema's and the writers' are read by their settings classes),
 * checked at configure time: a bad value names its key and what is accepted.
 *
 * @param batchSize events taken per transaction; Flume refuses one above the channel's
 *     {@code transactionCapacity} at configure time
 * @param fileWriter where valid documents go with {@code writer = file}, else null
 * @param hecWriter where valid documents go with {@code writer = hec}, else null (both null:
 *     {@code writer = null})
 * @param deadLetter where invalid events go, or null for {@code onInvalid = drop}
 * @param maxBackoff the longest wait between attempts after a failed write
 */
record SinkSettings(int batchSize, FileWriterSettings fileWriter, HecWriterSettings hecWriter,
    FileWriterSettings deadLetter, Duration maxBackoff) {

  static final int DEFAULT_BATCH_SIZE = 100;
  static final int MAX_BATCH_SIZE = 100_000;
  static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);

  static SinkSettings parse(Context ctx) {
    int batchSize = (int) ConfigValues.between("batchSize",
        ctx.getString("batchSize", Integer.toString(DEFAULT_BATCH_SIZE)), 1, MAX_BATCH_SIZE);
    String writer = ctx.getString("writer", "file").trim().toLowerCase(Locale.ROOT);
    if (!writer.equals("file") && !writer.equals("hec") && !writer.equals("null")) {
      throw ConfigValues.invalid("writer", writer, "file, null or hec");
    }
    FileWriterSettings files = writer.equals("file") ? FileWriterSettings.forFiles(ctx) : null;
    HecWriterSettings hec = writer.equals("hec") ? HecWriterSettings.parse(ctx) : null;
    String onInvalid = ctx.getString("onInvalid", "deadLetter").trim();
    FileWriterSettings deadLetter;
    if (onInvalid.equalsIgnoreCase("deadLetter")) {
      deadLetter = FileWriterSettings.forDeadLetter(ctx);
    } else if (onInvalid.equalsIgnoreCase("drop")) {
      deadLetter = null;
    } else {
      throw ConfigValues.invalid("onInvalid", onInvalid, "deadLetter or drop");
    }
    Duration maxBackoff = ConfigValues.duration("maxBackoff", ctx.getString("maxBackoff", "30s"));
    if (maxBackoff.isZero() || maxBackoff.compareTo(Duration.ofHours(1)) > 0) {
      throw ConfigValues.invalid("maxBackoff", ctx.getString("maxBackoff"), "from 1ms to 1h");
    }
    return new SinkSettings(batchSize, files, hec, deadLetter, maxBackoff);
  }
}
