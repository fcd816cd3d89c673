package io.sluice.sink.write;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.Set;

/**
 * How the rolling writer opens files and its directory: {@link FileChannel#open} in production; in
 * tests, a channel that fails at a chosen byte or counts its forces, so that real failures of the
 * file system can be injected without touching the writer's own logic.
 */
@FunctionalInterface
interface ChannelOpener {

  FileChannel open(Path path, Set<? extends OpenOption> options) throws IOException;

  ChannelOpener SYSTEM = FileChannel::open;
}
