package io.sluice.core.limit;

/** The shared store could not answer: unreachable, too slow, or it refused a call. */
public final class SharedStoreException extends RuntimeException {

  public SharedStoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
