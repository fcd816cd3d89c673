package io.sluice.tools.load;

import io.sluice.tools.RunLayout;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * Writes {@value RunLayout#RUN}: first at the start (without {@code endEpochMillis}, so a run that
 * died shows what it was), again at the end. Besides RunLayout's keys, a few that say how the run
 * sent (durationMillis, size, framing, batch, gzip, ack, sources), for whoever reads it later.
 */
final class RunProperties {

  private RunProperties() {}

  static void write(Path runDir, Map<String, String> values) throws IOException {
    Properties p = new Properties();
    values.forEach((k, v) -> {
      if (v != null) {
        p.setProperty(k, v);
      }
    });
    Path tmp = runDir.resolve(RunLayout.RUN + ".tmp");
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      p.store(w, "sluice load");
    }
    Files.move(tmp, RunLayout.file(runDir, RunLayout.RUN), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }
}
