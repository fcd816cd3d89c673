package io.sluice.sink.write;

import io.sluice.core.config.ByteSize;

import io.sluice.core.config.ConfigValues;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Pattern;
import org.apache.flume.Context;

/**
 * A rolling file writer's configuration, read under a key prefix: {@code file.} for the
 * {@code file} writer, {@code deadLetter.} for the dead letter.
 *
 * <table>
 *   <caption>Keys (after the prefix)</caption>
 *   <tr><th>key</th><th>default</th><th>accepted</th></tr>
 *   <tr><td>directory</td><td>(required)</td><td>a directory that exists or can be created, and
 *       is writable: checked when parsed</td></tr>
 *   <tr><td>prefix</td><td>{@code sluice} / {@code deadletter}</td><td>1 to 64 of
 *       {@code A-Z a-z 0-9 . _ -}, starting with a letter or digit</td></tr>
 *   <tr><td>rollSize</td><td>128MiB</td><td>bytes, or KiB / MiB / GiB, from 1KiB to 1024GiB
 *       ({@link ByteSize}); compared with the size on disk (compressed, with gzip)</td></tr>
 *   <tr><td>rollInterval</td><td>5m</td><td>0 (never by time) or 1s to 1d, such as 30s, 5m,
 *       1h</td></tr>
 *   <tr><td>fsync</td><td>false</td><td>true | false</td></tr>
 *   <tr><td>compression</td><td>none</td><td>none | gzip</td></tr>
 * </table>
 *
 * <p>The dead letter's {@code rollSize}, {@code rollInterval}, {@code fsync} and {@code
 * compression} fall back to the {@code file.*} value when {@code deadLetter.*} does not set them,
 * then to the default: a user who asks for fsync or gzip on the output gets it on the dead letter
 * too, without writing every key twice. Its {@code directory} and {@code prefix} never fall back:
 * dead letters must not land among the valid events a tailer ships. Words ({@code true}, {@code
 * gzip}) are read without regard to case, as Flume reads booleans; anything else is an error,
 * never a default (Flume's {@code Context.getBoolean} reads {@code yes} as false).
 */
