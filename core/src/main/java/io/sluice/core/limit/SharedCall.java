package io.sluice.core.limit;

/** One run of a {@link SharedScript}: its keys and arguments, as the store sends them. */
public final class SharedCall {

  private final String[] keys;
  private final byte[][] args;

  SharedCall(String[] keys, byte[][] args) {
    this.keys = keys;
    this.args = args;
  }

  public String[] keys() {
    return keys;
  }

  public byte[][] args() {
    return args;
  }
}
