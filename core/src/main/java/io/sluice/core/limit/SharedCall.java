package io.sluice.core.limit;

/** One run of a {@link SharedScript}: its keys and arguments, as the store sends them. */
public final class SharedCall {

  private final String[] keys;
  private final String[] argv;

  SharedCall(String[] keys, String[] argv) {
    this.keys = keys;
    this.argv = argv;
  }

  public String[] keys() {
    return keys;
  }

  public String[] argv() {
    return argv;
  }
}
