package io.sluice.source.hec;

import java.util.Set;

/**
 * One configured HEC token: its name (what events carry in {@code hec.token}, and metrics and logs
 * say) and what it allows. The secret itself is held only by {@link HecTokens}, as a digest.
 *
 * @param index the index an event gets when it names none; null: none
 * @param indexes the indexes events may name; empty: any
 * @param sourcetype the sourcetype an event gets when it names none; null: none
 */
public record HecToken(String name, String index, Set<String> indexes, String sourcetype,
    boolean useAck, boolean allowQueryStringAuth, boolean disabled) {

  /** Whether an event of this token may go to {@code index}. */
  public boolean allows(String index) {
    return indexes.isEmpty() || indexes.contains(index);
  }
}
