package io.sluice.sink.write;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Opens real channels, wrapped so a test can fail them, count their forces, or "crash" them. */
final class RecordingOpener implements ChannelOpener {

  final List<FaultyChannel> files = new ArrayList<>();
  final List<FaultyChannel> directories = new ArrayList<>();

  @Override
  public FileChannel open(Path path, Set<? extends OpenOption> options) throws IOException {
    FaultyChannel c = new FaultyChannel(path, FileChannel.open(path, options));
    (Files.isDirectory(path) ? directories : files).add(c);
    return c;
  }

  FaultyChannel lastFile() {
    return files.get(files.size() - 1);
  }

  int fileForces() {
    return files.stream().mapToInt(c -> c.forces).sum();
  }

  int directoryForces() {
    return directories.stream().mapToInt(c -> c.forces).sum();
  }
}