public record FileWriterSettings(
    Path directory,
    String prefix,
    long rollSizeBytes,
    Duration rollInterval,
    boolean fsync,
    Compression compression) {

  public static final String FILE_KEYS = "file.";
  public static final String DEAD_LETTER_KEYS = "deadLetter.";
  public static final long DEFAULT_ROLL_SIZE = 128L << 20;
  public static final long MIN_ROLL_SIZE = 1L << 10;
  public static final long MAX_ROLL_SIZE = 1L << 40;
  public static final Duration DEFAULT_ROLL_INTERVAL = Duration.ofMinutes(5);
  public static final Duration MAX_ROLL_INTERVAL = Duration.ofDays(1);

  private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  public FileWriterSettings {
    if (rollSizeBytes < MIN_ROLL_SIZE || rollSizeBytes > MAX_ROLL_SIZE) {
      throw new IllegalArgumentException("rollSizeBytes out of range: " + rollSizeBytes);
    }
    if (rollInterval.isNegative() || rollInterval.compareTo(MAX_ROLL_INTERVAL) > 0) {
      throw new IllegalArgumentException("rollInterval out of range: " + rollInterval);
    }
    if (!PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException("prefix not a file-name word: " + prefix);
    }
  }

  /** The {@code file} writer's settings: keys {@code file.*}, prefix {@code sluice}. */
  public static FileWriterSettings forFiles(Context ctx) {
    return parse(ctx, FILE_KEYS, "sluice", null);
  }

  /**
   * The dead letter's settings: keys {@code deadLetter.*}, prefix {@code deadletter}, rolling,
   * fsync and compression falling back to {@code file.*} (see the class comment).
   */
  public static FileWriterSettings forDeadLetter(Context ctx) {
    FileWriterSettings s = parse(ctx, DEAD_LETTER_KEYS, "deadletter", FILE_KEYS);
    if (s.directory.equals(pathOrNull(ctx.getString(FILE_KEYS + "directory")))
        && s.prefix.equals(ctx.getString(FILE_KEYS + "prefix", "sluice").trim())) {
      // Same names: dead letters would be shipped as valid events, and the two writers would
      // each take the other's files for their own left-overs.
      throw ConfigValues.invalid(DEAD_LETTER_KEYS + "prefix", s.prefix, "a prefix other than"
          + " file.prefix when deadLetter.directory is file.directory");
    }
    return s;
  }

  /**
   * Reads {@code keys + "directory"} and the rest; {@code fallbackKeys}, when not null, is where
   * the four rolling and storage keys are looked up when {@code keys} does not set them. Creates
   * the directory if it is missing and checks that a file can be created in it.
   *
   * @throws IllegalArgumentException naming the key, the value and the accepted form
   */
  public static FileWriterSettings parse(Context ctx, String keys, String defaultPrefix,
      String fallbackKeys) {
    Path directory = WritableDirectory.check(keys + "directory", ctx.getString(keys + "directory"));
    String prefixText = ctx.getString(keys + "prefix", defaultPrefix);
    if (!PREFIX.matcher(prefixText.trim()).matches()) {
      throw ConfigValues.invalid(keys + "prefix", prefixText, "1 to 64 letters, digits, '.', '_'"
          + " or '-', starting with a letter or digit (it begins every file name)");
    }
    Setting size = setting(ctx, keys, fallbackKeys, "rollSize");
    long rollSize = size.text == null ? DEFAULT_ROLL_SIZE
        : ByteSize.parse(size.key, size.text, MIN_ROLL_SIZE, MAX_ROLL_SIZE);
    Setting interval = setting(ctx, keys, fallbackKeys, "rollInterval");
    Duration rollInterval = interval.text == null ? DEFAULT_ROLL_INTERVAL
        : rollInterval(interval.key, interval.text);
    Setting fsync = setting(ctx, keys, fallbackKeys, "fsync");
    boolean doFsync = fsync.text != null
        && ConfigValues.oneOf(fsync.key, fsync.text.trim().toLowerCase(Locale.ROOT),
            "true", "false").equals("true");
    Setting compression = setting(ctx, keys, fallbackKeys, "compression");
    Compression c = compression.text == null ? Compression.NONE
        : Compression.valueOf(ConfigValues.oneOf(compression.key,
            compression.text.trim().toLowerCase(Locale.ROOT), "none", "gzip")
            .toUpperCase(Locale.ROOT));
    return new FileWriterSettings(directory, prefixText.trim(), rollSize, rollInterval, doFsync, c);
  }

  private static Path pathOrNull(String text) {
    try {
      return text == null || text.isBlank() ? null
          : Path.of(text.trim()).toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      return null; // file.directory's own check names it
    }
  }

  /** {@code 0} (never by time) or a duration from 1s to 1d. */
  private static Duration rollInterval(String key, String text) {
    if (text.trim().equals("0")) {
      return Duration.ZERO;
    }
    Duration d = ConfigValues.duration(key, text);
    if (!d.isZero() && (d.compareTo(Duration.ofSeconds(1)) < 0
        || d.compareTo(MAX_ROLL_INTERVAL) > 0)) {
      throw ConfigValues.invalid(key, text,
          "0 (never roll by time) or a duration from 1s to 1d, such as 30s, 5m or 1h");
    }
    return d;
  }

  /** A value and the key it was read from, so an error names the key the user wrote. */
  private record Setting(String key, String text) {}

  private static Setting setting(Context ctx, String keys, String fallbackKeys, String name) {
    String own = ctx.getString(keys + name);
    if (own != null || fallbackKeys == null) {
      return new Setting(keys + name, own);
    }
    return new Setting(fallbackKeys + name, ctx.getString(fallbackKeys + name));
  }
}
