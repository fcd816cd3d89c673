package io.sluice.tools.report;

import io.sluice.tools.RunLayout;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The accounting of every event a run sent: each id sent ok is written once, dead-lettered once,
 * or missing; missing ones are set against what the agent says it throttled (and did not write)
 * or its sources dropped. The agent counts its decisions, it does not list them, so a missing id
 * cannot be matched to a decision: only the totals can be — unexplained is the missing beyond
 * them. Pure: computed from the tallies, reading no file.
 *
 * @param sentOk events the sender sent with outcome ok, the ones accounted for
 * @param notSent events the sender could not send (error, pushback, unknown outcomes): never lost
 * @param writtenOnce ids written exactly once and not dead-lettered
 * @param deadLetteredOnce ids dead-lettered exactly once and not written
 * @param duplicates ids found more than once, written or dead-lettered
 * @param missing ids sent ok found nowhere
 * @param throttledNotWritten throttled events the sink did not write (dropped, routed elsewhere)
 * @param explained the part of the missing the agent's counts account for
 * @param unexplained missing beyond what the agent's counts account for
 */
public record LossAccount(
    long sentOk, long sentError, long sentPushback, long sentOther,
    long writtenOnce, long deadLetteredOnce,
    long duplicates, List<Duplicate> duplicateList,
    long missing, List<String> missingList,
    long throttledWritten, long throttledNotWritten, long explained, long unexplained,
    long batchedFound, long foundNotOk, long otherRuns,
    long mangled, long mergedLines, List<SinkTally.Finding> mangledList,
    AgentCounts agent) {

  /** How many duplicates and missing ids are listed; the rest are only counted. */
  public static final int LISTED = 100;

  /** An id found more than once: how often written and dead-lettered. */
  public record Duplicate(String id, int written, int deadLettered) {}

  public long notSent() {
    return sentError + sentPushback + sentOther;
  }

  public static LossAccount of(SinkTally tally, AgentCounts agent) {
    SentLog sent = tally.sent();
    long writtenOnce = 0;
    long deadOnce = 0;
    long duplicates = 0;
    long missing = 0;
    List<Duplicate> dupList = new ArrayList<>();
    List<String> missingList = new ArrayList<>();
    for (int sender = 0; sender < sent.senders(); sender++) {
      int limit = sent.seqLimit(sender);
      BitSet ok = sent.okSeqs(sender);
      for (int seq = 0; seq < limit; seq++) {
        int w = tally.count(SinkTally.Kind.WRITTEN, sender, seq);
        int d = tally.count(SinkTally.Kind.DEAD_LETTERED, sender, seq);
        if (w + d > 1) {
          duplicates++;
          if (dupList.size() < LISTED) {
            dupList.add(new Duplicate(RunLayout.id(tally.runId(), sender, seq), w, d));
          }
        } else if (w == 1) {
          writtenOnce++;
        } else if (d == 1) {
          deadOnce++;
        } else if (ok.get(seq)) {
          missing++;
          if (missingList.size() < LISTED) {
            missingList.add(RunLayout.id(tally.runId(), sender, seq));
          }
        }
      }
    }
    long throttledWritten = tally.dispositionCount("throttled");
    // Only throttled events that were dropped or routed aside can be missing; pushed-back ones
    // were sent again (AgentCounts#throttledNotPushedBack).
    long throttledNotWritten = Math.max(0, agent.throttledNotPushedBack() - throttledWritten);
    long explainable = throttledNotWritten + agent.sourceDropped();
    long explained = Math.min(missing, explainable);
    return new LossAccount(sent.okCount(), sent.errorCount(), sent.pushbackCount(),
        sent.otherCount(), writtenOnce, deadOnce, duplicates, List.copyOf(dupList), missing,
        List.copyOf(missingList), throttledWritten, throttledNotWritten, explained,
        missing - explained, tally.dispositionCount("batched"), tally.foundNotOk(),
        tally.otherRuns(), tally.mangledCount(), tally.mergedLines(), tally.mangledListed(),
        agent);
  }
}
