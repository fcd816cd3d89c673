package io.sluice.sink.write;

/** How a rolling file's bytes are stored: as they are, or as gzip (one member per batch). */
public enum Compression {
  NONE(".ndjson"),
  GZIP(".ndjson.gz");

  private final String extension;

  Compression(String extension) {
    this.extension = extension;
  }

  /** The final file name's ending, e.g. {@code .ndjson.gz}. */
  public String extension() {
    return extension;
  }

  /** The compression a (final or in-progress) file name says its content has. */
  static Compression ofFileName(String name) {
    String n = name.endsWith(FileNames.IN_PROGRESS)
        ? name.substring(0, name.length() - FileNames.IN_PROGRESS.length()) : name;
    return n.endsWith(GZIP.extension) ? GZIP : NONE;
  }
}
