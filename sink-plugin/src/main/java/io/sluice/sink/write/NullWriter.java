package io.sluice.sink.write;

/**
 * {@code writer = null}: keeps nothing. For setups that only validate and count (a dry run of a
 * schema against live traffic, or measuring the sink without a disk): every batch "commits" at
 * once, so the channel drains as fast as validation goes.
 */
public final class NullWriter implements EventWriter {

  @Override
  public void append(byte[] document) {}

  @Override
  public void commit() {}

  @Override
  public boolean undoLastCommit() {
    return true; // nothing was written
  }

  @Override
  public void abort() {}

  @Override
  public void close() {}
}
