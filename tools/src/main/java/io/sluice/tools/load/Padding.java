package io.sluice.tools.load;

/** Pads a message with a space and {@code x}s to a size in bytes (the text is ASCII). */
final class Padding {

  private Padding() {}

  static StringBuilder pad(StringBuilder text, int size) {
    if (text.length() + 1 < size) {
      text.append(' ');
      while (text.length() < size) {
        text.append('x');
      }
    }
    return text;
  }
}
