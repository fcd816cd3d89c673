package io.sluice.source.tcp;

/**
 * A configured password. Its text leaves only through {@link #chars()}, for the JDK's key store
 * APIs; {@code toString} gives {@value #MASK} (or {@code (none)}), so whatever prints a settings
 * record holding one — a log line, an exception message, a debugger — shows that it is set, never
 * what it is. Holding the password in its own type rather than overriding each settings record's
 * {@code toString} keeps it masked in records added later, too.
 */
public final class Secret {

  static final String MASK = "***";
  private static final Secret NONE = new Secret(null);

  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  /** The password as configured; null when none is. */
  public static Secret of(String value) {
    return value == null ? NONE : new Secret(value);
  }

  /** The password as the key store APIs take it: a fresh array, or null when none is set. */
  public char[] chars() {
    return value == null ? null : value.toCharArray();
  }

  @Override
  public String toString() {
    return value == null ? "(none)" : MASK;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret s && java.util.Objects.equals(value, s.value);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hashCode(value);
  }
}
