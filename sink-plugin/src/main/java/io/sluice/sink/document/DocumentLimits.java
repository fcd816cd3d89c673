package io.sluice.sink.document;

import io.sluice.core.config.ByteSize;
import io.sluice.core.config.ConfigValues;
import java.util.Map;

/**
 * What one event may cost to map and validate, so that a hostile event costs bounded time and
 * memory.
 *
 * @param maxDocumentBytes a document longer than this (UTF-8 JSON) is invalid; an event whose body
 *     and headers alone are longer is refused before its document is built
 * @param maxNestingDepth how deep the JSON of an HEC {@code event} or of {@code hec.fields} may nest
 *     (Jackson's {@code StreamReadConstraints}); deeper input is refused while it is read
 */
public record DocumentLimits(int maxDocumentBytes, int maxNestingDepth) {

  public static final String MAX_DOCUMENT_BYTES = "maxDocumentBytes";
  public static final String MAX_NESTING_DEPTH = "maxNestingDepth";

  public static final int DEFAULT_MAX_DOCUMENT_BYTES = 1 << 20;
  /** Far beyond real events (HEC events rarely nest ten deep), far below a stack's limit. */
  public static final int DEFAULT_MAX_NESTING_DEPTH = 64;

  /** Large enough for any real event with its headers; small enough that nobody mistakes it for a floor. */
  static final int MIN_DOCUMENT_BYTES = 256;
  /** One line of NDJSON above 64 MiB is not a log event. */
  static final int MAX_DOCUMENT_BYTES_LIMIT = 64 << 20;
  static final int MAX_NESTING_DEPTH_LIMIT = 1000;

  public static final DocumentLimits DEFAULTS =
      new DocumentLimits(DEFAULT_MAX_DOCUMENT_BYTES, DEFAULT_MAX_NESTING_DEPTH);

  public DocumentLimits {
    if (maxDocumentBytes < MIN_DOCUMENT_BYTES || maxDocumentBytes > MAX_DOCUMENT_BYTES_LIMIT) {
      throw ConfigValues.invalid(MAX_DOCUMENT_BYTES, Integer.toString(maxDocumentBytes),
          documentBytesForm());
    }
    if (maxNestingDepth < 1 || maxNestingDepth > MAX_NESTING_DEPTH_LIMIT) {
      throw ConfigValues.invalid(MAX_NESTING_DEPTH, Integer.toString(maxNestingDepth),
          nestingDepthForm());
    }
  }

  /**
   * Reads {@code maxDocumentBytes} and {@code maxNestingDepth} from a sink's configuration (a
   * Flume {@code Context}'s parameters); absent keys take their defaults.
   */
  public static DocumentLimits from(Map<String, String> config) {
    String bytes = config.get(MAX_DOCUMENT_BYTES);
    String depth = config.get(MAX_NESTING_DEPTH);
    return new DocumentLimits(
        bytes == null ? DEFAULT_MAX_DOCUMENT_BYTES
            : (int) ByteSize.parse(MAX_DOCUMENT_BYTES, bytes, MIN_DOCUMENT_BYTES, MAX_DOCUMENT_BYTES_LIMIT),
        depth == null ? DEFAULT_MAX_NESTING_DEPTH
            : (int) ConfigValues.between(MAX_NESTING_DEPTH, depth, 1, MAX_NESTING_DEPTH_LIMIT));
  }

  private static String documentBytesForm() {
    return "a size from " + ByteSize.format(MIN_DOCUMENT_BYTES) + " to " + ByteSize.format(MAX_DOCUMENT_BYTES_LIMIT);
  }

  private static String nestingDepthForm() {
    return "a whole number of at least 1 and at most " + MAX_NESTING_DEPTH_LIMIT;
  }
}
