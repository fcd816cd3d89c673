package io.sluice.source.net;

/** A bound listening socket (or set of them) and its threads, closed when the source stops. */
public interface Listener extends AutoCloseable {

  @Override
  void close();
}
