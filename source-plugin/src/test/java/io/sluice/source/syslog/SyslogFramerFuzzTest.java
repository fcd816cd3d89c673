package io.sluice.source.syslog;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;

/**
 * Coverage-guided fuzzing of the TCP framer: a fuzzed stream, mode, frame limit and chunking. The
 * stream is the front of the input; the settings are read from its last bytes ({@link
 * FuzzedDataProvider} takes numbers from the end), so a seed file is a plain stream. Seeds live
 * under {@code src/test/resources/.../SyslogFramerFuzzTestInputs/frames}.
 */
class SyslogFramerFuzzTest {

  private static final Framing[] MODES = {Framing.AUTO, Framing.OCTET, Framing.LF};

  @FuzzTest(maxDuration = "30s")
  void frames(FuzzedDataProvider data) {
    Framing mode = data.pickValue(MODES);
    int maxFrameBytes = data.consumeInt(SyslogFramer.MIN_MAX_FRAME_BYTES, 512);
    List<Integer> chunkLengths = new ArrayList<>();
    for (int n = data.consumeInt(1, 8); n > 0; n--) {
      chunkLengths.add(data.consumeInt(1, 64));
    }
    byte[] stream = data.consumeRemainingAsBytes();
    FramerInvariants.check(stream, mode, maxFrameBytes, chunkLengths);
  }
}
