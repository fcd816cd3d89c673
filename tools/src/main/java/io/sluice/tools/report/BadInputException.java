package io.sluice.tools.report;

/** Input the report cannot read: a missing file, a malformed line. Exit code 2, its message shown. */
public final class BadInputException extends RuntimeException {
  public BadInputException(String message) {
    super(message);
  }
}
